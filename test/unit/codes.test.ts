import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  GENERATED_CODE_LENGTH,
  cancelCode,
  codesExpiryRule,
  codeView,
  donationPoints,
  expireCode,
  generatedCode,
  newIssuedCode,
  releaseCode,
  statusAt,
  useCode,
  validateCode,
  withReserved,
  type CodeFulfilment,
  type IssuedCode,
} from '@shared/domain/codes';
import { DomainError } from '@shared/domain/errors';
import { newCodeText } from '@shared/ids';

const issuedAt = new Date('2026-03-01T10:00:00.000Z');
const generated: CodeFulfilment = { type: 'code', source: 'generated', validDays: 30, chargeOn: 'issue' };

function issued(fulfilment: CodeFulfilment = generated, points = 500): IssuedCode {
  return newIssuedCode({
    codeId: 'cod_1',
    code: 'ABCD2345EFGH',
    rewardId: 'coffee',
    memberId: 'mem_1',
    fulfilment,
    points,
    now: issuedAt,
  });
}

const at = (iso: string) => new Date(iso);
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, extensions: error.extensions };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('generated codes', () => {
  it('are 12 symbols of a 32-symbol alphabet without 0, O, 1 or I', () => {
    expect(new Set(CODE_ALPHABET).size).toBe(32);
    expect(CODE_ALPHABET).not.toMatch(/[0O1I]/);
    expect(GENERATED_CODE_LENGTH).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < 200; i += 1) expect(newCodeText()).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
  });

  it('use every symbol evenly: a byte masked to 5 bits has no modulo bias', () => {
    const counts = new Map<string, number>();
    for (let byte = 0; byte < 256; byte += 1) {
      const code = generatedCode(new Uint8Array(GENERATED_CODE_LENGTH).fill(byte));
      counts.set(code[0] ?? '', (counts.get(code[0] ?? '') ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual(new Array(32).fill(8));
  });

  it('do not repeat in 20,000 draws (60 bits each)', () => {
    const seen = new Set(Array.from({ length: 20_000 }, newCodeText));
    expect(seen.size).toBe(20_000);
  });
});

describe('a code through its life', () => {
  it('expires validDays × 24 h after issue, usable until that instant exactly', () => {
    const code = issued();
    expect(code.expiresAt).toBe('2026-03-31T10:00:00.000Z');
    expect(statusAt(code, at('2026-03-31T10:00:00.000Z'))).toBe('issued');
    expect(statusAt(code, at('2026-03-31T10:00:00.001Z'))).toBe('expired');
    expect(validateCode(code, at('2026-03-31T10:00:00.001Z'))).toEqual({ valid: false, reason: 'expired' });
    expect(refusal(() => useCode(code, 'o-1', at('2026-03-31T10:00:00.001Z'))).code).toBe('code-expired');
    expect(useCode(code, 'o-1', at('2026-03-31T10:00:00.000Z')).kind).toBe('use');
  });

  it('is used once: the same order again answers the same, another order is refused with the first', () => {
    const first = useCode(issued(), 'o-1', at('2026-03-02T10:00:00.000Z'));
    expect(first).toMatchObject({ kind: 'use', code: { status: 'used', orderId: 'o-1' } });
    expect(first.kind === 'use' && first.movement).toBeFalsy();
    expect(useCode(first.code, 'o-1', at('2026-03-03T10:00:00.000Z')).kind).toBe('again');
    expect(refusal(() => useCode(first.code, 'o-2', at('2026-03-03T10:00:00.000Z')))).toEqual({
      code: 'code-used',
      extensions: { orderId: 'o-1', usedAt: '2026-03-02T10:00:00.000Z' },
    });
    expect(validateCode(first.code, at('2026-03-03T10:00:00.000Z'))).toEqual({ valid: false, reason: 'used' });
  });

  it('charged at use: the use posts the redeem, a release gives it back to the reservation', () => {
    const code = issued({ ...generated, chargeOn: 'use' });
    expect(code.onExpiry).toBe('forfeit');
    const used = useCode(code, 'o-1', at('2026-03-02T10:00:00.000Z'));
    expect(used.kind === 'use' && used.movement).toEqual({
      type: 'redeem',
      points: -500,
      redemption: true,
      rewardId: 'coffee',
      orderId: 'o-1',
    });
    const released = releaseCode(used.code, 'o-1');
    expect(released.code).toMatchObject({ status: 'issued' });
    expect(released.code.orderId).toBeUndefined();
    expect(released.movement).toMatchObject({ type: 'return', points: 500 });
    expect(refusal(() => releaseCode(released.code, 'o-1')).code).toBe('code-not-used-for-order');
    expect(refusal(() => releaseCode(used.code, 'o-2')).code).toBe('code-not-used-for-order');
  });

  it('cancelled while issued: points back as a return (charged at issue) or the reservation released (at use)', () => {
    const now = at('2026-03-05T00:00:00.000Z');
    expect(cancelCode(issued(), 'changed mind', now)).toMatchObject({
      code: { status: 'cancelled', cancelReason: 'changed mind' },
      movement: { type: 'return', points: 500 },
      reservationReleased: 0,
    });
    const reserved = cancelCode(issued({ ...generated, chargeOn: 'use' }), 'x', now);
    expect(reserved.movement).toBeUndefined();
    expect(reserved.reservationReleased).toBe(500);
    expect(refusal(() => cancelCode(reserved.code, 'again', now)).code).toBe('code-cancelled');
    expect(refusal(() => cancelCode(issued(), 'late', at('2026-04-01T00:00:00.000Z'))).code).toBe('code-expired');
  });

  it('expires with its points returned, forfeited, or its reservation ended', () => {
    const after = at('2026-04-01T00:00:00.000Z');
    expect(expireCode(issued(), after).movement).toMatchObject({ type: 'return', points: 500 });
    expect(expireCode(issued({ ...generated, onExpiry: 'forfeit' }), after).movement).toBeUndefined();
    expect(expireCode(issued({ ...generated, chargeOn: 'use' }), after)).toMatchObject({ reservationReleased: 500 });
    expect(expireCode(issued(generated, 0), after).movement).toBeUndefined();
    expect(() => expireCode(issued(), at('2026-03-31T10:00:00.000Z'))).toThrow(RangeError);
  });

  it('shows no text in the events of a code that can no longer be used', () => {
    const view = codeView(issued(), issuedAt, { withText: false });
    expect(view).not.toHaveProperty('code');
    expect(codeView(issued(), issuedAt).code).toBe('ABCD2345EFGH');
  });
});

describe('reservations and donations', () => {
  it('reserve and release points, never below zero', () => {
    const member = { points: { balance: 1000 } as { balance: number; reserved?: number } };
    const held = withReserved(member, 300);
    expect(held.points).toEqual({ balance: 1000, reserved: 300 });
    expect(withReserved(held, -300).points).toEqual({ balance: 1000 });
    expect(() => withReserved(held, -301)).toThrow(RangeError);
  });

  it('take at least the cause minimum', () => {
    const reward = { rewardId: 'trees', pointsCost: 100 };
    expect(donationPoints(reward, 250)).toBe(250);
    expect(donationPoints(reward, undefined)).toBe(100);
    expect(refusal(() => donationPoints(reward, 99)).code).toBe('donation-below-minimum');
  });
});

describe('the codes time rule', () => {
  const member = (codesDueAt?: string) =>
    ({
      memberId: 'mem_1',
      points: { balance: 1000, lifetimeEarned: 1000, lifetimeRedeemed: 0, reserved: 500 },
      ...(codesDueAt ? { codesDueAt } : {}),
    }) as unknown as Parameters<typeof codesExpiryRule.dueAt>[0];

  it('is due a millisecond after the earliest issued code expires', () => {
    expect(codesExpiryRule.dueAt(member('2026-03-31T10:00:00.000Z'))).toBe('2026-03-31T10:00:00.001Z');
    expect(codesExpiryRule.dueAt(member())).toBeUndefined();
  });

  it('expires the codes past their time, ends reservations, and moves the key to the next code', () => {
    const reserved = issued({ ...generated, chargeOn: 'use' });
    const change = codesExpiryRule.apply({
      member: member(reserved.expiresAt),
      program: {} as never,
      now: at('2026-04-01T00:00:00.000Z'),
      book: undefined,
      codes: { due: [issued(), reserved], nextDueAt: '2026-05-01T00:00:00.000Z', more: false },
    });
    expect(change?.codes?.map((code) => code.status)).toEqual(['expired', 'expired']);
    expect(change?.movements).toEqual([expect.objectContaining({ event: 'points.returned' })]);
    expect(change?.member.points.reserved).toBeUndefined();
    expect(change?.member.codesDueAt).toBe('2026-05-01T00:00:00.000Z');
    expect(change?.events.map((event) => event.type)).toEqual(['code.expired', 'code.expired']);
  });
});
