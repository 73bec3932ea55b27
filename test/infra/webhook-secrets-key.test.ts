import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { SECRET_KEY_USE } from '@infra/constructs/webhook-secrets-key';
import type { EntryName } from '@infra/config/table-access';
import { WEBHOOK_SECRETS_KEY_ENV } from '@shared/secrets/data-keys';
import { actionsOf, logicalIdOf, statementsOfFunction, synthesizeRegion, type SynthesizedStack } from './support';

/** Issue 23: webhook signing secrets sealed under a KMS key only delivery and the webhook admin function may use. */
let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthesizeRegion('eu-west-1');
});

interface Resource {
  Type: string;
  DeletionPolicy?: string;
  Properties: {
    KeySpec?: string;
    KeyPolicy?: { Statement: Record<string, unknown>[] };
    Environment?: { Variables?: Record<string, unknown> };
  };
}
const resources = () => synthesized.template.toJSON().Resources as Record<string, Resource>;
const keyId = () => logicalIdOf(synthesized.stack, synthesized.stack.events.secretsKey);
const roleArnOf = (entry: EntryName) => {
  const role = synthesized.stack.functions[entry].role;
  if (!role) throw new Error(`${entry} has no role`);
  return { 'Fn::GetAtt': [synthesized.stack.getLogicalId(role.node.defaultChild as CfnElement), 'Arn'] };
};
const users: EntryName[] = ['webhook-delivery', 'events'];

/** The statements of a function's role that name the webhook secrets key. */
const statementsOnKey = (entry: EntryName) =>
  statementsOfFunction(synthesized.template, synthesized.stack, synthesized.stack.functions[entry]).filter(
    (statement) => JSON.stringify(statement.Resource).includes(keyId()),
  );

describe('the webhook secrets key', () => {
  it('is a rotating symmetric KMS key of the region, kept when the stack goes', () => {
    const key = resources()[keyId()]!;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true });
    expect(key.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('denies every use of the key to any principal but the delivery and webhook admin roles', () => {
    const statements = resources()[keyId()]!.Properties.KeyPolicy?.Statement ?? [];
    const deny = statements.filter((statement) => statement.Effect === 'Deny');
    expect(deny).toEqual([
      {
        Sid: 'OnlyDeliveryAndWebhookAdminUseTheKey',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: SECRET_KEY_USE,
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': users.map(roleArnOf) } },
      },
    ]);
    // No other principal is named with a use of the key in its policy.
    for (const statement of statements.filter((s) => s.Effect === 'Allow'))
      if (JSON.stringify(statement.Action).match(/Decrypt|GenerateDataKey|Encrypt/))
        expect(JSON.stringify(statement.Principal)).not.toMatch(/role\//);
  });

  it('lets delivery open secrets, the webhook admin function seal and open them, and no other function touch the key', () => {
    expect(actionsOf(statementsOnKey('webhook-delivery')).sort()).toEqual(['kms:Decrypt']);
    expect(actionsOf(statementsOnKey('events')).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    for (const entry of Object.keys(synthesized.stack.functions) as EntryName[])
      if (!users.includes(entry)) expect(statementsOnKey(entry), entry).toEqual([]);
  });

  it('is named to the two functions that use it, not to the fan-out', () => {
    const variables = (entry: EntryName) =>
      resources()[logicalIdOf(synthesized.stack, synthesized.stack.functions[entry])]!.Properties.Environment
        ?.Variables ?? {};
    for (const entry of users)
      expect(variables(entry)[WEBHOOK_SECRETS_KEY_ENV]).toEqual({ 'Fn::GetAtt': [keyId(), 'Arn'] });
    expect(variables('event-fanout')[WEBHOOK_SECRETS_KEY_ENV]).toBeUndefined();
  });
});
