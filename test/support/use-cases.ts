import * as app from '@shared/app';
import type { Caller, UseCase } from '@shared/app/support/outcome';
import type { RewardTerms } from '@shared/app/put-reward';
import type { TimeWindow } from '@shared/domain/metrics';
import type { Money } from '@shared/domain/money';
import type { RaffleRules } from '@shared/domain/raffle';
import { respond as answerRoute, type AnsweredRoute, type ResultOf } from '@shared/http/answers';
import { routes } from '@shared/http/routes';

/**
 * The use cases as a route answers them (status, body, replayed), called without HTTP: what
 * the integration tests check is what a client would get.
 */
export type { Caller, RewardTerms };

/** A route's use case answered as its route answers it (the status its `responses` declare), without HTTP. */
export const respond = <Id extends AnsweredRoute>(routeId: Id, useCase: UseCase<ResultOf<Id>>, caller: Caller) =>
  answerRoute(routeId, routes[routeId], useCase, caller);

type Purchase = { orderId: string; amount: Money; occurredAt?: string };
const admin = (now: () => Date): Caller => ({ partnerId: 'admin', idempotency: undefined, now });

export const enrolMember = (request: app.Enrolment, caller: Caller) =>
  respond('createMember', app.enrolMember(request), caller);
export const eraseMember = (memberId: string, caller: Caller) =>
  respond('eraseMember', app.eraseMember(memberId), caller);
export const earnPoints = (memberId: string, purchase: Purchase, caller: Caller) =>
  respond('earnPoints', app.earnPoints(memberId, purchase), caller);
export const redeemPoints = (memberId: string, request: { points: number; orderId?: string }, caller: Caller) =>
  respond('redeemPoints', app.redeemPoints(memberId, request), caller);
export const redeemReward = (memberId: string, request: { rewardId: string; orderId?: string }, caller: Caller) =>
  respond('redeemPoints', app.redeemReward(memberId, request), caller);
export const creditCashback = (memberId: string, purchase: Purchase, caller: Caller) =>
  respond('creditCashback', app.creditCashback(memberId, purchase), caller);
export const redeemCashback = (memberId: string, request: { amount: Money; orderId?: string }, caller: Caller) =>
  respond('redeemCashback', app.redeemCashback(memberId, request), caller);
export const refundOrder = (memberId: string, refund: { orderId: string; amount: Money }, caller: Caller) =>
  respond('refundPurchase', app.refundOrder(memberId, refund), caller);
export const answerNps = (memberId: string, answer: { score: number; comment?: string }, caller: Caller) =>
  respond('answerNps', app.answerNps(memberId, answer), caller);
export const recordAnonymousPurchase = (
  purchase: { orderId: string; amount: Money; occurredAt?: string },
  caller: Caller,
) => respond('recordPurchase', app.recordAnonymousPurchase(purchase), caller);
export const putReward = (rewardId: string, terms: RewardTerms, now: () => Date) =>
  respond('putReward', app.putReward(rewardId, terms), admin(now));
export const takeSnapshot = (
  request: { window?: TimeWindow | undefined },
  caller: Pick<Caller, 'idempotency' | 'now'>,
) => respond('createSnapshot', app.takeSnapshot(request), { ...admin(caller.now), idempotency: caller.idempotency });
export const putRaffle = (raffleId: string, rules: RaffleRules, now: () => Date) =>
  respond('putRaffle', app.putRaffle(raffleId, rules), admin(now));
export const buyRaffleEntries = (memberId: string, raffleId: string, count: number, caller: Caller) =>
  respond('buyRaffleEntries', app.buyRaffleEntries(memberId, raffleId, count), caller);
export const drawRaffle = (raffleId: string, now: () => Date) =>
  respond('drawRaffle', app.drawRaffle(raffleId), admin(now));
