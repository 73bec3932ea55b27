import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { settingsForRegion, type RegionSettingsInput } from '@infra/config/regions';
import type { EntryName } from '@infra/config/table-access';
import { RewardsApiStack } from '@infra/stack';
import { SESSION_KEYS_ENV } from '@shared/sessions/keys';
import { entryPoints } from '@shared/http/route-definition';
import { actionsOf, logicalIdOf, statementsOfFunction, type PolicyStatementJson } from './support';

/** eu-west-1's stack, without bundling, with some settings changed. */
function stackWith(overrides: Partial<RegionSettingsInput> = {}): { stack: RewardsApiStack; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new RewardsApiStack(app, 'RewardsApi-eu-west-1', {
    env: { region: 'eu-west-1' },
    settings: settingsForRegion('eu-west-1', overrides),
  });
  return { stack, template: Template.fromStack(stack) };
}

const keyIds = (stack: RewardsApiStack) => stack.sessionKeys.keys.map((key) => logicalIdOf(stack, key));
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

function kmsStatements(template: Template, stack: RewardsApiStack, entry: EntryName): PolicyStatementJson[] {
  return statementsOfFunction(template, stack, stack.functions[entry]).filter((statement) =>
    actionsOf([statement]).some((action) => action === 'kms:Sign' || action === 'kms:GetPublicKey'),
  );
}

function environmentOf(template: Template, stack: RewardsApiStack, entry: EntryName): Record<string, unknown> {
  const resources = template.toJSON().Resources as Record<
    string,
    { Properties: { Environment?: { Variables?: Record<string, unknown> } } }
  >;
  return resources[logicalIdOf(stack, stack.functions[entry])]?.Properties.Environment?.Variables ?? {};
}

describe('member session keys (one generation, the default)', () => {
  let stack: RewardsApiStack;
  let template: Template;
  beforeAll(() => ({ stack, template } = stackWith()));

  it('are KMS asymmetric P-256 signing keys (ES256): the private half never leaves KMS', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(keyIds(stack)).toHaveLength(1);
  });

  it('lets only the members function sign, and only with the signing key', () => {
    const [signingKey] = keyIds(stack);
    expect(kmsStatements(template, stack, 'members')).toEqual([
      { Effect: 'Allow', Action: 'kms:Sign', Resource: arnOf(signingKey ?? '') },
    ]);
    for (const entry of entryPoints.filter((name) => name !== 'members'))
      expect(actionsOf(kmsStatements(template, stack, entry)), entry).not.toContain('kms:Sign');
  });

  it('lets the authorizer (verification) and the public function (JWKS) read the public keys, and nothing else do so', () => {
    const [signingKey] = keyIds(stack);
    for (const entry of ['authorizer', 'public'] as const)
      expect(kmsStatements(template, stack, entry), entry).toEqual([
        { Effect: 'Allow', Action: 'kms:GetPublicKey', Resource: arnOf(signingKey ?? '') },
      ]);
    for (const entry of entryPoints.filter((name) => !['authorizer', 'public', 'members'].includes(name)))
      expect(kmsStatements(template, stack, entry), entry).toEqual([]);
  });

  it('names the keys to the three functions by ARN, never a key itself', () => {
    const [signingKey] = keyIds(stack);
    for (const entry of ['members', 'authorizer', 'public'] as const)
      expect(environmentOf(template, stack, entry)[SESSION_KEYS_ENV], entry).toEqual(arnOf(signingKey ?? ''));
    expect(environmentOf(template, stack, 'points')[SESSION_KEYS_ENV]).toBeUndefined();
  });
});

describe('member session keys during a rotation (two generations)', () => {
  let stack: RewardsApiStack;
  let template: Template;
  beforeAll(() => ({ stack, template } = stackWith({ memberSessionKeys: ['2', '1'] })));

  it('signs with the new generation only, while both stay verifiable and published', () => {
    const [newKey, oldKey] = keyIds(stack);
    expect(oldKey).toBeDefined();
    expect(kmsStatements(template, stack, 'members')).toEqual([
      { Effect: 'Allow', Action: 'kms:Sign', Resource: arnOf(newKey ?? '') },
    ]);
    const readable = kmsStatements(template, stack, 'authorizer').flatMap((statement) =>
      Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource],
    );
    expect(readable).toEqual(expect.arrayContaining([arnOf(newKey ?? ''), arnOf(oldKey ?? '')]));
    // The signing key first: the functions sign with the first ARN of the list.
    expect(environmentOf(template, stack, 'public')[SESSION_KEYS_ENV]).toEqual({
      'Fn::Join': ['', [arnOf(newKey ?? ''), ' ', arnOf(oldKey ?? '')]],
    });
  });

  it('refuses settings that repeat a generation or name none', () => {
    expect(() => settingsForRegion('eu-west-1', { memberSessionKeys: ['1', '1'] })).toThrow(/repeat/);
    expect(() => settingsForRegion('eu-west-1', { memberSessionKeys: [] })).toThrow(/memberSessionKeys/);
  });
});

describe("the member's card in the stack", () => {
  it('serves GET /card and GET /card/{file} from the public function without an authorizer, and builds the card beside it', () => {
    const { stack, template } = stackWith();
    const resources = template.toJSON().Resources as Record<
      string,
      { Type: string; Properties: { HttpMethod?: string; AuthorizationType?: string; Integration?: { Uri: unknown } } }
    >;
    for (const path of ['/card', '/card/{file}']) {
      const method = stack.api.api.root.resourceForPath(path).node.tryFindChild('GET');
      expect(method, path).toBeDefined();
      const properties = resources[logicalIdOf(stack, method as never)]?.Properties;
      expect(properties).toMatchObject({ HttpMethod: 'GET', AuthorizationType: 'NONE' });
      expect(JSON.stringify(properties?.Integration?.Uri)).toContain(logicalIdOf(stack, stack.aliases.public));
    }
  });
});
