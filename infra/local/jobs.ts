import { runWithoutDeadline } from '@shared/deadline';
import type { JobRunner } from '@shared/jobs';
import type { JobName } from '@shared/schemas/admin';

/**
 * The scheduled jobs, run on a timer locally as EventBridge runs them on AWS, and at once by
 * `POST /v1/admin/jobs/{job}/run` (the local runner answers 200 with what the run did).
 * Each job is registered here with the same function the schedule invokes.
 */
type Job = { name: JobName; run: () => Promise<unknown> };

const jobs: Job[] = [];

export function registerLocalJob(job: Job): void {
  jobs.push(job);
}

/** Runs the job in the request, so a test or a demo sees its effect as soon as the call returns. */
export const localJobRunner: JobRunner = async (name) => {
  const job = jobs.find((registered) => registered.name === name);
  if (!job) throw new Error(`no local job ${name}`);
  // A job is not an API request: like on AWS, no request deadline bounds it (a year of metrics may take a while).
  const result = await runWithoutDeadline(job.run);
  return {
    status: 200,
    body: { job: name, status: 'done', result: (result ?? {}) as Record<string, unknown> },
  };
};

export function startLocalJobs(intervalMs: number): { stop: () => void } {
  if (intervalMs <= 0 || jobs.length === 0) return { stop: () => undefined };
  const timer = setInterval(() => {
    for (const job of jobs) job.run().catch((error: unknown) => console.error(`job ${job.name} failed`, error));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
