import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { settingsForRegion, UnknownRegionError } from './config/regions';
import { nagReport } from './constructs/nag-report';
import { RewardsApiStack, stackNameFor } from './stack';

/**
 * The CDK app entry: the only place that reads context and environment. `-c region=<name>`
 * picks the region and its settings; the account comes from the CLI's credentials when
 * there are any (CDK_DEFAULT_ACCOUNT) and stays unresolved otherwise, so synth works offline.
 */
export function buildApp(app: App = new App()): { app: App; stack: RewardsApiStack } {
  const region: unknown = app.node.tryGetContext('region');
  if (typeof region !== 'string' || region === '') throw new UnknownRegionError(undefined);
  const settings = settingsForRegion(region);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const stack = new RewardsApiStack(app, stackNameFor(region), {
    env: { region: region, ...(account ? { account } : {}) },
    settings,
  });
  Tags.of(stack).add('service', 'rewards-api');
  Tags.of(stack).add('region-of-record', region);
  // cdk-nag's AwsSolutions pack runs at synth; any unacknowledged error fails it, and the
  // findings (with the reasons of every acknowledgement) are written to cdk.out/.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  return { app, stack };
}

// Synthesizes when run by the CDK CLI (cdk.json: tsx infra/app.ts), not when a test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { app, stack } = buildApp();
  const assembly = app.synth();
  writeFileSync(
    join(assembly.directory, `AwsSolutions-${stack.stackName}-NagReport.json`),
    `${JSON.stringify(nagReport(stack), null, 2)}\n`,
  );
}
