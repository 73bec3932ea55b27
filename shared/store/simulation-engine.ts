import { replaceable } from '@shared/adapters/replaceable';
import { startExecutionOnce } from '@shared/adapters/step-functions';

/**
 * What runs a simulation once its item is stored: the simulation state machine on AWS (env
 * SIMULATION_STATE_MACHINE_ARN: a Distributed Map over days of activity, then one over member
 * shards, on the bulk import's worker), the same steps in-process locally (infra/local). Starting
 * is idempotent: the execution is named after the simulation.
 */
export interface SimulationEngine {
  start(simulationId: string): Promise<void>;
}

const engine = replaceable<SimulationEngine>(() => {
  const arn = process.env.SIMULATION_STATE_MACHINE_ARN;
  if (!arn) throw new Error('SIMULATION_STATE_MACHINE_ARN must be set');
  return { start: (simulationId) => startExecutionOnce(arn, simulationId, { simulationId }) };
});

export const simulationEngine = engine.get;
export const useSimulationEngine = engine.use;
