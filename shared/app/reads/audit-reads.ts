import { AUDIT_RETENTION_DAYS, type AuditKind, type AuditRecord } from '@shared/domain/audit';
import { DAY_MS } from '@shared/domain/time';
import { listAudit } from '@shared/store/items/audit';
import type { Page } from '@shared/store/query';

/**
 * The audit log, newest first: `to` defaults to now and `from` to the retention period before
 * it (older records are gone by then).
 */
export async function readAudit(
  query: {
    limit: number;
    cursor?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    actor?: string | undefined;
    kind?: AuditKind | undefined;
  },
  now: Date,
): Promise<Page<AuditRecord>> {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - AUDIT_RETENTION_DAYS * DAY_MS);
  const asked = [query.from, query.to, query.actor, query.kind].map((value) => value ?? '').join('/');
  return listAudit({ limit: query.limit, cursor: query.cursor, from, to, actor: query.actor, kind: query.kind, asked });
}
