/**
 * A member's session: what a partner's backend hands a member's own app so that it can act for
 * that member alone, on the /v1/me routes. Pure rules: the claims a session token carries and the
 * checks a token must pass besides its signature (shared/sessions/tokens.ts signs and verifies).
 */

/** Fifteen minutes: long enough to show a card at the till, short enough that a leaked link soon dies. */
export const SESSION_LIFETIME_SECONDS = 15 * 60;
/** Who issues member tokens and who they are for: a verifier checks both. */
export const SESSION_ISSUER = 'rewards-api';
export const SESSION_AUDIENCE = 'rewards-api/me';

/** The JWT claims of a member session (RFC 7519 names; `azp` is the partner that asked for it). */
export interface SessionClaims {
  iss: string;
  aud: string;
  /** The member the token acts for. */
  sub: string;
  /** The partner whose backend created the session: deleting the partner ends its sessions. */
  azp: string;
  iat: number;
  exp: number;
  jti: string;
}

/** The claims of a new session, issued at `now` (whole seconds, as JWT NumericDate is). */
export function sessionClaims(memberId: string, partnerId: string, now: Date, sessionId: string): SessionClaims {
  const iat = Math.floor(now.getTime() / 1000);
  return {
    iss: SESSION_ISSUER,
    aud: SESSION_AUDIENCE,
    sub: memberId,
    azp: partnerId,
    iat,
    exp: iat + SESSION_LIFETIME_SECONDS,
    jti: sessionId,
  };
}

/** When a session with these claims ends, as the API shows it. */
export const sessionExpiresAt = (claims: Pick<SessionClaims, 'exp'>) => new Date(claims.exp * 1000).toISOString();

/**
 * A token whose signature is valid is still refused unless it says what ours say: a member and a
 * partner, and a lifetime of at most fifteen minutes (a key that signed a longer one is not ours to trust).
 */
export function acceptedSession(payload: Record<string, unknown>): { memberId: string; partnerId: string } | undefined {
  const { sub, azp, iat, exp } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof azp !== 'string' || azp === '') return undefined;
  if (typeof iat !== 'number' || typeof exp !== 'number') return undefined;
  if (exp <= iat || exp - iat > SESSION_LIFETIME_SECONDS) return undefined;
  return { memberId: sub, partnerId: azp };
}
