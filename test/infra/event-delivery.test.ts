import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, logicalIdOf, statementsOfFunction, synthesizeRegion, type SynthesizedStack } from './support';

let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthesizeRegion('eu-west-1');
});

const idOf = (construct: { node: { defaultChild?: unknown } }) => logicalIdOf(synthesized.stack, construct);
const resources = () => synthesized.template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;

describe('event delivery infrastructure', () => {
  it('streams new images of the table, and the fan-out reads only new event items', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'GSI3', Projection: { ProjectionType: 'ALL' } }),
      ]),
    });
    const mapping = Object.values(resources()).find(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(r.Properties.FunctionName).includes(idOf(synthesized.stack.events.fanOut)),
    );
    expect(mapping?.Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(synthesized.stack.events.deadLetterQueue), 'Arn'] } },
      },
    });
    const [filter] = mapping?.Properties.FilterCriteria.Filters as { Pattern: string }[];
    expect(JSON.parse(filter!.Pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { entity: { S: ['event'] } } },
    });
  });

  it('queues deliveries in SQS (TLS only, encrypted) with a dead-letter queue, consumed with partial batch failures', () => {
    const queue = resources()[idOf(synthesized.stack.events.queue)]!;
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 4 * 86_400,
      VisibilityTimeout: 180,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [idOf(synthesized.stack.events.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 25,
      },
    });
    expect(resources()[idOf(synthesized.stack.events.deadLetterQueue)]!.Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 86_400,
    });
    const policies = Object.values(resources()).filter((r) => r.Type === 'AWS::SQS::QueuePolicy');
    expect(JSON.stringify(policies)).toContain('aws:SecureTransport');
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [idOf(synthesized.stack.events.queue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('gives the delivery function 30 s for a batch of attempts of 10 s each', () => {
    const fn = resources()[idOf(synthesized.stack.events.delivery)]!;
    expect(fn.Properties.Timeout).toBe(30);
    expect(fn.Properties.Environment.Variables.DEAD_LETTER_QUEUE_URL).toEqual({
      Ref: idOf(synthesized.stack.events.deadLetterQueue),
    });
  });

  it('has an event bus the fan-out may put events on, and nothing else may', () => {
    synthesized.template.resourceCountIs('AWS::Events::EventBus', 1);
    const busArn = { 'Fn::GetAtt': [idOf(synthesized.stack.events.bus), 'Arn'] };
    const fanOut = statementsOfFunction(synthesized.template, synthesized.stack, synthesized.stack.events.fanOut);
    expect(fanOut).toContainEqual({ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn });
    for (const fn of [synthesized.stack.events.delivery, synthesized.stack.functions.events])
      expect(actionsOf(statementsOfFunction(synthesized.template, synthesized.stack, fn))).not.toContain(
        'events:PutEvents',
      );
  });

  it('grants each function only its queue actions', () => {
    const sqsActions = (fn: Parameters<typeof statementsOfFunction>[2]) =>
      statementsOfFunction(synthesized.template, synthesized.stack, fn)
        .filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')))
        .map((s) => ({ actions: actionsOf([s]).sort(), resource: JSON.stringify(s.Resource) }));
    const queueArn = JSON.stringify({ 'Fn::GetAtt': [idOf(synthesized.stack.events.queue), 'Arn'] });
    const dlqArn = JSON.stringify({ 'Fn::GetAtt': [idOf(synthesized.stack.events.deadLetterQueue), 'Arn'] });
    const send = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
    expect(sqsActions(synthesized.stack.events.fanOut)).toEqual(
      expect.arrayContaining([
        { actions: send, resource: queueArn },
        { actions: send, resource: dlqArn },
      ]),
    );
    expect(sqsActions(synthesized.stack.functions.events)).toEqual([{ actions: send, resource: queueArn }]);
    const delivery = sqsActions(synthesized.stack.events.delivery);
    expect(delivery).toContainEqual({ actions: send, resource: dlqArn });
    expect(delivery.find((s) => s.resource === queueArn)?.actions).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']),
    );
    expect(delivery.find((s) => s.resource === queueArn)?.actions).not.toContain('sqs:SendMessage');
  });

  it('lets the events API function query only the feed index', () => {
    const statements = statementsOfFunction(
      synthesized.template,
      synthesized.stack,
      synthesized.stack.functions.events,
    );
    const onIndexes = statements.filter((s) => JSON.stringify(s.Resource).includes('/index/'));
    expect(JSON.stringify(onIndexes)).toContain('/index/GSI3');
    expect(JSON.stringify(onIndexes)).not.toMatch(/GSI1|GSI2/);
  });

  it('alarms on the dead-letter queue depth and on the age of the oldest delivery, to the alarm topic', () => {
    const topic = { Ref: idOf(synthesized.stack.monitoring.topic) };
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(synthesized.stack.events.deadLetterQueue), 'QueueName'] } },
      ],
      Threshold: 1,
      AlarmActions: [topic],
    });
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(synthesized.stack.events.queue), 'QueueName'] } }],
      Threshold: 3600,
      AlarmActions: [topic],
    });
  });
});
