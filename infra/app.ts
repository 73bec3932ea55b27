import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  defaultSettingsFor,
  regionSettings,
  settingsForRegion,
  settingsFromJson,
  UnknownRegionError,
  type RegionSettings,
} from './config/regions';
import { acknowledgeGuardFindings } from './checks/cfn-guard';
import { nagReport } from './constructs/nag-report';
import { RewardsApiStack, stackNameFor } from './stack';

const contextString = (app: App, name: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * The settings of the region to deploy, from the context: `-c settings=<file.json>` wins; else the
 * region's entry in infra/config/regions.ts; else `-c currency=<ISO code>` with the defaults (and
 * `-c apiGatewayLoggingRole=stack|account|none`). Every path goes through the same zod schema.
 */
export function settingsFromContext(app: App, region: string): RegionSettings {
  const file = contextString(app, 'settings');
  if (file) {
    const path = resolve(file);
    return settingsFromJson(region, readFileSync(path, 'utf8'), `${path} (region ${region})`);
  }
  const currency = contextString(app, 'currency');
  const loggingRole = contextString(app, 'apiGatewayLoggingRole');
  if (region in regionSettings) {
    if (currency && currency !== regionSettings[region]?.currency)
      throw new Error(
        `Region ${region} is configured in infra/config/regions.ts with ${regionSettings[region]?.currency}; ` +
          `change it there or pass -c settings=<file.json>.`,
      );
    return settingsForRegion(region);
  }
  if (!currency) throw new UnknownRegionError(region);
  return defaultSettingsFor(
    region,
    currency,
    loggingRole ? { apiGatewayLoggingRole: loggingRole as RegionSettings['apiGatewayLoggingRole'] } : {},
  );
}

/**
 * The CDK app entry: the only place that reads context and environment. `-c region=<name>`
 * picks the region, settingsFromContext its settings; the account comes from the CLI's credentials
 * when there are any (CDK_DEFAULT_ACCOUNT) and stays unresolved otherwise, so synth works offline.
 */
export function buildApp(app: App = new App()): { app: App; stack: RewardsApiStack } {
  const region = contextString(app, 'region');
  if (!region) throw new UnknownRegionError(undefined);
  const settings = settingsFromContext(app, region);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const stack = new RewardsApiStack(app, stackNameFor(region), {
    env: { region: region, ...(account ? { account } : {}) },
    settings,
  });
  // The cfn-guard findings this stack accepts, each with its reason (infra/checks/cfn-guard.ts).
  acknowledgeGuardFindings(stack);
  // Not on the dashboard: CloudFormation's AWS::CloudWatch::Dashboard has no Tags property (cfn-lint E3002).
  const untaggable = { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] };
  Tags.of(stack).add('service', 'rewards-api', untaggable);
  Tags.of(stack).add('region-of-record', region, untaggable);
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
