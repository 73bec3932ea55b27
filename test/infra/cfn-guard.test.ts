import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@infra/app';
import { acceptedGuardFindings, guardValidator } from '@infra/checks/cfn-guard';

/** The template of a region checked by cfn-guard's Control Tower rules (the binary ships with the npm package). */
const directories: string[] = [];
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

function synthesize(region: string, withPlugin: boolean): { templatePath: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'rewards-guard-'));
  directories.push(outdir);
  const { app, stack } = buildApp(
    new App({
      outdir,
      context: { region, 'aws:cdk:bundling-stacks': [] },
      ...(withPlugin ? { policyValidationBeta1: [guardValidator()] } : {}),
    }),
  );
  app.synth();
  return { templatePath: join(outdir, `${stack.stackName}.template.json`) };
}

describe('cfn-guard on the stack of us-east-1 (customer-managed table key, every resource kind)', () => {
  let findings: Map<string, string[]>;
  beforeAll(() => {
    const { templatePath } = synthesize('us-east-1', false);
    const report = guardValidator().validate({ templatePaths: [templatePath] } as Parameters<
      CfnGuardValidator['validate']
    >[0]);
    findings = new Map();
    for (const violation of report.violations)
      findings.set(violation.ruleName, [
        ...(findings.get(violation.ruleName) ?? []),
        ...violation.violatingResources.map((resource) => resource.resourceLogicalId),
      ]);
  }, 300_000);

  it('finds exactly the accepted rules: a new finding fails, an acceptance that no longer applies fails', () => {
    expect([...findings.keys()].sort()).toEqual(Object.keys(acceptedGuardFindings).sort());
  });

  it('gives a reason for every accepted finding', () => {
    for (const [rule, reason] of Object.entries(acceptedGuardFindings)) expect(reason.length, rule).toBeGreaterThan(80);
  });

  it('finds what the reasons say: log groups, keys, API Gateway permissions, functions, the dead-letter queues and the import bucket', () => {
    const only = (rule: string, pattern: RegExp) =>
      expect(
        (findings.get(rule) ?? []).filter((id) => id && !pattern.test(id)),
        rule,
      ).toEqual([]);
    only('cloudwatch_log_group_retention_period_check', /Logs/);
    only('cloudwatch_log_group_encrypted_check', /Logs/);
    only('kms_create_grant_aws_service_check', /Key/);
    only('lambda_function_public_access_prohibited_check', /Permission/);
    only('lambda_inside_vpc_check', /Function/);
    only('sqs_dlq_check', /DeadLetters/);
    only('s3_bucket_versioning_enabled_check', /^BulkImportFiles/);
    only('s3_bucket_logging_enabled_check', /^BulkImportFiles/);
    only('s3_bucket_object_lock_enabled_check', /^BulkImportFiles/);
  });

  it('passes the synth as a policy-validation plugin, the accepted findings acknowledged on their resources', () => {
    expect(() => synthesize('us-east-1', true)).not.toThrow();
  }, 300_000);

  it('fails the synth on a finding nobody accepted (the plugin is live)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'rewards-guard-'));
    directories.push(outdir);
    const { app, stack } = buildApp(
      new App({
        outdir,
        context: { region: 'us-east-1', 'aws:cdk:bundling-stacks': [] },
        policyValidationBeta1: [guardValidator()],
      }),
    );
    // An unencrypted bucket breaks a Control Tower rule no acknowledgement covers.
    new CfnBucket(stack, 'PlainBucket');
    expect(() => app.synth()).toThrow(/CT\.S3\.PR/);
  }, 300_000);
});
