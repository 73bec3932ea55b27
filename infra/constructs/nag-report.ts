import { Validations, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface NagFinding {
  ruleId: string;
  severity: string;
  description: string;
  constructPaths: string[];
}

export interface NagAcknowledgement {
  ruleId: string;
  constructPath: string;
  reason: string;
}

export interface NagReport {
  pack: 'AwsSolutions';
  stack: string;
  /** Findings nobody acknowledged; errors among them fail the synth. */
  findings: NagFinding[];
  /** Every acknowledged rule with the reason given for it in code. */
  acknowledgements: NagAcknowledgement[];
}

function acknowledgementsUnder(scope: IConstruct): NagAcknowledgement[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([ruleId, reason]) => ({
        ruleId: ruleId.replace(/^annotation::/i, ''),
        constructPath: construct.node.path,
        reason: String(reason),
      }))
      // Acknowledgements of other checks (cfn-guard) are theirs to report.
      .filter((acknowledgement) => acknowledgement.ruleId.startsWith('AwsSolutions-')),
  );
}

/**
 * The AwsSolutions findings of a stack and the acknowledgements with their reasons. cdk-nag 3
 * runs as a synth-time validation plugin whose own report lists only unacknowledged findings;
 * this report keeps the acknowledged ones visible too (written to cdk.out/ by infra/app.ts).
 */
export function nagReport(stack: Stack): NagReport {
  const { violations } = new AwsSolutionsChecks().validateScope(stack);
  return {
    pack: 'AwsSolutions',
    stack: stack.stackName,
    findings: violations.map((violation) => ({
      ruleId: violation.ruleName,
      severity: violation.severity ?? 'error',
      description: violation.description,
      constructPaths: violation.violatingResources.map(
        (resource) => resource.constructPath ?? resource.resourceLogicalId ?? '',
      ),
    })),
    acknowledgements: acknowledgementsUnder(stack),
  };
}
