import { randomUUID } from 'node:crypto';
import { acceptedSession, sessionClaims, sessionExpiresAt } from '@shared/domain/member-session';
import { memberIsActive } from '@shared/store/items/member';
import { findLivePartner } from '@shared/store/items/partner';
import type { Principal } from '@shared/domain/principal';
import { signSessionToken, verifySessionToken } from '@shared/sessions/tokens';
import { loadActiveMember } from './support/load';

/**
 * A session for one member's own app: a signed token for the /v1/me routes, asked for by a
 * partner's backend. Nothing is stored: the token carries who it is for and until when, and the
 * authorizer checks it (and that the member and the partner still exist) on every use.
 *
 * Token times are the system clock's, not the business clock (shared/clock.ts): anyone may verify
 * a token with the region's public keys, against their own clock.
 */
export async function createMemberSession(
  memberId: string,
  partnerId: string,
): Promise<{ token: string; expiresAt: string }> {
  const now = new Date();
  await loadActiveMember(memberId, now);
  const claims = sessionClaims(memberId, partnerId, now, randomUUID());
  return { token: await signSessionToken(claims), expiresAt: sessionExpiresAt(claims) };
}

/**
 * The principal of a member token: the member it acts for (role `me`), on behalf of the partner
 * that created it, throttled as that partner. Undefined (401) for a token that does not verify, or
 * whose member was erased or whose partner was deleted since: both read in one round trip.
 */
export async function memberSessionPrincipal(token: string): Promise<Principal | undefined> {
  const payload = await verifySessionToken(token, new Date());
  const session = payload ? acceptedSession(payload) : undefined;
  if (!session) return undefined;
  const [partner, active] = await Promise.all([findLivePartner(session.partnerId), memberIsActive(session.memberId)]);
  if (!partner || !active) return undefined;
  return {
    partnerId: partner.partnerId,
    role: 'me',
    scopes: [],
    memberId: session.memberId,
    ...(partner.rateLimit ? { rateLimit: partner.rateLimit } : {}),
    ...(partner.usageKey ? { usageKey: partner.usageKey } : {}),
  };
}
