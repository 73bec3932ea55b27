import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { runWithDeadline } from '@shared/deadline';
import { store } from './client';

/** Never written: the readiness check reads it to prove the table answers. */
const readinessProbeKey = { PK: 'HEALTH', SK: 'READY' };

/** Short: a readiness probe that waits as long as a request would tells the caller nothing sooner. */
export const DEFAULT_READY_TIMEOUT_MS = 1_000;

export function readyTimeoutMs(): number {
  const configured = Number(process.env.HEALTH_READY_TIMEOUT_MS);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_READY_TIMEOUT_MS;
}

/**
 * Whether the table answers a read within the readiness timeout: one eventually consistent
 * GetItem of a key that is never written (the cheapest call that reaches the table).
 */
export async function tableAnswers(timeoutMs = readyTimeoutMs()): Promise<boolean> {
  const { client, tableName } = store();
  try {
    await runWithDeadline(timeoutMs, () =>
      client.send(new GetCommand({ TableName: tableName, Key: readinessProbeKey })),
    );
    return true;
  } catch {
    return false;
  }
}
