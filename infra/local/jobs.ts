/**
 * The scheduled jobs, run on a timer locally as EventBridge runs them on AWS.
 * Each job is registered here with the same function the schedule invokes.
 */
type Job = { name: string; run: () => Promise<unknown> };

const jobs: Job[] = [];

export function registerLocalJob(job: Job): void {
  jobs.push(job);
}

export function startLocalJobs(intervalMs: number): { stop: () => void } {
  if (intervalMs <= 0 || jobs.length === 0) return { stop: () => undefined };
  const timer = setInterval(() => {
    for (const job of jobs) job.run().catch((error: unknown) => console.error(`job ${job.name} failed`, error));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
