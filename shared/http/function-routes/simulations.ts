import * as z from 'zod';
import { CreateSimulationRequest, SimulationId, SimulationStarted, SimulationView } from '@shared/schemas/simulations';
import type { RouteDefinition } from '../route-definition';

/**
 * The simulation routes (issue #28), served by the `imports` function: the function that starts
 * the bulk engine's runs (see ../routes.ts, which assembles every function's routes).
 */
export const simulationRoutes = {
  createSimulation: {
    method: 'POST',
    path: '/v1/admin/program/simulations',
    fn: 'imports',
    scope: 'admin',
    summary: 'Replay the recorded purchases of a period through a draft program (and the programs in force)',
    description:
      'Validates the draft exactly as PUT /v1/admin/program does (400 with the paths under `body.program`), in the ' +
      "program's currency; `from` before `to`, at most 400 days apart. Answers 202 at once; the replay runs in the " +
      'background, member by member in time order. It writes nothing but the simulation: no member, balance, tier ' +
      'or ledger changes.',
    errors: ['currency-mismatch'],
    body: CreateSimulationRequest,
    example: {
      program: {
        currency: 'EUR',
        earn: { pointsPerUnit: 10 },
        tiers: [
          {
            id: 'member',
            name: 'Member',
            minQualifyingSpend: { value: 0, currency: 'EUR' },
            pointsMultiplier: 1,
            cashbackRate: 100,
            discountRate: 0,
          },
        ],
        bonuses: { signup: 100, referrer: 200, referee: 100, birthday: 50 },
        cashback: { holdDays: 14 },
        expiry: { inactivityMonths: 24 },
      },
      from: '2026-09-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    },
    responses: { 202: SimulationStarted },
  },
  getSimulation: {
    method: 'GET',
    path: '/v1/admin/program/simulations/{simulationId}',
    fn: 'imports',
    scope: 'admin',
    summary: "A simulation's progress and, once done, its figures: current vs draft, by rule, members per tier",
    description:
      'While `running`, `progress` counts the steps done (days of activity read, then shards of members replayed) ' +
      'and the figures are zero; `done` carries the figures. The same inputs give the same figures.',
    errors: ['simulation-not-found'],
    params: z.strictObject({ simulationId: SimulationId }),
    responses: { 200: SimulationView },
  },
} as const satisfies Record<string, RouteDefinition>;
