/** The use cases, one module each; callers (routes, jobs, tests) import them from here or from their module. */
export { answerNps } from './answer-nps';
export { latestSnapshot, listRewards, listSnapshots } from './catalog-reads';
export { creditCashback } from './credit-cashback';
export { earnPoints } from './earn-points';
export { enrolMember, type Enrolment, type MemberView } from './enrol-member';
export { eraseMember } from './erase-member';
export { expireDuePoints, EXPIRY_JOB_PARTNER, type ExpiryRun } from './expire-points';
export { exportMember, getMember, listTransactions } from './member-reads';
export { createPartner, deletePartner } from './partners';
export { putProgram } from './put-program';
export { putReward, type RewardTerms } from './put-reward';
export { recordAnonymousPurchase } from './record-purchase';
export { redeemCashback } from './redeem-cashback';
export { redeemPoints } from './redeem-points';
export { redeemReward } from './redeem-reward';
export { refundOrder } from './refund-order';
export { computeSnapshot, takeSnapshot, type Snapshot } from './take-snapshot';
export { execute, executeOnce, loadActiveMember, type Caller, type EmittedEvent, type Outcome } from './use-case';
