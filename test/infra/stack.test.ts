import { Match } from 'aws-cdk-lib/assertions';
import type { Method } from 'aws-cdk-lib/aws-apigateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_TYPE_BASE } from '@shared/http/problems';
import { routes, type FunctionName, type RouteDefinition } from '@shared/http/routes';
import type { EntryName } from '@infra/constructs/rewards-function';
import { tableAccess } from '@infra/config/table-access';
import { apiMethods, AUTHORIZATION_HEADER_PATTERN } from '@infra/constructs/rewards-rest-api';
import { isAllowed, tableResources } from '../support/iam';
import { actionsOf, logicalIdOf, statementsOfFunction, synthesizeRegion, type SynthesizedStack } from './support';

const regions = [
  {
    region: 'eu-west-1',
    currency: 'EUR',
    rateLimit: 200,
    burstLimit: 400,
    retentionDays: 90,
    customerManagedKey: false,
  },
  {
    region: 'us-east-1',
    currency: 'USD',
    rateLimit: 100,
    burstLimit: 150,
    retentionDays: 30,
    customerManagedKey: true,
  },
] as const;

const routeList = Object.entries(routes as Record<string, RouteDefinition>);
const routeFunctionNames = [...new Set(routeList.map(([, route]) => route.fn))] as FunctionName[];
const allEntries: EntryName[] = [...routeFunctionNames, 'public', 'authorizer', 'metrics-job', 'time-job'];

describe.each(regions)('the stack of $region', (expected) => {
  let synthesized: SynthesizedStack;
  /** A partner's default limit (50/s, burst 100): the floor of every method's cap. */
  const partnerDefault = { perSecond: 50, burst: 100 };
  beforeAll(() => {
    synthesized = synthesizeRegion(expected.region);
  });

  const functionId = (entry: EntryName) => logicalIdOf(synthesized.stack, synthesized.stack.functions[entry]);
  const tableId = () => logicalIdOf(synthesized.stack, synthesized.stack.table.table);
  /** API Gateway and the schedules invoke each function's `live` alias (provisioned concurrency sits there). */
  const aliasId = (entry: EntryName) => logicalIdOf(synthesized.stack, synthesized.stack.aliases[entry]);
  const lambdaArn = (entry: EntryName) =>
    Match.objectLike({
      'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: aliasId(entry) }])]),
    });

  it('is named after its region and deployed to it', () => {
    expect(synthesized.stack.stackName).toBe(`RewardsApi-${expected.region}`);
    expect(synthesized.stack.region).toBe(expected.region);
  });

  describe('table', () => {
    it('is built from the shared table definition: keys, TTL and both indexes', () => {
      synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        GlobalSecondaryIndexes: Match.arrayWith([
          Match.objectLike({
            IndexName: 'GSI1',
            KeySchema: [
              { AttributeName: 'GSI1PK', KeyType: 'HASH' },
              { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
            ],
          }),
          Match.objectLike({
            IndexName: 'GSI2',
            KeySchema: [
              { AttributeName: 'GSI2PK', KeyType: 'HASH' },
              { AttributeName: 'GSI2SK', KeyType: 'RANGE' },
            ],
          }),
          Match.objectLike({
            IndexName: 'GSI4',
            KeySchema: [
              { AttributeName: 'GSI4PK', KeyType: 'HASH' },
              { AttributeName: 'GSI4SK', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['memberId'] },
          }),
        ]),
      });
    });

    it('is on-demand, recoverable to any point in time, protected from deletion and retained with the stack', () => {
      synthesized.template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      });
    });

    it(`is encrypted with ${expected.customerManagedKey ? 'a rotated customer-managed key' : 'the AWS-managed key'}`, () => {
      if (expected.customerManagedKey) {
        synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        });
        synthesized.template.hasResourceProperties('AWS::KMS::Key', {
          Description: 'Encrypts the rewards table',
          EnableKeyRotation: true,
        });
      } else {
        synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true } });
      }
    });
  });

  describe('functions', () => {
    it.each(allEntries)('%s runs Node.js 24 on arm64 with tracing and the shared environment', (entry) => {
      synthesized.template.hasResource('AWS::Lambda::Function', {
        Properties: Match.objectLike({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
          Environment: {
            Variables: Match.objectLike({
              TABLE_NAME: { Ref: tableId() },
              POWERTOOLS_SERVICE_NAME: 'rewards-api',
              POWERTOOLS_METRICS_NAMESPACE: 'RewardsApi',
              // No --enable-source-maps: stacks are mapped when an error is logged (shared/stack-traces.ts).
              NODE_OPTIONS: Match.absent(),
              METRICS_EPOCH: '2026-11-01T00:00:00.000Z',
              DEFAULT_PROGRAM: Match.serializedJson(
                Match.objectLike({
                  currency: expected.currency,
                  tiers: Match.arrayWith([
                    Match.objectLike({ minQualifyingSpend: { value: 0, currency: expected.currency } }),
                  ]),
                }),
              ),
            }),
          },
        }),
      });
      const fn = synthesized.template.toJSON().Resources[functionId(entry)];
      expect(fn?.Type).toBe('AWS::Lambda::Function');
    });

    it.each([...routeFunctionNames, 'public', 'authorizer'] as EntryName[])(
      '%s answers within API Gateway’s 29 s integration timeout',
      (entry) => {
        const timeout = synthesized.template.toJSON().Resources[functionId(entry)].Properties.Timeout as number;
        expect(timeout).toBeLessThan(29);
      },
    );

    it.each(allEntries)('%s writes JSON logs to its own log group kept %s days', (entry) => {
      const logGroupRef = synthesized.template.toJSON().Resources[functionId(entry)].Properties.LoggingConfig
        .LogGroup as { Ref: string };
      expect(synthesized.template.toJSON().Resources[logGroupRef.Ref].Properties.RetentionInDays).toBe(
        expected.retentionDays,
      );
    });
  });

  describe('least privilege', () => {
    it('lets no role use dynamodb:* or any other wildcard action', () => {
      for (const entry of allEntries) {
        const actions = actionsOf(
          statementsOfFunction(synthesized.template, synthesized.stack, synthesized.stack.functions[entry]),
        );
        expect(actions.filter((action) => action.includes('*'))).toEqual([]);
      }
    });

    it("lets the authorizer only read key items, and a member token's partner and member (GetItem, BatchGetItem)", () => {
      const statements = statementsOfFunction(
        synthesized.template,
        synthesized.stack,
        synthesized.stack.functions.authorizer,
      );
      const dynamo = statements.filter((statement) =>
        actionsOf([statement]).some((action) => action.startsWith('dynamodb:')),
      );
      expect(dynamo).toEqual([
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
          Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] },
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*', 'PARTNERS', 'MEMBER#*'] } },
        },
      ]);
    });

    it('lets the public function only read one item at a time (the readiness probe: GetItem on the table)', () => {
      const statements = statementsOfFunction(
        synthesized.template,
        synthesized.stack,
        synthesized.stack.functions.public,
      );
      const dynamo = statements.filter((statement) =>
        actionsOf([statement]).some((action) => action.startsWith('dynamodb:')),
      );
      expect(dynamo).toHaveLength(1);
      expect(dynamo[0]).toMatchObject({ Effect: 'Allow', Action: 'dynamodb:GetItem' });
      // Limited to the probe's partition (dynamodb:LeadingKeys).
      expect(JSON.stringify(dynamo[0])).toContain('"HEALTH"');
    });

    it.each(allEntries)(
      '%s holds exactly the item actions of its declaration, each limited to its partitions (LeadingKeys)',
      (entry) => {
        const statements = statementsOfFunction(
          synthesized.template,
          synthesized.stack,
          synthesized.stack.functions[entry],
        );
        const onTable = statements.filter(
          (statement) => JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [tableId(), 'Arn'] }),
        );
        expect(
          onTable.map((statement) => ({
            actions: actionsOf([statement]).sort(),
            condition: (statement as { Condition?: unknown }).Condition,
          })),
        ).toEqual(
          // A grant both the membership hook and the function's own list declare is one statement:
          // the synth keeps identical statements once.
          uniqueByJson(
            (tableAccess[entry].items ?? []).map((grant) => ({
              actions: grant.actions.map((action) => `dynamodb:${action}`).sort(),
              condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.partitions] } },
            })),
          ),
        );
        if (!tableAccess[entry].queryIndexes) expect(JSON.stringify(statements)).not.toContain('/index/');
      },
    );

    it.each(allEntries)('%s can neither write an API key item nor scan the table, unless it is admin', (entry) => {
      const statements = statementsOfFunction(
        synthesized.template,
        synthesized.stack,
        synthesized.stack.functions[entry],
      );
      const resourceOf = tableResources(tableId());
      for (const action of ['PutItem', 'UpdateItem', 'DeleteItem'])
        expect(
          isAllowed(statements, resourceOf, {
            action: `dynamodb:${action}`,
            resource: 'table',
            partitions: ['APIKEY#x'],
          }),
          `${entry} ${action}`,
        ).toBe(entry === 'admin' && action !== 'UpdateItem');
      expect(isAllowed(statements, resourceOf, { action: 'dynamodb:Scan', resource: 'table', partitions: [] })).toBe(
        false,
      );
      // Only the member functions (a member's own app too), raffle entries bought with points (rewards), a
      // code's change with its member (codes) and the jobs write member items.
      expect(
        isAllowed(statements, resourceOf, { action: 'dynamodb:PutItem', resource: 'table', partitions: ['MEMBER#m'] }),
      ).toBe(
        ['members', 'me', 'points', 'cashback', 'rewards', 'codes', 'insights', 'metrics-job', 'time-job'].includes(
          entry,
        ),
      );
    });

    it.each([
      ['metrics-job', ['GSI1']],
      ['insights', ['GSI1']],
      // The time rules: the schedule key (GSI4); the migration onto it reads the earlier keys (GSI2).
      ['time-job', ['GSI2', 'GSI4']],
    ] as [EntryName, string[]][])('lets %s query only the %s index', (entry, indexNames) => {
      const statements = statementsOfFunction(
        synthesized.template,
        synthesized.stack,
        synthesized.stack.functions[entry],
      );
      const onIndexes = statements.filter((statement) => JSON.stringify(statement.Resource).includes('/index/'));
      for (const statement of onIndexes) expect(statement).toMatchObject({ Effect: 'Allow', Action: 'dynamodb:Query' });
      const resources = onIndexes.flatMap((statement) =>
        Array.isArray(statement.Resource) ? (statement.Resource as unknown[]) : [statement.Resource],
      );
      expect(resources).toHaveLength(indexNames.length);
      expect(resources).toEqual(
        expect.arrayContaining(
          indexNames.map((name) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId(), 'Arn'] }, `/index/${name}`]] })),
        ),
      );
    });

    it(`${expected.customerManagedKey ? 'lets the functions use the table key and nothing more' : 'grants no KMS access while the table uses the AWS-managed key'}`, () => {
      const kmsActions = actionsOf(
        statementsOfFunction(synthesized.template, synthesized.stack, synthesized.stack.functions.points),
      ).filter((action) => action.startsWith('kms:'));
      expect(kmsActions.sort()).toEqual(
        expected.customerManagedKey ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] : [],
      );
      // Besides the table key, the authorizer reads the member session keys' public halves (below).
      const authorizerKms = actionsOf(
        statementsOfFunction(synthesized.template, synthesized.stack, synthesized.stack.functions.authorizer),
      ).filter((action) => action.startsWith('kms:') && action !== 'kms:GetPublicKey');
      expect(authorizerKms.sort()).toEqual(expected.customerManagedKey ? ['kms:Decrypt', 'kms:DescribeKey'] : []);
    });

    it('writes logs only to the function’s own log group, without the managed basic-execution policy', () => {
      for (const entry of allEntries) {
        const statements = statementsOfFunction(
          synthesized.template,
          synthesized.stack,
          synthesized.stack.functions[entry],
        );
        const logs = statements.find((statement) => actionsOf([statement]).includes('logs:PutLogEvents'));
        const logGroupRef = synthesized.template.toJSON().Resources[functionId(entry)].Properties.LoggingConfig.LogGroup
          .Ref as string;
        expect(logs?.Resource).toEqual({ 'Fn::GetAtt': [logGroupRef, 'Arn'] });
      }
      synthesized.template.allResourcesProperties(
        'AWS::IAM::Role',
        Match.not(
          Match.objectLike({
            ManagedPolicyArns: Match.arrayWith([
              Match.serializedJson(Match.stringLikeRegexp('AWSLambdaBasicExecutionRole')),
            ]),
          }),
        ),
      );
    });
  });

  describe('REST API', () => {
    it.each(routeList)('routes %s to its function behind the key authorizer', (routeId, route) => {
      const resource = synthesized.stack.api.api.root.resourceForPath(route.path);
      const method = resource.node.tryFindChild(route.method) as Method | undefined;
      expect(method, `${route.method} ${route.path}`).toBeDefined();
      const authorizers = synthesized.template.findResources('AWS::ApiGateway::Authorizer');
      synthesized.template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: route.method,
        OperationName: routeId,
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: Object.keys(authorizers)[0] },
        Integration: Match.objectLike({ Type: 'AWS_PROXY', Uri: lambdaArn(route.fn) }),
      });
      expect(
        synthesized.template.toJSON().Resources[logicalIdOf(synthesized.stack, method as Method)].Properties
          .OperationName,
      ).toBe(routeId);
    });

    it('answers any other method on a route path from the public function (405), without a key', () => {
      for (const [, route] of routeList) {
        const any = synthesized.stack.api.api.root.resourceForPath(route.path).node.tryFindChild('ANY') as
          Method | undefined;
        expect(any, route.path).toBeDefined();
        const properties =
          synthesized.template.toJSON().Resources[logicalIdOf(synthesized.stack, any as Method)].Properties;
        expect(properties).toMatchObject({ HttpMethod: 'ANY', AuthorizationType: 'NONE' });
        expect(JSON.stringify(properties.Integration.Uri)).toContain(aliasId('public'));
      }
    });

    it('serves /health, /health/ready, /openapi.json, the console and every unknown path (greedy proxy) from the public function without a key', () => {
      const root = synthesized.stack.api.api.root;
      const open: [string, string][] = [
        ['/health', 'GET'],
        ['/health/ready', 'GET'],
        ['/openapi.json', 'GET'],
        ['/console', 'GET'],
        ['/console/{file}', 'GET'],
        ['/{proxy+}', 'ANY'],
        ['/', 'ANY'],
      ];
      for (const [path, httpMethod] of open) {
        const resource = path === '/' ? root : root.resourceForPath(path);
        const method = resource.node.tryFindChild(httpMethod) as Method | undefined;
        expect(method, `${httpMethod} ${path}`).toBeDefined();
        const properties =
          synthesized.template.toJSON().Resources[logicalIdOf(synthesized.stack, method as Method)].Properties;
        expect(properties).toMatchObject({ HttpMethod: httpMethod, AuthorizationType: 'NONE' });
        expect(JSON.stringify(properties.Integration.Uri)).toContain(aliasId('public'));
      }
    });

    it('checks keys with a cached TOKEN authorizer on the Authorization header', () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 60,
        AuthorizerUri: lambdaArn('authorizer'),
      });
    });

    it(`caps each keyed method at the region's whole budget (${expected.rateLimit}/s, burst ${expected.burstLimit}) and each open one at a partner's default, with tracing, execution and access logs but no bodies`, () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'prod',
        TracingEnabled: true,
        AccessLogSetting: {
          DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
          Format: Match.stringLikeRegexp('"partnerId":"\\$context.authorizer.partnerId"'),
        },
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            LoggingLevel: 'ERROR',
            DataTraceEnabled: false,
            // Per-method metrics are billed and nothing reads them.
            MetricsEnabled: false,
          }),
        ]),
      });
      const stage = Object.values(synthesized.template.findResources('AWS::ApiGateway::Stage'))[0];
      const settings = stage?.Properties.MethodSettings as {
        HttpMethod: string;
        ResourcePath: string;
        ThrottlingRateLimit: number;
        ThrottlingBurstLimit: number;
      }[];
      const perMethod = settings.filter((setting) => setting.ResourcePath !== '/*');
      const { keyed, open } = apiMethods();
      expect(perMethod).toHaveLength(keyed.length + open.length);
      const limitOf = (method: string) => {
        const slash = method.lastIndexOf('/');
        // API Gateway's method setting paths: "/", then the resource path with each "/" as "~1" (the root: "/").
        const path = method.slice(0, slash);
        const resourcePath = path === '/' ? '/' : `/${path.replaceAll('/', '~1')}`;
        return perMethod.find(
          (setting) => setting.ResourcePath === resourcePath && setting.HttpMethod === method.slice(slash + 1),
        );
      };
      // A method limit is a cap on the method for every caller together: never a share of the budget.
      for (const method of keyed)
        expect(limitOf(method), method).toMatchObject({
          ThrottlingRateLimit: expected.rateLimit,
          ThrottlingBurstLimit: expected.burstLimit,
        });
      for (const method of open)
        expect(limitOf(method), method).toMatchObject({
          ThrottlingRateLimit: partnerDefault.perSecond,
          ThrottlingBurstLimit: partnerDefault.burst,
        });
      for (const setting of perMethod) {
        expect(setting.ThrottlingRateLimit).toBeLessThanOrEqual(expected.rateLimit);
        expect(setting.ThrottlingBurstLimit).toBeLessThanOrEqual(expected.burstLimit);
        expect(setting.ThrottlingRateLimit).toBeGreaterThanOrEqual(partnerDefault.perSecond);
        expect(setting.ThrottlingBurstLimit).toBeGreaterThanOrEqual(partnerDefault.burst);
      }
      // Metrics per method are off everywhere.
      expect(settings.every((setting) => (setting as { MetricsEnabled?: boolean }).MetricsEnabled !== true)).toBe(true);
    });

    it('refuses a malformed Authorization header at the gateway, before the authorizer runs', () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        IdentityValidationExpression: AUTHORIZATION_HEADER_PATTERN,
      });
      const pattern = new RegExp(AUTHORIZATION_HEADER_PATTERN);
      expect(pattern.test('Bearer x')).toBe(false);
      expect(pattern.test('Bearer rk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe(true);
      // A member session token: three base64url parts.
      expect(pattern.test('Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJtIn0.c2lnbmF0dXJl')).toBe(true);
      expect(pattern.test('Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJtIn0')).toBe(false);
      expect(pattern.test('Bearer a.b.c d')).toBe(false);
    });

    it('keeps no source IP or user agent in access logs', () => {
      const stages = synthesized.template.findResources('AWS::ApiGateway::Stage');
      const format = String(Object.values(stages)[0]?.Properties.AccessLogSetting.Format);
      expect(format).not.toMatch(/sourceIp|userAgent/);
    });

    it.each([
      ['UNAUTHORIZED', '401', 'unauthorized'],
      ['ACCESS_DENIED', '403', 'forbidden'],
      ['THROTTLED', '429', 'throttled'],
      ['MISSING_AUTHENTICATION_TOKEN', '404', 'not-found'],
      ['REQUEST_TOO_LARGE', '413', 'payload-too-large'],
      ['DEFAULT_4XX', '400', 'bad-request'],
      ['DEFAULT_5XX', '500', 'internal'],
    ])('answers %s as a %s problem+json document of type …/%s', (responseType, statusCode, slug) => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: responseType,
        StatusCode: statusCode,
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Content-Type': "'application/problem+json'" }),
        ResponseTemplates: { 'application/json': Match.anyValue(), 'application/problem+json': Match.anyValue() },
      });
      const responses = synthesized.template.findResources('AWS::ApiGateway::GatewayResponse', {
        Properties: { ResponseType: responseType },
      });
      const body = String(Object.values(responses)[0]?.Properties.ResponseTemplates['application/json']);
      // Templates whose detail is a mapping expression are valid JSON once API Gateway fills it in.
      const filled = body.replace(/\$context\.error\.messageString/g, '"message"').replace(/\$[a-zA-Z.()]+/g, 'x');
      expect(JSON.parse(filled)).toEqual(
        expect.objectContaining({ type: `${PROBLEM_TYPE_BASE}${slug}`, status: Number(statusCode) }),
      );
    });

    it('tells throttled callers when to retry', () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'THROTTLED',
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
      });
    });

    it('lets only this API invoke the functions', () => {
      synthesized.template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { Ref: aliasId('points') },
        SourceArn: Match.objectLike({
          'Fn::Join': Match.arrayWith([
            Match.arrayWith([{ Ref: logicalIdOf(synthesized.stack, synthesized.stack.api.api) }]),
          ]),
        }),
      });
    });
  });

  describe('scheduled jobs', () => {
    it('computes a metrics snapshot every hour', () => {
      synthesized.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { Ref: aliasId('metrics-job') } })],
      });
    });

    it('runs points expiry and the lots once a day, through the one time function', () => {
      synthesized.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(15 3 * * ? *)',
        Targets: [
          Match.objectLike({
            Arn: { Ref: aliasId('time-job') },
            Input: JSON.stringify({ source: 'schedule', job: 'expiry' }),
          }),
        ],
      });
    });

    it('runs the scheduled time rules every hour (changes by time, anniversary: at most an hour late)', () => {
      synthesized.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 hour)',
        Targets: [
          Match.objectLike({
            Arn: { Ref: aliasId('time-job') },
            Input: JSON.stringify({ source: 'schedule', job: 'time-changes' }),
          }),
        ],
      });
    });

    it('lets the admin function start the two job functions asynchronously, and invoke nothing else', () => {
      const admin = statementsOfFunction(synthesized.template, synthesized.stack, synthesized.stack.functions.admin);
      const invoking = admin.filter((statement) => JSON.stringify(statement.Action).includes('lambda:'));
      expect(invoking).toHaveLength(2);
      for (const statement of invoking) expect(statement.Action).toBe('lambda:InvokeFunction');
      expect(invoking.map((statement) => statement.Resource)).toEqual(
        expect.arrayContaining((['metrics-job', 'time-job'] as const).map((entry) => ({ Ref: aliasId(entry) }))),
      );
      const variables = synthesized.template.toJSON().Resources[functionId('admin')].Properties.Environment
        .Variables as Record<string, unknown>;
      expect(variables).toMatchObject({
        JOB_FUNCTION_METRICS: { Ref: aliasId('metrics-job') },
        JOB_FUNCTION_TIME: { Ref: aliasId('time-job') },
      });
      // No other function may invoke a job.
      for (const entry of allEntries.filter((name) => name !== 'admin')) {
        const statements = statementsOfFunction(
          synthesized.template,
          synthesized.stack,
          synthesized.stack.functions[entry],
        );
        expect(JSON.stringify(statements), entry).not.toContain('lambda:InvokeFunction');
      }
    });
  });

  describe('the test clock', () => {
    it('is never part of the stack: no route, no setting, no variable', () => {
      const template = JSON.stringify(synthesized.template.toJSON());
      expect(template).not.toMatch(/test-clock|TEST_CLOCK|TestClock/i);
      expect(Object.values(routes).map((route) => route.path)).not.toContain('/v1/admin/test-clock');
    });
  });

  describe('job failures', () => {
    it.each(['metrics-job', 'time-job'] as const)(
      'retries a failed %s run twice, then keeps its event in an encrypted dead-letter queue for 14 days',
      (entry) => {
        const queue = logicalIdOf(synthesized.stack, synthesized.stack.jobDeadLetters[entry]);
        synthesized.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: functionId(entry) },
          Qualifier: Match.anyValue(),
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
        });
        synthesized.template.hasResourceProperties('AWS::Events::Rule', {
          Targets: [
            Match.objectLike({
              Arn: { Ref: aliasId(entry) },
              RetryPolicy: { MaximumRetryAttempts: 2 },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
            }),
          ],
        });
        expect(synthesized.template.toJSON().Resources[queue].Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 1_209_600,
        });
      },
    );
  });

  describe('deployment safety', () => {
    it('is protected from termination', () => {
      expect(synthesized.stack.terminationProtection).toBe(true);
    });

    it.each(allEntries)('%s is invoked through its live alias on the current version', (entry) => {
      synthesized.template.hasResourceProperties('AWS::Lambda::Alias', {
        Name: 'live',
        FunctionName: { Ref: functionId(entry) },
        FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('CurrentVersion'), 'Version'] },
      });
    });

    it('reserves no concurrency unless the settings say so', () => {
      for (const entry of allEntries)
        expect(
          synthesized.template.toJSON().Resources[functionId(entry)].Properties.ReservedConcurrentExecutions,
        ).toBeUndefined();
      synthesized.template.resourcePropertiesCountIs(
        'AWS::Lambda::Alias',
        { ProvisionedConcurrencyConfig: Match.anyValue() },
        0,
      );
    });
  });

  describe('alarms and dashboard', () => {
    const topicRef = () => ({ Ref: logicalIdOf(synthesized.stack, synthesized.stack.monitoring.topic) });

    it('sends alarms to an encrypted topic that refuses plain HTTP', () => {
      synthesized.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      synthesized.template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            }),
          ]),
        },
      });
    });

    it('alarms on the share of 5xx answers (once 50 requests came in) and on p99 latency of the API', () => {
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: 0.01,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        AlarmActions: [topicRef()],
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'IF(requests >= 50, errors / requests, 0)', ReturnData: true }),
          Match.objectLike({
            Id: 'errors',
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError' }),
              Stat: 'Sum',
            }),
            ReturnData: false,
          }),
          Match.objectLike({
            Id: 'requests',
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' }),
              Stat: 'Sum',
            }),
            ReturnData: false,
          }),
        ]),
      });
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Latency',
        ExtendedStatistic: 'p99',
        Threshold: 2000,
        AlarmActions: [topicRef()],
      });
    });

    it.each(allEntries.filter((entry) => entry !== 'authorizer'))('alarms when the %s function fails', (entry) => {
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(entry) } }],
        AlarmActions: [topicRef()],
      });
    });

    it('alarms on table throttles and system errors', () => {
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({
            MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ReadThrottleEvents' }) }),
          }),
        ]),
        AlarmActions: [topicRef()],
      });
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({
            MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'SystemErrors' }) }),
          }),
        ]),
        AlarmActions: [topicRef()],
      });
    });

    it('alarms when no metrics snapshot was computed for three hours, missing data included', () => {
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'RewardsApi',
        MetricName: 'SnapshotsComputed',
        Dimensions: [{ Name: 'service', Value: 'rewards-api' }],
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        Period: 3600,
        EvaluationPeriods: 3,
        TreatMissingData: 'breaching',
        AlarmActions: [topicRef()],
      });
    });

    it('does not page on refused keys: no Errors alarm on the authorizer, an alarm on its real failures instead', () => {
      const alarms = synthesized.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: {
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('authorizer') } }],
        },
      });
      expect(alarms).toEqual({});
      synthesized.template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: Match.stringLikeRegexp('AccessLogs') },
        FilterPattern: '{ ($.errorType = "AUTHORIZER_FAILURE") || ($.errorType = "AUTHORIZER_CONFIGURATION_ERROR") }',
        MetricTransformations: [
          Match.objectLike({ MetricNamespace: 'RewardsApi', MetricName: 'AuthorizerFailures', MetricValue: '1' }),
        ],
      });
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'RewardsApi',
        MetricName: 'AuthorizerFailures',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topicRef()],
      });
    });

    it('alarms on the volume of adjustments, counted from the access logs', () => {
      synthesized.template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: Match.stringLikeRegexp('AccessLogs') },
        FilterPattern:
          '{ ($.httpMethod = "POST") && ($.resourcePath = "/v1/members/{memberId}/adjustments") && ($.status = "201") }',
        MetricTransformations: [
          Match.objectLike({ MetricNamespace: 'RewardsApi', MetricName: 'AdjustmentsMade', MetricValue: '1' }),
        ],
      });
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'RewardsApi',
        MetricName: 'AdjustmentsMade',
        Statistic: 'Sum',
        Period: 3600,
        Threshold: 200,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topicRef()],
      });
    });

    it('gives the points function the daily adjustment budget of the region', () => {
      const resources = synthesized.template.findResources('AWS::Lambda::Function');
      const points = resources[functionId('points')] as { Properties: { Environment: { Variables: object } } };
      expect(points.Properties.Environment.Variables).toMatchObject({ ADJUSTMENT_DAILY_POINTS_CAP: '1000000' });
    });

    it.each(allEntries)('alarms when Lambda throttles the %s function', (entry) => {
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Statistic: 'Sum',
        Threshold: 1,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(entry) } }],
        AlarmActions: [topicRef()],
      });
    });

    it.each(['metrics-job', 'time-job'] as EntryName[])(
      'alarms when a %s run takes 80 % of its 300 s timeout, and when its events reach the dead-letter queue',
      (entry) => {
        synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Duration',
          Statistic: 'Maximum',
          Threshold: 240_000,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(entry) } }],
          AlarmActions: [topicRef()],
        });
        const queue = logicalIdOf(
          synthesized.stack,
          synthesized.stack.jobDeadLetters[entry as 'metrics-job' | 'time-job'],
        );
        synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 1,
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          AlarmActions: [topicRef()],
        });
      },
    );

    it('alarms when the time job stopped early with members left (it stops 20 s before its timeout)', () => {
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Duration',
        Statistic: 'Maximum',
        Threshold: 280_000,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('time-job') } }],
        AlarmActions: [topicRef()],
      });
    });

    it('shows the API, the table and every loyalty measure on the dashboard', () => {
      const dashboards = synthesized.template.findResources('AWS::CloudWatch::Dashboard');
      const body = JSON.stringify(Object.values(dashboards)[0]?.Properties.DashboardBody);
      for (const name of [
        '5XXError',
        'Latency',
        'ConsumedReadCapacityUnits',
        'ClvMinorUnits',
        'RepeatCustomerRate',
        'RetentionRate',
        'Nps',
        'RedemptionRate',
        'AverageSpendPerMemberMinorUnits',
        'PointsOutstanding',
        'CashbackOutstandingMinorUnits',
        'MembersTotal',
        'MembersActive',
        'SnapshotsComputed',
      ]) {
        expect(body, name).toContain(`\\"${name}\\"`);
      }
    });
  });

  it('outputs the API URL and the table name', () => {
    synthesized.template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
    synthesized.template.hasOutput('TableName', { Value: { Ref: tableId() } });
  });
});

/** The values in their order, each distinct one (by its JSON) once. */
function uniqueByJson<T>(values: T[]): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
