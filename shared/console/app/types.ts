import type { z } from 'zod';
import type { Member as MemberSchema, Transaction as TransactionSchema } from '@shared/schemas/members';
import type {
  AuditRecord as AuditRecordSchema,
  Reward as RewardSchema,
  Snapshot as SnapshotSchema,
} from '@shared/schemas/admin';

/**
 * The shapes the console reads. Where the server's zod schemas exist they are the source (type
 * imports only: no zod in the bundle); the v1.1 additions are typed from the contract.
 */
export type Money = { value: number; currency: string };
export type Snapshot = z.infer<typeof SnapshotSchema>;
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
export type Reward = z.infer<typeof RewardSchema>;
export type Member = z.infer<typeof MemberSchema> & {
  points: { pending?: number; expiring?: { points: number; expiresAt: string }[] };
};
export type Transaction = z.infer<typeof TransactionSchema> & {
  reason?: string;
  reference?: string;
  pointsStatus?: 'pending' | 'available';
};
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Program = { version: number; updatedAt: string } & { [key: string]: JsonValue };

export interface Partner {
  partnerId: string;
  name: string;
  /** Admin keys (npm run admin-key) are listed with the partners and rotated and deleted alike. */
  role?: 'partner' | 'admin';
  scopes: string[];
  rateLimit?: { perSecond: number; burst: number };
  createdAt: string;
  apiKey?: string;
}

export interface Webhook {
  webhookId: string;
  url: string;
  types: string[];
  description?: string;
  status: 'enabled' | 'disabled';
  createdAt: string;
  secret?: string;
}

export interface Delivery {
  eventId: string;
  type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastAttemptAt?: string;
  lastStatusCode?: number;
  lastError?: string;
  nextAttemptAt?: string;
}

/** A delivery with the event it sends (GET …/deliveries/{eventId}); absent once the event is gone. */
export type DeliveryWithPayload = Delivery & { payload?: Record<string, unknown> };

export interface ImportJob {
  importId: string;
  status: 'waiting' | 'running' | 'done' | 'failed';
  lines?: number;
  processed?: number;
  succeeded?: number;
  failed?: number;
  startedAt?: string;
  finishedAt?: string;
  /** Why a failed import stopped, what to do, and whether sending the same file again is safe. */
  stopReason?: string;
}

/** Partner scopes of the contract (v1, the v1.1 additions, v1.2's members:session and codes:use). */
export const PARTNER_SCOPES = [
  'members:read',
  'members:write',
  'points:earn',
  'points:redeem',
  'points:adjust',
  'cashback:write',
  'surveys:write',
  'purchases:write',
  'events:read',
  'members:session',
  'codes:use',
] as const;
