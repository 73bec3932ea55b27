import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultProgram } from '@infra/config/default-program';
import {
  acceptedSession,
  SESSION_AUDIENCE,
  SESSION_ISSUER,
  SESSION_LIFETIME_SECONDS,
  sessionClaims,
  sessionExpiresAt,
} from '@shared/domain/member-session';
import { newMember } from '@shared/domain/member';
import { rewardForMember, type RewardState } from '@shared/domain/rewards';
import { assertScope } from '@shared/http/request';
import { routes } from '@shared/http/routes';
import { derToJose, SignatureEncodingError } from '@shared/sessions/signature';
import type { Principal } from '@shared/domain/principal';

const now = new Date('2026-12-05T12:00:00.400Z');

describe('the claims of a member session', () => {
  it('name the member (sub) and the partner (azp), and end 15 minutes after they were issued', () => {
    const claims = sessionClaims('m-1', 'p-1', now, 's-1');
    expect(claims).toEqual({
      iss: SESSION_ISSUER,
      aud: SESSION_AUDIENCE,
      sub: 'm-1',
      azp: 'p-1',
      iat: 1_796_472_000,
      exp: 1_796_472_000 + SESSION_LIFETIME_SECONDS,
      jti: 's-1',
    });
    expect(sessionExpiresAt(claims)).toBe('2026-12-05T12:15:00.000Z');
  });

  it('are accepted back only with a member, a partner and a lifetime of at most 15 minutes', () => {
    const claims = sessionClaims('m-1', 'p-1', now, 's-1');
    expect(acceptedSession({ ...claims })).toEqual({ memberId: 'm-1', partnerId: 'p-1' });
    expect(acceptedSession({ ...claims, exp: claims.iat + SESSION_LIFETIME_SECONDS + 1 })).toBeUndefined();
    expect(acceptedSession({ ...claims, exp: claims.iat })).toBeUndefined();
    expect(acceptedSession({ ...claims, sub: '' })).toBeUndefined();
    expect(acceptedSession({ ...claims, azp: undefined })).toBeUndefined();
    expect(acceptedSession({ ...claims, iat: String(claims.iat) })).toBeUndefined();
  });
});

describe('ECDSA signatures from DER (what KMS Sign answers) to JWS r || s', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('gives the signature node itself gives in IEEE P1363 form, for any message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (message) => {
        const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
        const jose = derToJose(der);
        expect(jose).toHaveLength(64);
        expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('pads short integers and drops the sign byte of long ones', () => {
    const r = [0x00, 0xff, ...new Array<number>(31).fill(1)]; // 33 bytes: a sign byte before a high bit
    const s = [0x05]; // 1 byte: a small value
    const der = Uint8Array.from([0x30, 2 + r.length + 2 + s.length, 0x02, r.length, ...r, 0x02, s.length, ...s]);
    const jose = derToJose(der);
    expect([...jose.subarray(0, 32)]).toEqual(r.slice(1));
    expect([...jose.subarray(32)]).toEqual([...new Array<number>(31).fill(0), 5]);
  });

  it('refuses what is not one DER signature', () => {
    const good = sign('sha256', Buffer.from('x'), { key: privateKey, dsaEncoding: 'der' });
    expect(() => derToJose(good.subarray(0, good.length - 1))).toThrow(SignatureEncodingError);
    expect(() => derToJose(Uint8Array.from([...good, 0]))).toThrow(SignatureEncodingError);
    expect(() => derToJose(Uint8Array.from([0x31, ...good.subarray(1)]))).toThrow(SignatureEncodingError);
    const tooLong = Uint8Array.from([0x30, 38, 0x02, 34, 1, ...new Array<number>(33).fill(1), 0x02, 0]);
    expect(() => derToJose(tooLong)).toThrow(/too large/);
  });
});

describe('a reward as the member sees it', () => {
  const member = newMember({
    memberId: 'm-1',
    referralCode: 'R1',
    createdAt: now.toISOString(),
    profile: {},
    consent: { marketing: false, analytics: false },
  });
  const reward = (change: Partial<RewardState>): RewardState => ({
    rewardId: 'cup',
    name: 'Cup',
    pointsCost: 500,
    active: true,
    updatedAt: now.toISOString(),
    revision: 1,
    ...change,
  });
  const seen = (change: Partial<RewardState>, points: number) =>
    rewardForMember(reward(change), member, points, defaultProgram, now);

  it('is affordable when the spendable points cover its cost exactly or more', () => {
    expect(seen({}, 500)).toMatchObject({ affordable: true, eligible: true });
    expect(seen({}, 499)).toMatchObject({ affordable: false, eligible: true });
  });

  it('is not eligible above the member tier, out of stock or outside its window', () => {
    expect(seen({ minTier: 'gold' }, 1_000)).toMatchObject({ eligible: false, affordable: true });
    expect(seen({ minTier: 'member' }, 1_000)).toMatchObject({ eligible: true });
    expect(seen({ stock: 0 }, 1_000)).toMatchObject({ eligible: false });
    expect(seen({ availableFrom: '2026-12-06T00:00:00.000Z' }, 1_000)).toMatchObject({ eligible: false });
  });

  it('shows no internal revision', () => {
    expect(seen({}, 0)).not.toHaveProperty('revision');
  });
});

describe('who may call which route', () => {
  const me: Principal = { partnerId: 'p-1', role: 'me', scopes: [], memberId: 'm-1' };
  const admin: Principal = { partnerId: 'a-1', role: 'admin', scopes: [] };
  const partner: Principal = { partnerId: 'p-1', role: 'partner', scopes: ['members:read', 'members:session'] };

  it('lets a member token call the /v1/me routes and nothing else, and no key call those', () => {
    for (const route of Object.values(routes)) {
      const memberRoute = route.path === '/v1/me' || route.path.startsWith('/v1/me/');
      expect(route.scope === 'me', route.path).toBe(memberRoute);
      if (memberRoute) {
        expect(() => assertScope(me, route)).not.toThrow();
        expect(() => assertScope(admin, route)).toThrow(/member session token/);
        expect(() => assertScope(partner, route)).toThrow(/member session token/);
      } else expect(() => assertScope(me, route)).toThrow(/only on the \/v1\/me routes/);
    }
  });

  it('refuses a member principal without a member', () => {
    const { memberId: _memberId, ...withoutMember } = me;
    expect(() => assertScope(withoutMember, routes.getMe)).toThrow();
  });

  it('lets a partner with members:session create sessions, and one without it not', () => {
    expect(() => assertScope(partner, routes.createMemberSession)).not.toThrow();
    expect(() => assertScope({ ...partner, scopes: ['members:read'] }, routes.createMemberSession)).toThrow(
      /members:session/,
    );
  });
});
