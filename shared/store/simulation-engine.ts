import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

/**
 * What runs a simulation once its item is stored: the simulation state machine on AWS (env
 * SIMULATION_STATE_MACHINE_ARN: a Distributed Map over days of activity, then one over member
 * shards, on the bulk import's worker), the same steps in-process locally (infra/local). Starting
 * is idempotent: the execution is named after the simulation.
 */
export interface SimulationEngine {
  start(simulationId: string): Promise<void>;
}

class StepFunctionsEngine implements SimulationEngine {
  private readonly sfn = new SFNClient({});
  constructor(private readonly stateMachineArn: string) {}

  async start(simulationId: string): Promise<void> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: simulationId,
          input: JSON.stringify({ simulationId }),
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
    }
  }
}

let current: SimulationEngine | undefined;

export function simulationEngine(): SimulationEngine {
  if (current) return current;
  const arn = process.env.SIMULATION_STATE_MACHINE_ARN;
  if (!arn) throw new Error('SIMULATION_STATE_MACHINE_ARN must be set');
  current = new StepFunctionsEngine(arn);
  return current;
}

export function useSimulationEngine(engine: SimulationEngine | undefined): void {
  current = engine;
}
