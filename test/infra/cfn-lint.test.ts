import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '@infra/app';

/**
 * cfn-lint (a Python tool: it cannot be installed from npm) on every synthesized template when it is
 * on the PATH; otherwise each test says it skipped and why.
 */
const available = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
const SKIPPED = 'SKIPPED: cfn-lint is not on the PATH (pip install cfn-lint to run this check)';

const directory = mkdtempSync(join(tmpdir(), 'rewards-lint-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface LintFinding {
  Rule: { Id: string };
  Level: string;
  Message: string;
  Location: { Path: (string | number)[] };
}

const settings = {
  currency: 'EUR',
  apiGatewayLoggingRole: 'account',
  waf: true,
  customDomain: {
    domainName: 'rewards.example.com',
    certificateArn: 'arn:aws:acm:eu-north-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
  },
  functions: { points: { reservedConcurrency: 20, provisionedConcurrency: 2 } },
};

function lint(region: string, context: Record<string, string> = {}): LintFinding[] {
  const outdir = mkdtempSync(join(directory, `${region}-`));
  const { app, stack } = buildApp(new App({ outdir, context: { region, 'aws:cdk:bundling-stacks': [], ...context } }));
  app.synth();
  const run = spawnSync(
    'cfn-lint',
    ['--format', 'json', '--template', join(outdir, `${stack.stackName}.template.json`), '--regions', region],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.error) throw run.error;
  // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 info); 1 means cfn-lint itself failed.
  if (run.status === 1 || (run.status !== 0 && !run.stdout.trim()))
    throw new Error(`cfn-lint failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout || '[]') as LintFinding[];
}

const errorsOf = (findings: LintFinding[]) =>
  findings
    .filter((finding) => finding.Level === 'Error')
    .map((finding) => `${finding.Rule.Id} ${finding.Location.Path.join('/')}: ${finding.Message}`);

describe('cfn-lint', () => {
  it.for(['eu-west-1', 'us-east-1'])(
    'finds no error in the template of %s',
    { timeout: 300_000 },
    (region, context) => {
      if (!available) {
        console.warn(SKIPPED);
        context.skip(SKIPPED);
      }
      expect(errorsOf(lint(region))).toEqual([]);
    },
  );

  it('finds no error with every option on (WAF, custom domain, concurrency, account logging role)', (context) => {
    if (!available) {
      console.warn(SKIPPED);
      context.skip(SKIPPED);
    }
    const file = join(directory, 'all-options.json');
    writeFileSync(file, JSON.stringify(settings));
    expect(errorsOf(lint('eu-north-1', { settings: file }))).toEqual([]);
  }, 300_000);
});
