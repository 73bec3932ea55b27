import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { PartnerThrottles } from '@shared/app/support/partner-throttles';

/** The tag every key and plan this API makes carries: the admin function may change only those (infra/stack.ts). */
export const THROTTLE_TAG_KEY = 'rewards-api:stack';

/**
 * Each partner's own throttle on AWS: an API Gateway usage plan on the API's stage with the
 * partner's rate and burst, and an API key (its value is the partner's usage key) in that plan.
 * The authorizer returns the usage key (apiKeySource AUTHORIZER), so API Gateway counts each
 * partner against its own plan and one busy partner cannot starve the others.
 */
export function apiGatewayThrottles(
  api: { restApiId: string; stage: string; tag: string },
  givenClient?: APIGatewayClient,
): PartnerThrottles {
  const name = (partnerId: string) => `rewards-${partnerId}`;
  // The SDK's API Gateway client is imported when a plan is first changed, not at the admin
  // function's cold start: most admin requests never touch a usage plan (infra/constructs/bundling.ts).
  let loaded: Promise<{ sdk: typeof import('@aws-sdk/client-api-gateway'); client: APIGatewayClient }> | undefined;
  const sdk = () =>
    (loaded ??= import('@aws-sdk/client-api-gateway').then((sdk) => ({
      sdk,
      client: givenClient ?? new sdk.APIGatewayClient({}),
    })));
  return {
    async provision({ partnerId, usageKey, rateLimit }) {
      const {
        client,
        sdk: { CreateApiKeyCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand },
      } = await sdk();
      // Tagged at creation: IAM lets the admin function create only tagged ones and change only those.
      const tags = { [THROTTLE_TAG_KEY]: api.tag };
      const key = await client.send(
        new CreateApiKeyCommand({ name: name(partnerId), value: usageKey, enabled: true, tags }),
      );
      const plan = await client.send(
        new CreateUsagePlanCommand({
          name: name(partnerId),
          throttle: { rateLimit: rateLimit.perSecond, burstLimit: rateLimit.burst },
          apiStages: [{ apiId: api.restApiId, stage: api.stage }],
          tags,
        }),
      );
      if (!key.id || !plan.id) throw new Error('API Gateway answered without an id');
      await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
      return { apiKeyId: key.id, usagePlanId: plan.id };
    },

    async change({ throttleIds, rateLimit }) {
      const { usagePlanId } = throttleIds;
      if (!usagePlanId) throw new Error('The partner has no usage plan to change');
      const {
        client,
        sdk: { UpdateUsagePlanCommand },
      } = await sdk();
      await client.send(
        new UpdateUsagePlanCommand({
          usagePlanId,
          patchOperations: [
            { op: 'replace', path: '/throttle/rateLimit', value: String(rateLimit.perSecond) },
            { op: 'replace', path: '/throttle/burstLimit', value: String(rateLimit.burst) },
          ],
        }),
      );
    },

    async remove({ throttleIds }) {
      const { apiKeyId, usagePlanId } = throttleIds;
      if (!apiKeyId && !usagePlanId) return;
      const {
        client,
        sdk: { DeleteApiKeyCommand, DeleteUsagePlanCommand, NotFoundException, UpdateUsagePlanCommand },
      } = await sdk();
      const ignoreMissing = (error: unknown) => {
        if (!(error instanceof NotFoundException)) throw error;
      };
      if (apiKeyId) await client.send(new DeleteApiKeyCommand({ apiKey: apiKeyId })).catch(ignoreMissing);
      if (!usagePlanId) return;
      // A plan still attached to a stage cannot be deleted: detach it first.
      await client
        .send(
          new UpdateUsagePlanCommand({
            usagePlanId,
            patchOperations: [{ op: 'remove', path: '/apiStages', value: `${api.restApiId}:${api.stage}` }],
          }),
        )
        .catch(ignoreMissing);
      await client.send(new DeleteUsagePlanCommand({ usagePlanId })).catch(ignoreMissing);
    },
  };
}
