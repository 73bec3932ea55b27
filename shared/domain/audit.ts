/**
 * The audit log: every change an admin or a partner key (a support desk) made, written in the
 * change's own transaction (shared/app/support/execute.ts), so nothing is audited that did not
 * happen and nothing happens unaudited. A summary names ids and amounts, never a person's data
 * (no member's name, email or free text): the log outlives an erasure.
 */
export const AUDIT_KINDS = [
  'program.saved',
  'reward.saved',
  'codes.uploaded',
  'raffle.saved',
  'raffle.drawn',
  'partner.created',
  'partner.updated',
  'partner.key-rotated',
  'partner.deleted',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret-rotated',
  'points.adjusted',
  'member.erased',
  'import.started',
  'campaign.saved',
  'campaign.deleted',
  'segment.saved',
  'segment.deleted',
  'segment.member-changed',
] as const;

export type AuditKind = (typeof AUDIT_KINDS)[number];

/** Audit records are kept at least this long (their TTL is this many days after the change). */
export const AUDIT_RETENTION_DAYS = 400;

/** What a use case says about its change; who made it and when is added by `execute`. */
export interface AuditDraft {
  kind: AuditKind;
  /** What was changed: `program`, `reward:<id>`, `member:<id>`… */
  target: string;
  summary: string;
}

export interface AuditRecord extends AuditDraft {
  at: string;
  actor: { partnerId: string; name: string };
}
