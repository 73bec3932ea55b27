import { AUDIT_RETENTION_DAYS, type AuditDraft, type AuditKind, type AuditRecord } from '@shared/domain/audit';
import { newAuditId } from '@shared/ids';
import { decodeCursor, encodeCursor } from '../cursor';
import { createPut, type Item, type TransactItem } from '../item';
import { readPartitions, type Page } from '../query';

/**
 * Audit records live in one partition per UTC month (`AUDIT#YYYY-MM`), sorted by time: admin
 * changes are few, a month never makes a hot partition, and a time range is a Query per month,
 * newest first. Each record carries a TTL 400 days after the change.
 */
const AUDIT_PREFIX = 'AUDIT#';
const auditPartition = (month: string) => `${AUDIT_PREFIX}${month}`;
const DAY_MS = 86_400_000;

export function auditPut(draft: AuditDraft, actor: AuditRecord['actor'], at: Date): TransactItem {
  const time = at.toISOString();
  return createPut({
    PK: auditPartition(time.slice(0, 7)),
    SK: `${time}#${newAuditId()}`,
    entity: 'audit',
    at: time,
    actorPartnerId: actor.partnerId,
    actorName: actor.name,
    kind: draft.kind,
    target: draft.target,
    summary: draft.summary,
    ttl: Math.ceil((at.getTime() + AUDIT_RETENTION_DAYS * DAY_MS) / 1000),
  });
}

const itemToAudit = (item: Item): AuditRecord => ({
  at: String(item.at),
  actor: { partnerId: String(item.actorPartnerId), name: String(item.actorName) },
  kind: item.kind as AuditKind,
  target: String(item.target),
  summary: String(item.summary),
});

/** The UTC months from `to`'s back to `from`'s, newest first. */
function monthsBetween(from: Date, to: Date): string[] {
  const months: string[] = [];
  const cursor = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), 1));
  const first = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1);
  while (cursor.getTime() >= first) {
    months.push(cursor.toISOString().slice(0, 7));
    cursor.setUTCMonth(cursor.getUTCMonth() - 1);
  }
  return months;
}

export interface AuditQuery {
  limit: number;
  cursor?: string | undefined;
  from: Date;
  to: Date;
  actor?: string | undefined;
  kind?: AuditKind | undefined;
  /** The query as asked (a default range moves with the clock): what its cursors are bound to. */
  asked: string;
}

/**
 * Audit records in [from, to], newest first, optionally of one actor and one kind (filtered in
 * the Query: the log is small). A page is filled month by month; the cursor holds the sort key
 * to continue before, and is bound to the query's range and filters.
 */
export async function listAudit(query: AuditQuery): Promise<Page<AuditRecord>> {
  const from = query.from.toISOString();
  const to = query.to.toISOString();
  const scope = { list: 'audit', boundTo: query.asked };
  const after = query.cursor ? decodeCursor(query.cursor, scope) : undefined;
  const filters = [...(query.actor ? ['actorPartnerId = :actor'] : []), ...(query.kind ? ['#kind = :kind'] : [])];
  const months = monthsBetween(query.from, after ? new Date(after.slice(0, 24)) : query.to);
  const queries = months.map((month) => ({
    partition: auditPartition(month),
    // '~' sorts after every character of a time and after '#': `to` itself is included.
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    ...(query.kind ? { ExpressionAttributeNames: { '#kind': 'kind' } } : {}),
    ExpressionAttributeValues: {
      ':pk': auditPartition(month),
      ':from': from,
      ':to': `${to}~`,
      ...(query.actor ? { ':actor': query.actor } : {}),
      ...(query.kind ? { ':kind': query.kind } : {}),
    },
    ScanIndexForward: false,
  }));
  // The cursor's sort key starts with its month, the first of `months`: the partition is rebuilt from it.
  const { items, next } = await readPartitions(
    queries,
    { limit: query.limit, start: { index: 0, after } },
    itemToAudit,
  );
  return next ? { items, nextCursor: encodeCursor(scope, next.after) } : { items };
}
