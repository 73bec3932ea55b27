import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ApiProblem, call } from './api';

/** What the signed-in key may do: an admin key everything; a partner key what its scopes allow. */
export interface Access {
  admin: boolean;
  scopes: ReadonlySet<string>;
}

/** The partner scopes that open parts of the console (the rest of it needs an admin key). */
export const CONSOLE_SCOPES = ['members:read', 'members:write', 'points:adjust'] as const;
export type ConsoleScope = (typeof CONSOLE_SCOPES)[number];

export const can = (access: Access, scope: ConsoleScope | 'admin'): boolean =>
  access.admin || (scope !== 'admin' && access.scopes.has(scope));

/**
 * A request per scope that the API refuses whatever the key: the scope check comes before
 * anything else (shared/http/api-function.ts), so a 403 means the key lacks the scope and any
 * other refusal (a 400 for the missing filter, header or body) means it has it. None of them
 * writes anything, and the API has no route that tells a key its own scopes.
 */
const probes: Record<ConsoleScope, { method: string; path: string }> = {
  'members:read': { method: 'GET', path: '/v1/members' },
  'members:write': { method: 'PATCH', path: '/v1/members/-' },
  'points:adjust': { method: 'POST', path: '/v1/members/-/adjustments' },
};

const refusedFor = async (method: string, path: string, key: string): Promise<number> => {
  try {
    return (await call(method, path, { key, noIdempotencyKey: true })).status;
  } catch (error) {
    if (error instanceof ApiProblem) return error.status;
    throw error;
  }
};

/** Learns what a key may do; an unknown key (401) or a network failure is thrown. */
export async function learnAccess(key: string): Promise<Access> {
  const admin = await refusedFor('GET', '/v1/admin/program', key);
  if (admin === 200) return { admin: true, scopes: new Set(CONSOLE_SCOPES) };
  if (admin !== 403)
    throw new ApiProblem({
      type: 'about:blank',
      title: 'Not signed in',
      status: admin,
      detail: admin === 401 ? 'This key is not known to this API.' : `The API answered ${admin}: try again.`,
    });
  const found = await Promise.all(
    CONSOLE_SCOPES.map(
      async (scope) => [scope, (await refusedFor(probes[scope].method, probes[scope].path, key)) !== 403] as const,
    ),
  );
  return { admin: false, scopes: new Set(found.filter(([, has]) => has).map(([scope]) => scope)) };
}

export const AccessContext = createContext<Access>({ admin: false, scopes: new Set() });
export const useAccess = () => useContext(AccessContext);
