import { randomBytes, randomInt } from 'node:crypto';
import { GENERATED_CODE_LENGTH, generatedCode } from './domain/codes';
import { monotonicFactory } from 'ulid';

/** Server-chosen ids: a readable prefix and a ULID (time-ordered, collision-free in practice). */
const ulid = monotonicFactory();

export const newMemberId = () => `mem_${ulid()}`;
export const newTransactionId = () => `txn_${ulid()}`;
export const newPartnerId = () => `prt_${ulid()}`;
export const newSnapshotId = () => `snp_${ulid()}`;
export const newImportId = () => `imp_${ulid()}`;

const REFERRAL_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** 8 characters without look-alikes (no I, O, 0, 1): easy to read out at a till. */
export function newReferralCode(): string {
  let code = '';
  for (let i = 0; i < 8; i += 1) code += REFERRAL_ALPHABET[randomInt(REFERRAL_ALPHABET.length)];
  return code;
}
export const newEventId = () => `evt_${ulid()}`;
export const newWebhookId = () => `whk_${ulid()}`;
export const newCodeId = () => `cod_${ulid()}`;
/** A reward code's text: crypto-random symbols of the code alphabet (shared/domain/codes.ts). */
export const newCodeText = () => generatedCode(randomBytes(GENERATED_CODE_LENGTH));
export const newAuditId = () => `aud_${ulid()}`;
export const newSimulationId = () => `sim_${ulid()}`;
