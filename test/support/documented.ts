import { expect } from 'vitest';
import type { z } from 'zod';
import { routes, type RouteId } from '@shared/http/routes';
import type { ApiResponse } from './api';

/** The answer has this status and matches the route table's schema for it (what the OpenAPI document says). */
export function documented(routeId: RouteId, response: ApiResponse, status: number) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  const schema = (routes[routeId].responses as Record<number, z.ZodType | null | undefined>)[status];
  const parsed = schema?.safeParse(response.body);
  expect(parsed?.success, `${routeId}: ${JSON.stringify(parsed?.error?.issues)}`).toBe(true);
  return response.body;
}
