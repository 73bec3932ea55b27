import { Match } from 'aws-cdk-lib/assertions';
import type { Method } from 'aws-cdk-lib/aws-apigateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_TYPE_BASE } from '@shared/http/problems';
import { routes, type FunctionName, type RouteDefinition } from '@shared/http/routes';
import type { EntryName } from '@infra/constructs/rewards-function';
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
const allEntries: EntryName[] = [...routeFunctionNames, 'public', 'authorizer', 'metrics-job', 'expiry-job'];
const READ_WRITE = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

describe.each(regions)('the stack of $region', (expected) => {
  let synthesized: SynthesizedStack;
  beforeAll(() => {
    synthesized = synthesizeRegion(expected.region);
  });

  const functionId = (entry: EntryName) => logicalIdOf(synthesized.stack, synthesized.stack.functions[entry]);
  const tableId = () => logicalIdOf(synthesized.stack, synthesized.stack.table.table);
  const lambdaArn = (entry: EntryName) =>
    Match.objectLike({
      'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [functionId(entry), 'Arn'] }])]),
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
    it.each(allEntries)('%s runs Node.js 24 on arm64 with tracing, source maps and the shared environment', (entry) => {
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
              NODE_OPTIONS: '--enable-source-maps',
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

    it('lets the authorizer only read key items (GetItem on the table)', () => {
      const statements = statementsOfFunction(
        synthesized.template,
        synthesized.stack,
        synthesized.stack.functions.authorizer,
      );
      const dynamo = statements.filter((statement) =>
        actionsOf([statement]).some((action) => action.startsWith('dynamodb:')),
      );
      expect(dynamo).toEqual([
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] } },
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
      expect(dynamo).toEqual([
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] } },
      ]);
    });

    it.each(['members', 'points', 'cashback', 'rewards', 'admin'] as EntryName[])(
      'lets %s read and write items of the table but query no index',
      (entry) => {
        const statements = statementsOfFunction(
          synthesized.template,
          synthesized.stack,
          synthesized.stack.functions[entry],
        );
        const onTable = statements.filter(
          (statement) => JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [tableId(), 'Arn'] }),
        );
        expect(actionsOf(onTable).sort()).toEqual([...READ_WRITE].sort());
        expect(JSON.stringify(statements)).not.toContain('/index/');
      },
    );

    it.each([
      ['metrics-job', 'GSI1'],
      ['insights', 'GSI1'],
      ['expiry-job', 'GSI2'],
    ] as [EntryName, string][])('lets %s query only the %s index', (entry, indexName) => {
      const statements = statementsOfFunction(
        synthesized.template,
        synthesized.stack,
        synthesized.stack.functions[entry],
      );
      const onIndexes = statements.filter((statement) => JSON.stringify(statement.Resource).includes('/index/'));
      expect(onIndexes).toEqual([
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId(), 'Arn'] }, `/index/${indexName}`]] },
        },
      ]);
    });

    it(`${expected.customerManagedKey ? 'lets the functions use the table key and nothing more' : 'grants no KMS access while the table uses the AWS-managed key'}`, () => {
      const kmsActions = actionsOf(
        statementsOfFunction(synthesized.template, synthesized.stack, synthesized.stack.functions.points),
      ).filter((action) => action.startsWith('kms:'));
      expect(kmsActions.sort()).toEqual(
        expected.customerManagedKey ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] : [],
      );
      const authorizerKms = actionsOf(
        statementsOfFunction(synthesized.template, synthesized.stack, synthesized.stack.functions.authorizer),
      ).filter((action) => action.startsWith('kms:'));
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
        expect(JSON.stringify(properties.Integration.Uri)).toContain(functionId('public'));
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
        expect(JSON.stringify(properties.Integration.Uri)).toContain(functionId('public'));
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

    it(`throttles the stage at ${expected.rateLimit} requests per second (burst ${expected.burstLimit}) with tracing, execution and access logs but no bodies`, () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'prod',
        TracingEnabled: true,
        AccessLogSetting: {
          DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
          Format: Match.stringLikeRegexp('"partnerId":"\\$context.authorizer.partnerId"'),
        },
        MethodSettings: [
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingRateLimit: expected.rateLimit,
            ThrottlingBurstLimit: expected.burstLimit,
            LoggingLevel: 'ERROR',
            DataTraceEnabled: false,
          }),
        ],
      });
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
        FunctionName: { 'Fn::GetAtt': [functionId('points'), 'Arn'] },
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
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('metrics-job'), 'Arn'] } })],
      });
    });

    it('runs points expiry once a day', () => {
      synthesized.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'cron(15 3 * * ? *)',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('expiry-job'), 'Arn'] } })],
      });
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

    it('alarms on the share of 5xx answers and on p99 latency of the API', () => {
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
        Statistic: 'Average',
        Threshold: 0.01,
        AlarmActions: [topicRef()],
      });
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Latency',
        ExtendedStatistic: 'p99',
        Threshold: 2000,
        AlarmActions: [topicRef()],
      });
    });

    it.each(allEntries)('alarms when the %s function fails', (entry) => {
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
