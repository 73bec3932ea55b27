import { z } from 'zod';
import { CurrencyCode } from '@shared/schemas/common';
import { ProgramRules } from '@shared/schemas/program';
import { defaultProgram } from './default-program';

/**
 * Per-region deployment settings. Every region is an independent stack with its own table:
 * a member lives in the region that enrolled them, so nothing here is shared between regions.
 * To add a region, add an entry to `regionSettings` below and deploy with `-c region=<name>`.
 */

/** The retention periods CloudWatch Logs accepts (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const MAX_PROGRAM_JSON_LENGTH = 3_000;

/** An EventBridge schedule expression: rate(…) or cron(…) with six fields. */
const ScheduleExpression = z
  .string()
  .regex(
    /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/,
    'must be an EventBridge rate(…) or cron(…) expression',
  );

export const RegionSettings = z
  .strictObject({
    currency: CurrencyCode,
    /** The program a fresh table starts with (the functions get it as DEFAULT_PROGRAM). */
    program: ProgramRules,
    /** When the metrics job computes a snapshot; hourly unless a region says otherwise. */
    metricsSchedule: ScheduleExpression.default('rate(1 hour)'),
    /** No activity predates the region's launch: the metrics job's first run reads from here (METRICS_EPOCH). */
    launchDate: z.iso.date().default('2026-11-01'),
    /** When points expire; once a day, at night UTC. */
    expirySchedule: ScheduleExpression.default('cron(15 3 * * ? *)'),
    /** Alarms are always sent to the region's SNS topic; with an address, also by e-mail. */
    alarmEmail: z.email().optional(),
    /** Stage-wide API Gateway throttling: steady requests per second and burst. */
    throttling: z
      .strictObject({ rateLimit: z.number().positive().max(10_000), burstLimit: z.int().positive().max(5_000) })
      .default({ rateLimit: 100, burstLimit: 200 }),
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(90),
    /** How long API Gateway keeps an authorizer answer per key: a deleted key works at most this long. */
    authorizerCacheSeconds: z.int().min(0).max(3600).default(60),
    /** aws-managed: DynamoDB's own key; customer-managed: a KMS key of this stack, rotated yearly. */
    tableEncryption: z.enum(['aws-managed', 'customer-managed']).default('aws-managed'),
    /** Bulk import: worker Lambdas at once per map, and the share of bad lines that stops an import. */
    bulkImport: z
      .strictObject({
        maxConcurrency: z.int().min(1).max(1000).default(10),
        maxBadShare: z.number().min(0).max(1).default(0.1),
      })
      .default({ maxConcurrency: 10, maxBadShare: 0.1 }),
    alarms: z
      .strictObject({
        /** Share of API requests answered 5xx (0..1). */
        api5xxRate: z.number().positive().max(1).default(0.01),
        apiP99LatencyMs: z.int().positive().max(29_000).default(2_000),
        /** Hours without a snapshot before the staleness alarm; more than the metrics schedule's interval. */
        metricsStaleAfterHours: z.int().min(1).max(168).default(3),
      })
      .default({ api5xxRate: 0.01, apiP99LatencyMs: 2_000, metricsStaleAfterHours: 3 }),
  })
  .superRefine((settings, ctx) => {
    if (settings.program.currency !== settings.currency) {
      ctx.addIssue({
        code: 'custom',
        path: ['program', 'currency'],
        message: `must be the region's currency ${settings.currency}`,
      });
    }
    // Lambda allows 4 KB of environment variables in total; the program travels as one of them.
    if (JSON.stringify(settings.program).length > MAX_PROGRAM_JSON_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['program'],
        message: `is over ${MAX_PROGRAM_JSON_LENGTH} characters as JSON; save long programs with PUT /v1/admin/program instead`,
      });
    }
  });

export type RegionSettings = z.infer<typeof RegionSettings>;
export type RegionSettingsInput = z.input<typeof RegionSettings>;

/** The default program with its money fields in another currency (same minor-unit amounts). */
export function programInCurrency(program: ProgramRules, currency: string): ProgramRules {
  const spendThreshold = program.bonuses.spendThreshold;
  return {
    ...program,
    currency,
    tiers: program.tiers.map((tier) => ({ ...tier, minQualifyingSpend: { ...tier.minQualifyingSpend, currency } })),
    bonuses: {
      ...program.bonuses,
      ...(spendThreshold
        ? { spendThreshold: { ...spendThreshold, amount: { ...spendThreshold.amount, currency } } }
        : {}),
    },
  };
}

/** The regions this project deploys to. Settings not given here take the defaults above. */
export const regionSettings: Record<string, RegionSettingsInput> = {
  'eu-west-1': {
    currency: 'EUR',
    program: defaultProgram,
    throttling: { rateLimit: 200, burstLimit: 400 },
  },
  'eu-central-1': {
    currency: 'EUR',
    program: defaultProgram,
  },
  'us-east-1': {
    currency: 'USD',
    program: programInCurrency(defaultProgram, 'USD'),
    throttling: { rateLimit: 100, burstLimit: 150 },
    logRetentionDays: 30,
    tableEncryption: 'customer-managed',
  },
};

export class UnknownRegionError extends Error {
  constructor(region: string | undefined) {
    const known = Object.keys(regionSettings).join(', ');
    super(
      region
        ? `No settings for region "${region}" in infra/config/regions.ts (known: ${known}).`
        : `Pass the region to deploy: -c region=<one of ${known}>.`,
    );
    this.name = 'UnknownRegionError';
  }
}

/** The validated settings of one region; a typo in the config fails the synth with the field's path. */
export function settingsForRegion(
  region: string | undefined,
  overrides: Partial<RegionSettingsInput> = {},
): RegionSettings {
  const input = region ? regionSettings[region] : undefined;
  if (!region || !input) throw new UnknownRegionError(region);
  const result = RegionSettings.safeParse({ ...input, ...overrides });
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid settings for region ${region}: ${problems}`);
  }
  return result.data;
}
