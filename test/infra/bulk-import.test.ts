import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, logicalIdOf, statementsOfFunction, synthesizeRegion, type SynthesizedStack } from './support';

let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthesizeRegion('eu-west-1');
});

describe('bulk import infrastructure', () => {
  it('keeps files in an encrypted, private, SSL-only bucket that deletes them after 7 days', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7, Status: 'Enabled' })]),
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs a state machine: plan, then a Distributed Map per phase over the manifest, batched, bounded, retried', () => {
    const { template } = synthesized;
    // The program simulation's state machine (./program-simulation.test.ts) is the other one.
    const machines = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'));
    const imports = machines.filter(([logicalId]) => logicalId.startsWith('BulkImport'));
    expect(imports).toHaveLength(1);
    const machine = imports[0]?.[1] as { Properties: { DefinitionString: unknown } };
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    for (const fragment of [
      '\\"ProcessorConfig\\":{\\"Mode\\":\\"DISTRIBUTED\\"',
      '\\"InputType\\":\\"JSON\\"',
      '\\"MaxItemsPerBatch\\":4',
      '\\"MaxConcurrency\\":10',
      '\\"ErrorEquals\\":[\\"ImportStopped\\"],\\"MaxAttempts\\":0',
      '\\"BackoffRate\\":2',
      '\\"phase\\":\\"members\\"',
      '\\"phase\\":\\"purchases\\"',
    ])
      expect(definition).toContain(fragment);
    // No tolerated failure (the default, 0 %): a batch that fails after its retries stops the map.
    expect(definition).not.toContain('ToleratedFailure');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.s3'], 'detail-type': ['Object Created'] }),
    });
  });

  it("gives the worker only what it needs: the table's item actions and batch writes, GetObject on files, PutObject on manifests", () => {
    const { template, stack } = synthesized;
    const statements = statementsOfFunction(template, stack, stack.functions['import-worker']);
    const s3 = statements.filter((s) => actionsOf([s]).some((action) => action.startsWith('s3:')));
    expect(actionsOf(s3).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(s3)).toContain('/imports/*');
    expect(JSON.stringify(s3)).toContain('/uploads/*');
    expect(JSON.stringify(s3)).toContain('/manifests/*');
    const actions = actionsOf(statements);
    expect(actions).toContain('dynamodb:BatchWriteItem');
    // The one Scan: a segment's evaluation over every member (the same worker), in a statement of its own.
    const scans = statements.filter((s) => actionsOf([s]).includes('dynamodb:Scan'));
    expect(scans.map((s) => actionsOf([s]))).toEqual([['dynamodb:Scan']]);
    expect(actions).not.toContain('s3:DeleteObject');
    expect(actions.some((action) => action.includes('*') && !action.startsWith('xray:'))).toBe(false);
    // Its table grants come from infra/config/table-access.ts, each limited to the partitions it names
    // (a simulation's Query of the activity index is scoped by the index's ARN: it only reads; the
    // segment evaluation's Scan is a statement of its own, checked above).
    const table = statements.filter(
      (s) =>
        actionsOf([s]).some((action) => action.startsWith('dynamodb:')) &&
        !JSON.stringify(s.Resource).includes('/index/') &&
        !scans.includes(s),
    );
    expect(table.length).toBeGreaterThan(0);
    for (const statement of table)
      expect(JSON.stringify(statement), JSON.stringify(statement)).toContain('dynamodb:LeadingKeys');
  });

  it('lets the import routes store files and start runs, and no other route function', () => {
    const { template, stack } = synthesized;
    const importsActions = actionsOf(statementsOfFunction(template, stack, stack.functions.imports));
    expect(importsActions).toEqual(expect.arrayContaining(['s3:PutObject', 'states:StartExecution']));
    expect(importsActions).not.toContain('s3:GetObject');
    for (const fn of ['members', 'points', 'admin'] as const) {
      const actions = actionsOf(statementsOfFunction(template, stack, stack.functions[fn]));
      expect(actions.filter((action) => action.startsWith('s3:'))).toEqual([]);
      // The segment routes (members) start segment evaluations, on their own state machine only.
      const starts = statementsOfFunction(template, stack, stack.functions[fn]).filter((s) =>
        actionsOf([s]).some((action) => action.startsWith('states:')),
      );
      expect(starts.map((s) => JSON.stringify(s.Resource))).toEqual(
        fn === 'members' ? [JSON.stringify({ Ref: logicalIdOf(stack, stack.segmentEvaluation.stateMachine) })] : [],
      );
    }
  });
});
