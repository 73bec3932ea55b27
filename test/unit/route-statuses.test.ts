import { describe, expect, it } from 'vitest';
import { answers, successStatus, type AnsweredRoute } from '@shared/http/answers';
import { openApiDocument } from '@shared/http/openapi';
import { routes, type RouteDefinition, type RouteId } from '@shared/http/routes';

/**
 * A route's success status is stated once, in its `responses`: the OpenAPI document lists exactly
 * those, and the answers take theirs from there (a route with several chooses among them).
 */
const routeIds = Object.keys(routes) as RouteId[];
const declared = (id: RouteId) => Object.keys((routes[id] as RouteDefinition).responses).map(Number);

describe('success statuses', () => {
  it("are the route table's in the OpenAPI document, route by route", () => {
    const paths = openApiDocument().paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    for (const id of routeIds) {
      const route = routes[id] as RouteDefinition;
      const operation = paths[route.path]?.[route.method.toLowerCase()];
      const documented = Object.keys(operation?.responses ?? {})
        .filter((status) => status.startsWith('2'))
        .map(Number);
      expect({ id, statuses: documented }).toEqual({ id, statuses: declared(id) });
    }
  });

  it("answer the route's one declared status, and refuse one it does not declare", () => {
    expect(successStatus('earnPoints', routes.earnPoints)).toBe(201);
    expect(successStatus('eraseMember', routes.eraseMember)).toBe(204);
    expect(() => successStatus('earnPoints', routes.earnPoints, 200)).toThrow(/does not declare/);
    expect(() => successStatus('putReward', routes.putReward)).toThrow(/must choose/);
  });

  it('are chosen among the declared ones by the answers of routes that declare several', () => {
    const several = (Object.keys(answers) as AnsweredRoute[]).filter((id) => declared(id).length > 1);
    expect(several.sort()).toEqual(['putCampaign', 'putRaffle', 'putReward', 'putSegment']);
    const chosen = [
      answers.putReward({ reward: {}, created: true } as never),
      answers.putReward({ reward: {}, created: false } as never),
      answers.putRaffle({ raffle: {}, created: true } as never),
      answers.putCampaign({ campaign: {}, created: false } as never),
      answers.putSegment({ segment: {}, created: true, evaluating: true } as never),
      answers.putSegment({ segment: {}, created: true, evaluating: false } as never),
      answers.putSegment({ segment: {}, created: false, evaluating: false } as never),
    ].map((answer) => answer.status);
    expect(chosen).toEqual([201, 200, 201, 200, 202, 201, 200]);
    for (const id of several)
      for (const status of [200, 201, 202])
        if (declared(id).includes(status)) expect(successStatus(id, routes[id], status)).toBe(status);
  });
});
