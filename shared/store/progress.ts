import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { store } from './client';
import { conditionHeld } from './errors';
import type { Key } from './item';

/**
 * The progress of a long job kept on its own item (an import, a simulation): counts that grow
 * once per step however often a step runs, and a status that ends once. The item's module names
 * its fields; this is how they move.
 */

const names = (fields: string[]) => Object.fromEntries(fields.map((field) => [`#${field}`, field]));

/** An update that may lose: false when its condition failed. */
const conditionalUpdate = (input: Omit<UpdateCommandInput, 'TableName'>) =>
  conditionHeld(store().client.send(new UpdateCommand({ ...input, TableName: store().tableName })));

/**
 * Adds a step's counts once: the update is conditioned on the step not being in the item's set
 * `doneSet` yet, and puts it there in the same write. False if it already was (a step run again
 * after a retry or a resume).
 */
export function countStepOnce(
  key: Key,
  doneSet: string,
  step: string,
  counts: Record<string, number>,
): Promise<boolean> {
  const fields = Object.keys(counts);
  return conditionalUpdate({
    Key: key,
    ConditionExpression: 'attribute_exists(PK) AND NOT contains(#done, :step)',
    UpdateExpression: `ADD ${fields.map((field) => `#${field} :${field}, `).join('')}#done :set`,
    ExpressionAttributeNames: { '#done': doneSet, ...names(fields) },
    ExpressionAttributeValues: {
      ':step': step,
      ':set': new Set([step]),
      ...Object.fromEntries(fields.map((field) => [`:${field}`, counts[field]])),
    },
  });
}

/**
 * Ends a running job: its status, when it finished and `fields`, only while it is running, so
 * the first word stands (a concurrent worker that finished it first). False when it was not running.
 */
export function finishRunning(
  key: Key,
  status: string,
  now: string,
  fields: Record<string, unknown> = {},
): Promise<boolean> {
  const set = Object.keys(fields);
  return conditionalUpdate({
    Key: key,
    ConditionExpression: '#status = :running',
    UpdateExpression: `SET #status = :status, finishedAt = :now${set.map((field) => `, #${field} = :${field}`).join('')}`,
    ExpressionAttributeNames: { '#status': 'status', ...names(set) },
    ExpressionAttributeValues: {
      ':running': 'running',
      ':status': status,
      ':now': now,
      ...Object.fromEntries(set.map((field) => [`:${field}`, fields[field]])),
    },
  });
}
