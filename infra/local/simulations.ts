import { runSimulationInProcess } from '@shared/app/jobs/simulation-worker';
import { withoutDeadline } from '@shared/deadline';
import type { SimulationEngine } from '@shared/store/simulation-engine';

/** Runs each started simulation once, in the background of the local server's process (the same steps as on AWS). */
export class InProcessSimulationEngine implements SimulationEngine {
  private readonly running = new Map<string, Promise<unknown>>();

  start(simulationId: string): Promise<void> {
    if (this.running.has(simulationId)) return Promise.resolve();
    // Started by a request, it outlives it: not bound by the request's deadline (AWS runs it in Step Functions).
    const run = withoutDeadline(() => runSimulationInProcess(simulationId))
      .catch((error: unknown) => console.error(`simulation ${simulationId} failed`, error))
      .finally(() => this.running.delete(simulationId));
    this.running.set(simulationId, run);
    return Promise.resolve();
  }

  /** Resolves when no simulation is running (tests, and stopping the server). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}
