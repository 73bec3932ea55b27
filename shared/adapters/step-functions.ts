import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

let client: SFNClient | undefined;

/**
 * Starts a state machine's execution for one piece of work, once: the execution is named after
 * the work, so a second start of the same work (a retried request) finds it and does nothing.
 */
export async function startExecutionOnce(stateMachineArn: string, name: string, input: unknown): Promise<void> {
  client ??= new SFNClient({});
  try {
    await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
  }
}
