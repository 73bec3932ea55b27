import type { LedgerEntry } from '@shared/domain/ledger';
import { toTransaction } from '@shared/domain/transaction-view';
import type { CreatedPartner, PartnerView } from '@shared/app/partners';
import type { MemberView } from '@shared/app/enrol-member';
import type { RewardPut } from '@shared/app/put-reward';
import type { Redemption } from '@shared/app/redeem-reward';
import type { CodeChange } from '@shared/app/codes';
import type { UploadedCodes } from '@shared/app/upload-pool-codes';
import type { Snapshot } from '@shared/app/take-snapshot';
import type { BoughtEntries } from '@shared/app/buy-raffle-entries';
import type { RafflePut } from '@shared/app/put-raffle';
import type { CampaignPut } from '@shared/app/campaigns';
import type { raffleView } from '@shared/domain/raffle';
import type { CreatedWebhook } from '@shared/app/webhooks';
import type { WebhookView } from '@shared/store/items/webhook';
import type { CreatedImport } from '@shared/app/start-import';
import { execute } from '@shared/app/support/execute';
import type { Caller, UseCase } from '@shared/app/support/outcome';
import type { ProgramPut } from '@shared/app/put-program';
import type { SegmentMembership, SegmentPut } from '@shared/app/segments';
import type { Money } from '@shared/domain/money';
import type { StoredResponse } from '@shared/store/idempotency';
import type { RouteId } from './routes';

/**
 * How each mutating route answers its use case's result: the status and the body. The same
 * answer is recorded with the idempotency key, so a replay answers exactly the same.
 */
const created = (body: unknown): StoredResponse => ({ status: 201, body });
const transaction = (entry: LedgerEntry) => created(toTransaction(entry));
const noContent = (): StoredResponse => ({ status: 204 });
const ok = (body: unknown): StoredResponse => ({ status: 200, body });
const accepted = (body: unknown): StoredResponse => ({ status: 202, body });
/** A number of points answers the entry; a reward its entry, with the code of a code reward. */
const redemption = (redeemed: LedgerEntry | Redemption) =>
  'entry' in redeemed
    ? created({ ...toTransaction(redeemed.entry), ...(redeemed.code ? { code: redeemed.code } : {}) })
    : transaction(redeemed);
const codeChange = ({ code, entry }: CodeChange) =>
  ok({ code, ...(entry ? { transaction: toTransaction(entry) } : {}) });

export const answers = {
  createMember: (member: MemberView) => created(member),
  updateMember: (member: MemberView): StoredResponse => ({ status: 200, body: member }),
  updateMe: (member: MemberView): StoredResponse => ({ status: 200, body: member }),
  adjustBalance: transaction,
  eraseMember: noContent,
  earnPoints: transaction,
  redeemPoints: redemption,
  redeemMyReward: redemption,
  creditCashback: transaction,
  redeemCashback: transaction,
  refundPurchase: transaction,
  putReward: ({ reward, created: isNew }: RewardPut): StoredResponse => ({ status: isNew ? 201 : 200, body: reward }),
  putRaffle: ({ raffle, created: isNew }: RafflePut): StoredResponse => ({ status: isNew ? 201 : 200, body: raffle }),
  putCampaign: ({ campaign, created: isNew }: CampaignPut): StoredResponse => ({
    status: isNew ? 201 : 200,
    body: campaign,
  }),
  deleteCampaign: noContent,
  buyRaffleEntries: ({ entries, entry }: BoughtEntries) => created({ entries, transaction: toTransaction(entry) }),
  buyMyRaffleEntries: ({ entries, entry }: BoughtEntries) => created({ entries, transaction: toTransaction(entry) }),
  drawRaffle: (raffle: ReturnType<typeof raffleView>) => created(raffle),
  answerNps: (answer: { memberId: string; score: number; answeredAt: string }) => created(answer),
  recordPurchase: (purchase: { orderId: string; amount: Money; occurredAt: string }) => created(purchase),
  createSnapshot: (snapshot: Snapshot) => created(snapshot),
  putProgram: ({ program }: ProgramPut): StoredResponse => ({ status: 200, body: program }),
  createPartner: (partner: CreatedPartner) => created(partner),
  updatePartner: (partner: PartnerView) => ok(partner),
  deletePartner: noContent,
  rotatePartnerKey: (rotated: { apiKey?: string }) => ok(rotated),
  createWebhook: (webhook: CreatedWebhook) => created(webhook),
  patchWebhook: (webhook: WebhookView) => ok(webhook),
  deleteWebhook: noContent,
  rotateWebhookSecret: (rotated: { secret?: string }) => ok(rotated),
  testWebhook: (sent: { eventId: string }) => accepted(sent),
  retryDelivery: (queued: { eventId: string }) => accepted(queued),
  createImport: (created: CreatedImport) => accepted(created),
  createSimulation: (started: { simulationId: string; status: 'running' }) => accepted(started),
  useCode: codeChange,
  releaseCode: codeChange,
  cancelMemberCode: codeChange,
  uploadPoolCodes: (uploaded: UploadedCodes) => created(uploaded),
  putSegment: ({ segment, created: isNew, evaluating }: SegmentPut): StoredResponse => ({
    status: evaluating ? 202 : isNew ? 201 : 200,
    body: segment,
  }),
  deleteSegment: noContent,
  changeSegmentMember: (membership: SegmentMembership) => ok(membership),
} satisfies Partial<Record<RouteId, (result: never) => StoredResponse>>;

export type AnsweredRoute = keyof typeof answers;
type ResultOf<Id extends AnsweredRoute> = Parameters<(typeof answers)[Id]>[0];

export interface Answered {
  status: number;
  /** The exact body text, answered as is: the same text is recorded for a replay (empty for 204). */
  text: string;
  /** The body as data (what `text` says), for callers that inspect it. */
  body?: unknown;
  replayed: boolean;
}

/** The recorded form of an answer: its status and exact body text. */
export function recorded({ status, body }: StoredResponse): StoredResponse {
  return body === undefined ? { status } : { status, text: JSON.stringify(body) };
}

/** The body text of a recorded answer (older records kept the body itself). */
export function storedText(response: StoredResponse): string {
  if (response.text !== undefined) return response.text;
  return response.body === undefined ? '' : JSON.stringify(response.body);
}

/** Runs a route's use case and answers it: fresh, or the recorded answer of the first request with this key. */
export async function respond<Id extends AnsweredRoute>(
  routeId: Id,
  useCase: UseCase<ResultOf<Id>>,
  caller: Caller,
): Promise<Answered> {
  const answer = answers[routeId] as (result: ResultOf<Id>) => StoredResponse;
  const executed = await execute(useCase, caller, (result) => recorded(answer(result)));
  const response = executed.replayed ? executed.response : recorded(answer(executed.result));
  const text = storedText(response);
  return { status: response.status, text, ...(text ? { body: JSON.parse(text) } : {}), replayed: executed.replayed };
}
