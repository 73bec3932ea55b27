import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { describe, expect, it } from 'vitest';
import { apiGatewayThrottles, THROTTLE_TAG_KEY } from '@shared/adapters/api-gateway-throttles';

/** An API Gateway client that records each command it is sent and answers with ids (no AWS here). */
function recordingClient() {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return Promise.resolve({ id: `${command.constructor.name}-id` });
    },
  } as unknown as APIGatewayClient;
  return { client, sent };
}

describe('the partner throttles adapter on AWS', () => {
  it("tags the key and the plan it creates with this API's tag, which IAM requires of it", async () => {
    const { client, sent } = recordingClient();
    const throttles = apiGatewayThrottles({ restApiId: 'abc123', stage: 'prod', tag: 'abc123' }, client);
    const ids = await throttles.provision({
      partnerId: 'prt_1',
      usageKey: 'usage-key-of-prt_1',
      rateLimit: { perSecond: 50, burst: 100 },
    });
    expect(ids).toEqual({ apiKeyId: 'CreateApiKeyCommand-id', usagePlanId: 'CreateUsagePlanCommand-id' });
    const created = sent.filter((command) => command.name !== 'CreateUsagePlanKeyCommand');
    expect(created.map((command) => command.name)).toEqual(['CreateApiKeyCommand', 'CreateUsagePlanCommand']);
    for (const command of created) expect(command.input.tags).toEqual({ [THROTTLE_TAG_KEY]: 'abc123' });
  });

  it("changes a partner's limit on its own plan, the key and the plan left as they are", async () => {
    const { client, sent } = recordingClient();
    const throttles = apiGatewayThrottles({ restApiId: 'abc123', stage: 'prod', tag: 'abc123' }, client);
    await throttles.change({
      partnerId: 'prt_1',
      throttleIds: { apiKeyId: 'key-1', usagePlanId: 'plan-1' },
      rateLimit: { perSecond: 7, burst: 9 },
    });
    expect(sent).toEqual([
      {
        name: 'UpdateUsagePlanCommand',
        input: {
          usagePlanId: 'plan-1',
          patchOperations: [
            { op: 'replace', path: '/throttle/rateLimit', value: '7' },
            { op: 'replace', path: '/throttle/burstLimit', value: '9' },
          ],
        },
      },
    ]);
    await expect(
      throttles.change({ partnerId: 'prt_2', throttleIds: {}, rateLimit: { perSecond: 1, burst: 1 } }),
    ).rejects.toThrow(/no usage plan/);
  });
});
