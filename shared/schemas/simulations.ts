import * as z from 'zod';
import { SIMULATION_MAX_DAYS } from '@shared/domain/simulation';
import { DAY_MS } from '@shared/domain/time';
import { CallerId, Money, Points, Timestamp } from './common';
import { ProgramUpdate } from './program';

export const SimulationId = CallerId.meta({
  description: 'The simulation, as POST /v1/admin/program/simulations answered it',
});

/**
 * A draft program and the period to replay. The draft is validated by the PUT's own schema (the
 * same paths under `body.program`); the period is half-open, `from` before `to`, at most 400 days.
 */
export const CreateSimulationRequest = z
  .strictObject({
    program: ProgramUpdate,
    from: Timestamp,
    to: Timestamp,
  })
  .superRefine((request, context) => {
    const days = (Date.parse(request.to) - Date.parse(request.from)) / DAY_MS;
    if (!(days > 0)) context.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (days > SIMULATION_MAX_DAYS)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be at most ${SIMULATION_MAX_DAYS} days after from`,
      });
  })
  .meta({ id: 'CreateSimulationRequest' });
export type CreateSimulationRequest = z.infer<typeof CreateSimulationRequest>;

export const SimulationStatus = z.enum(['running', 'done', 'failed']);

export const SimulationStarted = z
  .object({ simulationId: z.string(), status: z.literal('running') })
  .meta({ id: 'SimulationStarted' });

const Figures = z
  .object({
    points: Points,
    cashback: Money,
    byRule: z
      .record(z.string(), Points)
      .meta({ description: 'Points by breakdown rule (base, tier:<id>, promotion:<id>, rule:<id>, …)' }),
  })
  .meta({ id: 'SimulationFigures' });

export const SimulationView = z
  .object({
    simulationId: z.string(),
    status: SimulationStatus,
    from: Timestamp,
    to: Timestamp,
    purchases: z.int().meta({ description: 'Purchases replayed (occurred in [from, to))' }),
    members: z.int().meta({ description: 'Members with at least one of them' }),
    progress: z
      .object({ processed: z.int(), total: z.int() })
      .meta({ description: 'Steps of the run done: days of activity read, then shards of members replayed' }),
    current: Figures,
    draft: Figures,
    tierMoves: z
      .object({ current: z.record(z.string(), z.int()), draft: z.record(z.string(), z.int()) })
      .meta({ description: 'Members per tier id at `to`, under the programs in force and under the draft' }),
  })
  .meta({ id: 'Simulation' });
export type SimulationView = z.infer<typeof SimulationView>;
