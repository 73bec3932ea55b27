import type { z } from 'zod';
import type { Member as MemberSchema } from '@shared/schemas/members';
import type { MemberReward as MemberRewardSchema } from '@shared/schemas/me';
import type { Code as CodeSchema } from '@shared/schemas/codes';

/** What the card reads (type imports only: no zod in the bundle). */
export type Member = z.infer<typeof MemberSchema> & {
  points: { pending?: number; expiring?: { points: number; expiresAt: string }[] };
};
export type MemberReward = z.infer<typeof MemberRewardSchema>;
export type Code = z.infer<typeof CodeSchema>;

const TOKEN_STORAGE = 'rewards-card:token';

/**
 * The session token arrives in the URL fragment (`/card#token=…`): a fragment never reaches a
 * server or a Referer. It is kept in this tab's session storage and taken out of the address bar,
 * so the URL shown or shared no longer carries it.
 */
export function sessionToken(): string | null {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    sessionStorage.setItem(TOKEN_STORAGE, fromFragment);
    history.replaceState(null, '', location.pathname + location.search);
    return fromFragment;
  }
  return sessionStorage.getItem(TOKEN_STORAGE);
}

export class SessionEnded extends Error {
  override readonly name = 'SessionEnded';
}

/** A GET of the member's own API, relative to the page (the stage's base path on AWS). */
export async function read<T>(path: string, token: string): Promise<T> {
  const response = await fetch(`v1/me${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (response.status === 401) throw new SessionEnded('This card link has expired.');
  if (!response.ok) throw new Error(`The card could not be loaded (${response.status}).`);
  return (await response.json()) as T;
}
