import { stringLike } from '@infra/config/table-access';
import type { PolicyStatementJson } from '../infra/support';

/**
 * A small evaluator of the IAM statements the stack gives a function's role, for the only shapes
 * the stack uses on DynamoDB: Allow statements on the table or an index, with or without a
 * `ForAllValues:StringLike` condition on `dynamodb:LeadingKeys`. Anything else (a Deny, another
 * condition) is refused loudly, so a change of policy shape cannot pass unevaluated.
 */
export interface TableRequest {
  /** e.g. `dynamodb:PutItem` (one per item of a transaction or batch, as IAM authorizes them). */
  action: string;
  /** `table`, or `index/<name>` for a Query on an index. */
  resource: string;
  /** The partition-key values the request names (dynamodb:LeadingKeys). */
  partitions: string[];
}

export type ResourceOf = (resource: unknown) => string | undefined;

/** Maps the CloudFormation expressions of the table's ARN (and its index ARNs) to `table` / `index/<name>`. */
export function tableResources(tableLogicalId: string): ResourceOf {
  const tableArn = JSON.stringify({ 'Fn::GetAtt': [tableLogicalId, 'Arn'] });
  return (resource) => {
    if (resource === '*') return '*';
    if (JSON.stringify(resource) === tableArn) return 'table';
    const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join && join[0] === '' && join[1].length === 2 && JSON.stringify(join[1][0]) === tableArn) {
      const suffix = String(join[1][1]);
      if (suffix.startsWith('/index/')) return `index/${suffix.slice('/index/'.length)}`;
    }
    return undefined;
  };
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function conditionHolds(
  condition: Record<string, Record<string, unknown>> | undefined,
  request: TableRequest,
): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      if (operator !== 'ForAllValues:StringLike' || key !== 'dynamodb:LeadingKeys')
        throw new Error(`The evaluator does not know the condition ${operator} ${key}`);
      const patterns = list(expected as string | string[]);
      if (!request.partitions.every((partition) => patterns.some((pattern) => stringLike(pattern, partition))))
        return false;
    }
  }
  return true;
}

/** True when an Allow statement covers the request and no statement denies it. */
export function isAllowed(statements: PolicyStatementJson[], resourceOf: ResourceOf, request: TableRequest): boolean {
  let allowed = false;
  for (const statement of statements as (PolicyStatementJson & {
    Condition?: Record<string, Record<string, unknown>>;
  })[]) {
    const actions = list(statement.Action);
    if (!actions.some((action) => stringLike(action, request.action))) continue;
    const resources = list(statement.Resource).map(resourceOf);
    if (!resources.some((resource) => resource === '*' || resource === request.resource)) continue;
    if (statement.Effect !== 'Allow') throw new Error(`The evaluator does not handle ${statement.Effect} statements`);
    if (conditionHolds(statement.Condition, request)) allowed = true;
  }
  return allowed;
}
