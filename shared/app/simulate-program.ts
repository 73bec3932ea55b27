import { DomainError } from '@shared/domain/errors';
import { emptyResult, type ReplayFigures } from '@shared/domain/simulation';
import { daysOf } from '@shared/store/activity';
import { newSimulationId } from '@shared/ids';
import type { CreateSimulationRequest, SimulationView } from '@shared/schemas/simulations';
import { findSimulation, newSimulationPut, type SimulationState } from '@shared/store/items/simulation';
import { readProgram } from '@shared/store/program';
import { simulationEngine } from '@shared/store/simulation-engine';
import { outcome, type UseCase } from './support/outcome';

/** Member shards a simulation is split into (env SIMULATION_SHARDS): the width of the replay's map. */
export function simulationShards(): number {
  const configured = Number(process.env.SIMULATION_SHARDS ?? '16');
  return Number.isInteger(configured) && configured >= 1 && configured <= 1_000 ? configured : 16;
}

/**
 * Starts a simulation of a draft program over [from, to): the draft was validated by the PUT's
 * schema; it must be in the program's currency (the history's amounts are). The simulation item
 * is written with the POST's idempotency record (a retried POST answers the same simulation),
 * and `launchSimulation` hands it to the engine. Nothing else is written, now or later.
 */
export function createSimulation(
  request: CreateSimulationRequest,
): UseCase<{ simulationId: string; status: 'running' }> {
  return async (caller) => {
    const { program: inForce } = await readProgram();
    const { version: _version, updatedAt: _updatedAt, ...draft } = request.program;
    if (draft.currency !== inForce.currency)
      throw new DomainError('currency-mismatch', `The program runs in ${inForce.currency}; a draft must too.`, [
        { path: 'body.program.currency', message: `must be ${inForce.currency}` },
      ]);
    const from = new Date(request.from).toISOString();
    const to = new Date(request.to).toISOString();
    return (now) => {
      const simulationId = newSimulationId();
      const createdAt = now.toISOString();
      return outcome(
        { simulationId, status: 'running' as const },
        {
          writes: [
            {
              item: newSimulationPut({
                simulationId,
                status: 'running',
                from,
                to,
                program: draft,
                createdBy: caller.partnerId,
                createdAt,
                shards: simulationShards(),
                days: from < createdAt ? daysOf(from, createdAt).length : 0,
              }),
            },
          ],
        },
      );
    };
  };
}

/** Hands a running simulation to the engine (after the POST, and again on its replay: starting is idempotent). */
export async function launchSimulation(simulationId: string): Promise<void> {
  const state = await findSimulation(simulationId);
  if (state?.status !== 'running') return;
  await simulationEngine().start(simulationId);
}

function figures(side: ReplayFigures, currency: string) {
  return { points: side.points, cashback: { value: side.cashback, currency }, byRule: side.byRule };
}

/** A simulation as the API shows it: zeros until it is done. */
export function simulationView(state: SimulationState): SimulationView {
  const result = state.result ?? emptyResult();
  const currency = state.program.currency;
  return {
    simulationId: state.simulationId,
    status: state.status,
    from: state.from,
    to: state.to,
    purchases: result.purchases,
    members: result.members,
    progress: { processed: state.processed, total: state.days + state.shards },
    current: figures(result.current, currency),
    draft: figures(result.draft, currency),
    tierMoves: { current: result.current.tiers, draft: result.draft.tiers },
  };
}

export async function getSimulation(simulationId: string): Promise<SimulationView> {
  const state = await findSimulation(simulationId);
  if (!state) throw new DomainError('simulation-not-found', `No simulation ${simulationId}.`);
  return simulationView(state);
}
