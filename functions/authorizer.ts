import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { memberSessionPrincipal } from '@shared/app/member-sessions';
import { looksLikeJwt } from '@shared/sessions/tokens';
import type { Principal } from '@shared/domain/principal';
import { findPrincipal } from '@shared/store/partners';

/** `Authorization: Bearer <key or member token>` → its principal, or none. */
export async function principalForAuthorization(authorization: string | undefined): Promise<Principal | undefined> {
  const match = /^Bearer\s+(\S{1,2048})$/i.exec(authorization?.trim() ?? '');
  const credential = match?.[1];
  if (!credential) return undefined;
  if (looksLikeJwt(credential)) return memberSessionPrincipal(credential);
  if (credential.length > 512) return undefined;
  return findPrincipal(credential);
}

function usageIdentifier(principal: Principal): { usageIdentifierKey?: string } {
  const key = principal.usageKey ?? process.env.DEFAULT_USAGE_KEY;
  return key ? { usageIdentifierKey: key } : {};
}

/**
 * What the principal may invoke: a key the whole API (each function checks the route's scope
 * itself and answers 403 as problem+json), a member token only the /v1/me routes (API Gateway
 * answers 403 for the rest before any function runs).
 */
function allowedResources(principal: Principal, methodArn: string): string[] {
  const [arnPrefix, stage] = methodArn.split('/');
  if (principal.role === 'me') return [`${arnPrefix}/${stage}/*/v1/me`, `${arnPrefix}/${stage}/*/v1/me/*`];
  return [`${arnPrefix}/${stage}/*`];
}

/**
 * API Gateway TOKEN authorizer. The result is cached per token (a few minutes at most), so it
 * allows every route the principal may call and passes the principal on. An unknown key, or a
 * member token that does not verify, is 401.
 */
export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const principal = await principalForAuthorization(event.authorizationToken);
  if (!principal) throw new Error('Unauthorized');
  return {
    principalId: principal.role === 'me' ? `member:${principal.memberId}` : principal.partnerId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: allowedResources(principal, event.methodArn) },
      ],
    },
    context: {
      partnerId: principal.partnerId,
      role: principal.role,
      scopes: principal.scopes.join(' '),
      ...(principal.memberId ? { memberId: principal.memberId } : {}),
    },
    // The usage plan API Gateway throttles this request by: the partner's own (a member token's:
    // the partner that created the session), or the region's default plan for keys without one.
    ...usageIdentifier(principal),
  };
}
