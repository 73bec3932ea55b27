import type { JobName } from '@shared/schemas/admin';

/**
 * `POST /v1/admin/jobs/{job}/run`: how a job is run at once depends on where the API runs.
 * On AWS (the default) the admin function invokes the job's function asynchronously
 * (InvocationType Event, the same way its schedule does) and answers 202: a run may outlast
 * the API's 29 s. Locally, infra/local installs a runner that runs the job in the request
 * and answers 200 with what it did.
 */
export type JobAnswer =
  | { status: 200; body: { job: JobName; status: 'done'; result: Record<string, unknown> } }
  | { status: 202; body: { job: JobName; status: 'started' } };

export type JobRunner = (job: JobName) => Promise<JobAnswer>;

/** The job functions' names (their `live` aliases) the stack gives the admin function. */
export const JOB_FUNCTION_ENV: Record<JobName, string> = {
  metrics: 'JOB_FUNCTION_METRICS',
  // One function for what happens by time (functions/time-job.ts); its event's `job` picks the rules.
  expiry: 'JOB_FUNCTION_TIME',
  reminders: 'JOB_FUNCTION_TIME',
  'time-changes': 'JOB_FUNCTION_TIME',
};

let installed: JobRunner | undefined;

export function useJobRunner(runner: JobRunner | undefined): void {
  installed = runner;
}

/** Starts the job's function without waiting for it (Lambda queues the event; its retries and DLQ apply). */
export const invokeJobFunction: JobRunner = async (job) => {
  const functionName = process.env[JOB_FUNCTION_ENV[job]];
  if (!functionName) throw new Error(`${JOB_FUNCTION_ENV[job]} is not set`);
  const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  lambda ??= new LambdaClient({});
  await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify({ source: 'admin', job })),
    }),
  );
  return { status: 202, body: { job, status: 'started' } };
};
let lambda: import('@aws-sdk/client-lambda').LambdaClient | undefined;

export function runJob(job: JobName): Promise<JobAnswer> {
  return (installed ?? invokeJobFunction)(job);
}
