import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import type { Principal } from '@shared/domain/principal';
import { findPrincipal } from '@shared/store/partners';

/** `Authorization: Bearer <key>` → the key's principal, or none. */
export async function principalForAuthorization(authorization: string | undefined): Promise<Principal | undefined> {
  const match = /^Bearer\s+(\S{1,512})$/i.exec(authorization?.trim() ?? '');
  if (!match?.[1]) return undefined;
  return findPrincipal(match[1]);
}

function usageIdentifier(principal: Principal): { usageIdentifierKey?: string } {
  const key = principal.usageKey ?? process.env.DEFAULT_USAGE_KEY;
  return key ? { usageIdentifierKey: key } : {};
}

/**
 * API Gateway TOKEN authorizer. The result is cached per key (a few minutes at most), so it
 * allows the whole API for a valid key and passes the principal on; each function checks
 * the route's scope itself and answers 403 as problem+json. An unknown key is 401.
 */
export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const principal = await principalForAuthorization(event.authorizationToken);
  if (!principal) throw new Error('Unauthorized');
  const [arnPrefix, stage] = event.methodArn.split('/');
  return {
    principalId: principal.partnerId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnPrefix}/${stage}/*` }],
    },
    context: { partnerId: principal.partnerId, role: principal.role, scopes: principal.scopes.join(' ') },
    // The usage plan API Gateway throttles this request by: the partner's own, or the region's
    // default plan for keys without one (admins, seeded keys).
    ...usageIdentifier(principal),
  };
}
