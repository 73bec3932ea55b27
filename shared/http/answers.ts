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
import type { RouteDefinition, SuccessStatus } from './route-definition';
import type { RouteId } from './routes';

/**
 * How each mutating route answers its use case's result: the body, and the status only where the
 * route declares more than one (a PUT that creates or replaces). A route's success status is
 * stated once, in its `responses` (shared/http/function-routes/): the OpenAPI document and the
 * answer both take it from there. The same answer is recorded with the idempotency key, so a
 * replay answers exactly the same.
 */
export interface Answer {
  /** Only for a route that declares several success statuses: which one this result answers. */
  status?: SuccessStatus;
  body?: unknown;
}

const body = (value: unknown): Answer => ({ body: value });
const transaction = (entry: LedgerEntry) => body(toTransaction(entry));
const noBody = (): Answer => ({});
/** A number of points answers the entry; a reward its entry, with the code of a code reward. */
const redemption = (redeemed: LedgerEntry | Redemption) =>
  'entry' in redeemed
    ? body({ ...toTransaction(redeemed.entry), ...(redeemed.code ? { code: redeemed.code } : {}) })
    : transaction(redeemed);
const codeChange = ({ code, entry }: CodeChange) =>
  body({ code, ...(entry ? { transaction: toTransaction(entry) } : {}) });
const createdOrReplaced = (isNew: boolean, value: unknown): Answer => ({ status: isNew ? 201 : 200, body: value });

export const answers = {
  createMember: (member: MemberView) => body(member),
  updateMember: (member: MemberView) => body(member),
  updateMe: (member: MemberView) => body(member),
  adjustBalance: transaction,
  eraseMember: noBody,
  earnPoints: transaction,
  redeemPoints: redemption,
  redeemMyReward: redemption,
  creditCashback: transaction,
  redeemCashback: transaction,
  refundPurchase: transaction,
  putReward: ({ reward, created }: RewardPut) => createdOrReplaced(created, reward),
  putRaffle: ({ raffle, created }: RafflePut) => createdOrReplaced(created, raffle),
  putCampaign: ({ campaign, created }: CampaignPut) => createdOrReplaced(created, campaign),
  deleteCampaign: noBody,
  buyRaffleEntries: ({ entries, entry }: BoughtEntries) => body({ entries, transaction: toTransaction(entry) }),
  buyMyRaffleEntries: ({ entries, entry }: BoughtEntries) => body({ entries, transaction: toTransaction(entry) }),
  drawRaffle: (raffle: ReturnType<typeof raffleView>) => body(raffle),
  answerNps: (answer: { memberId: string; score: number; answeredAt: string }) => body(answer),
  recordPurchase: (purchase: { orderId: string; amount: Money; occurredAt: string }) => body(purchase),
  createSnapshot: (snapshot: Snapshot) => body(snapshot),
  putProgram: ({ program }: ProgramPut) => body(program),
  createPartner: (partner: CreatedPartner) => body(partner),
  updatePartner: (partner: PartnerView) => body(partner),
  deletePartner: noBody,
  rotatePartnerKey: (rotated: { apiKey?: string }) => body(rotated),
  createWebhook: (webhook: CreatedWebhook) => body(webhook),
  patchWebhook: (webhook: WebhookView) => body(webhook),
  deleteWebhook: noBody,
  rotateWebhookSecret: (rotated: { secret?: string }) => body(rotated),
  testWebhook: (sent: { eventId: string }) => body(sent),
  retryDelivery: (queued: { eventId: string }) => body(queued),
  createImport: (created: CreatedImport) => body(created),
  createSimulation: (started: { simulationId: string; status: 'running' }) => body(started),
  useCode: codeChange,
  releaseCode: codeChange,
  cancelMemberCode: codeChange,
  uploadPoolCodes: (uploaded: UploadedCodes) => body(uploaded),
  putSegment: ({ segment, created, evaluating }: SegmentPut): Answer => ({
    status: evaluating ? 202 : created ? 201 : 200,
    body: segment,
  }),
  deleteSegment: noBody,
  changeSegmentMember: (membership: SegmentMembership) => body(membership),
} satisfies Partial<Record<RouteId, (result: never) => Answer>>;

export type AnsweredRoute = keyof typeof answers;
export type ResultOf<Id extends AnsweredRoute> = Parameters<(typeof answers)[Id]>[0];

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

/**
 * The success status a route answers: the one its `responses` declare, or, for a route that
 * declares several, the one its answer chose among them. Anything else is a bug in the route.
 */
export function successStatus(routeId: string, route: Pick<RouteDefinition, 'responses'>, chosen?: number): number {
  const declared = Object.keys(route.responses).map(Number);
  if (chosen !== undefined) {
    if (!declared.includes(chosen)) throw new Error(`route ${routeId} answered ${chosen}, which it does not declare`);
    return chosen;
  }
  const [only, ...others] = declared;
  if (only === undefined || others.length > 0)
    throw new Error(
      `route ${routeId} declares ${declared.join(', ') || 'no'} success statuses: its answer must choose`,
    );
  return only;
}

/**
 * Runs a route's use case and answers it: fresh, or the recorded answer of the first request with
 * this key. `route` is the route's definition (its declared success statuses).
 */
export async function respond<Id extends AnsweredRoute>(
  routeId: Id,
  route: Pick<RouteDefinition, 'responses'>,
  useCase: UseCase<ResultOf<Id>>,
  caller: Caller,
): Promise<Answered> {
  const answerOf = answers[routeId] as (result: ResultOf<Id>) => Answer;
  const stored = (result: ResultOf<Id>): StoredResponse => {
    const answer = answerOf(result);
    return recorded({ status: successStatus(routeId, route, answer.status), body: answer.body });
  };
  const executed = await execute(useCase, caller, stored);
  const response = executed.replayed ? executed.response : stored(executed.result);
  const text = storedText(response);
  return { status: response.status, text, ...(text ? { body: JSON.parse(text) } : {}), replayed: executed.replayed };
}
