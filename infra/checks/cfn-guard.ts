import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnResource, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cfn-guard (AWS Control Tower proactive controls, shipped with @cdklabs/cdk-validator-cfnguard)
 * as a CDK policy-validation plugin. Every rule the stack knowingly does not meet is listed here
 * with the reason; test/infra/cfn-guard.test.ts proves the list is exactly what the rules find, so
 * a new finding fails the test and an acceptance that no longer applies must be removed. Each is
 * acknowledged only on the resources of the kind it is about (acknowledgeGuardFindings).
 */
export const acceptedGuardFindings: Record<string, string> = {
  cloudwatch_log_group_retention_period_check:
    'Log retention is a per-region setting (logRetentionDays, 90 days by default): logs carry partner and member ids, ' +
    'and keeping them a year would outlast what operations need (data minimisation); the ledger itself is the record.',
  cloudwatch_log_group_encrypted_check:
    'CloudWatch Logs encrypts every log group at rest with its own keys; the logs hold no bodies and no personal data ' +
    '(masked in the functions, no source IP in access logs), so a customer-managed key would add cost and a key policy to run.',
  kms_create_grant_aws_service_check:
    "The table and alarm-topic keys use CDK's default key policy (the account administers them through IAM); no " +
    'principal is given kms:CreateGrant, and the roles of this stack hold only Decrypt/DescribeKey/Encrypt/GenerateDataKey.',
  lambda_function_public_access_prohibited_check:
    'The only permissions are for apigateway.amazonaws.com, each limited by SourceArn to this API (or its authorizer); ' +
    'the rule wants aws:SourceAccount as well, which LambdaIntegration does not add. Nothing is invokable publicly.',
  lambda_inside_vpc_check:
    'The functions reach only DynamoDB, X-Ray and CloudWatch over AWS endpoints with IAM; a VPC would add NAT gateways or ' +
    'endpoints, cost and cold-start latency and protect nothing the IAM policies (down to the partition key) do not.',
  s3_bucket_versioning_enabled_check:
    'The import bucket holds working copies (uploaded NDJSON files and chunk manifests) deleted after 7 days; the members ' +
    'they carry are in the table (point-in-time recovery). Versions would keep deleted files, and their personal data, longer.',
  s3_bucket_logging_enabled_check:
    'Import files are written only through the admin import route (presigned URLs, logged in the API access logs and ' +
    'CloudTrail); server access logs of files that live at most 7 days would need a log bucket that outlives them.',
  s3_bucket_object_lock_enabled_check:
    'Object Lock would forbid deleting the import files, whose 7-day expiry is the point (data minimisation of migration ' +
    'files holding personal data); nothing in the bucket is a record to keep.',
  sqs_dlq_check:
    'The only queues ARE dead-letter queues (the scheduled jobs’ on-failure destinations); a dead-letter queue of a ' +
    'dead-letter queue would only move the alarmed messages further away.',
};

/** The one resource type each accepted rule is acknowledged on. */
export const acceptedOn: Record<keyof typeof acceptedGuardFindings, string> = {
  cloudwatch_log_group_retention_period_check: 'AWS::Logs::LogGroup',
  cloudwatch_log_group_encrypted_check: 'AWS::Logs::LogGroup',
  kms_create_grant_aws_service_check: 'AWS::KMS::Key',
  lambda_function_public_access_prohibited_check: 'AWS::Lambda::Permission',
  lambda_inside_vpc_check: 'AWS::Lambda::Function',
  s3_bucket_versioning_enabled_check: 'AWS::S3::Bucket',
  s3_bucket_logging_enabled_check: 'AWS::S3::Bucket',
  s3_bucket_object_lock_enabled_check: 'AWS::S3::Bucket',
  sqs_dlq_check: 'AWS::SQS::Queue',
};

export const GUARD_ACKNOWLEDGEMENT_PREFIX = 'cdk-validator-cfnguard::';

/** Acknowledges each accepted rule, with its reason, on every resource of its kind under `scope`. */
export function acknowledgeGuardFindings(scope: IConstruct): void {
  for (const construct of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) continue;
    for (const [rule, resourceType] of Object.entries(acceptedOn))
      if (construct.cfnResourceType === resourceType)
        Validations.of(construct).acknowledge({
          id: `${GUARD_ACKNOWLEDGEMENT_PREFIX}${rule}`,
          reason: acceptedGuardFindings[rule] ?? '',
        });
  }
}

/** The cfn-guard plugin (Control Tower rules); findings are accepted by acknowledgement, not by disabling rules. */
export function guardValidator(): CfnGuardValidator {
  // The stack's template is large; cfn-guard's report of it outgrows Node's default 1 MB buffer.
  return new CfnGuardValidator({ maxBuffer: 64 * 1024 * 1024 });
}
