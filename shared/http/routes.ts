import { adminRoutes } from './function-routes/admin';
import { cashbackRoutes } from './function-routes/cashback';
import { codesRoutes } from './function-routes/codes';
import { eventsRoutes } from './function-routes/events';
import { importsRoutes } from './function-routes/imports';
import { insightsRoutes } from './function-routes/insights';
import { meRoutes } from './function-routes/me';
import { membersRoutes } from './function-routes/members';
import { pointsRoutes } from './function-routes/points';
import { rewardsRoutes } from './function-routes/rewards';
import { simulationRoutes } from './function-routes/simulations';
import { segmentsRoutes } from './function-routes/segments';
import { HttpProblem } from './problems';
import type { FunctionName, RouteDefinition } from './route-definition';

export {
  entryPoints,
  functionNames,
  type EntryName,
  type FunctionName,
  type RouteDefinition,
  type RouteScope,
} from './route-definition';

/**
 * The one route table: every function's routes (shared/http/function-routes/), in one object.
 * The CDK stack makes one Lambda function per `fn` and one API Gateway method per route; the
 * local server dispatches with this table; the OpenAPI document is generated from it. Each
 * API function imports only its own part (shared/http/api-function.ts), so that it builds only
 * its own routes' schemas at init; nothing else declares a route.
 */
export const routes = {
  ...membersRoutes,
  ...segmentsRoutes,
  ...pointsRoutes,
  ...cashbackRoutes,
  ...rewardsRoutes,
  ...insightsRoutes,
  ...adminRoutes,
  ...eventsRoutes,
  ...importsRoutes,
  ...simulationRoutes,
  ...meRoutes,
  ...codesRoutes,
} as const satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;
export type Routes = typeof routes;

export function routesOf(fn: FunctionName): RouteId[] {
  return (Object.keys(routes) as RouteId[]).filter((id) => routes[id].fn === fn);
}

/** Paths without a route for a method answer 405 with the methods they do have. */
export function methodsForPath(path: string): string[] {
  return Object.values(routes as Record<string, RouteDefinition>)
    .filter((r) => r.path === path)
    .map((r) => r.method);
}

export interface RouteMatch {
  routeId: RouteId;
  pathParameters: Record<string, string>;
}

function templateToRegExp(template: string): RegExp {
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return new RegExp(`^${pattern}$`);
}
const compiled = (Object.keys(routes) as RouteId[]).map((routeId) => ({
  routeId,
  regexp: templateToRegExp(routes[routeId].path),
}));

/** A path segment's text; a malformed percent-encoding (`%ZZ`, a lone `%`, bytes that are not UTF-8) is the caller's error. */
function decodedSegment(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HttpProblem('validation-error', 400, 'Invalid request', 'The path has a malformed percent-encoding.', [
      { path: `path.${name}`, message: 'is not a valid percent-encoding of UTF-8 text' },
    ]);
  }
}

/** Matches a concrete path; used by the local server (API Gateway does this on AWS). */
export function matchPath(path: string): { template: string; candidates: RouteMatch[] } | undefined {
  const hits = compiled.flatMap(({ routeId, regexp }) => {
    const match = regexp.exec(path);
    if (!match) return [];
    const pathParameters: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) pathParameters[name] = decodedSegment(name, value);
    return [{ routeId, pathParameters }];
  });
  // A literal segment beats a parameter (…/snapshots/latest over …/snapshots/{id}): prefer the template with fewest parameters.
  if (hits.length === 0) return undefined;
  const score = (id: RouteId) => (routes[id].path.match(/\{/g) ?? []).length;
  const best = Math.min(...hits.map((h) => score(h.routeId)));
  const candidates = hits.filter((h) => score(h.routeId) === best);
  const first = candidates[0];
  return first ? { template: routes[first.routeId].path, candidates } : undefined;
}
