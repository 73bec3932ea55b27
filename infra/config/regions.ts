import * as z from 'zod';
import { CurrencyCode } from '@shared/schemas/common';
import { ProgramRules } from '@shared/schemas/program';
import { defaultProgram } from './default-program';
import { entryPoints } from '@shared/http/route-definition';

/**
 * Per-region deployment settings. Every region is an independent stack with its own table:
 * a member lives in the region that enrolled them, so nothing here is shared between regions.
 * A region listed in `regionSettings` below deploys with `-c region=<name>`; any other region with
 * `-c region=<name> -c currency=<ISO code>` (defaults, the default program in that currency) or
 * `-c settings=<file.json>` (the same schema as JSON). All three are validated by `RegionSettings`.
 */

/** The retention periods CloudWatch Logs accepts (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const MAX_PROGRAM_JSON_LENGTH = 3_000;

/** The worst delay between revoking a key and API Gateway refusing it. */
export const MAX_AUTHORIZER_CACHE_SECONDS = 300;

/** An EventBridge schedule expression: rate(…) or cron(…) with six fields. */
const ScheduleExpression = z
  .string()
  .regex(
    /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/,
    'must be an EventBridge rate(…) or cron(…) expression',
  );

const FunctionSettings = z
  .strictObject({
    /** Kept for this function and its cap: protects the rest of the account, and the function from it. */
    reservedConcurrency: z.int().min(1).max(3000).optional(),
    /** Pre-initialised instances of the function's `live` alias (billed while deployed). */
    provisionedConcurrency: z.int().min(1).max(3000).optional(),
  })
  .refine(
    (settings) =>
      settings.provisionedConcurrency === undefined ||
      settings.reservedConcurrency === undefined ||
      settings.provisionedConcurrency <= settings.reservedConcurrency,
    { message: 'provisionedConcurrency must not exceed reservedConcurrency', path: ['provisionedConcurrency'] },
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
    /**
     * When the events of changes by time alone are looked for: each is emitted at most one period
     * late (cashback.available after its hold, tier.changed down as old spend leaves the window).
     */
    timeChangesSchedule: ScheduleExpression.default('rate(1 hour)'),
    /** Alarms are always sent to the region's SNS topic; with an address, also by e-mail. */
    alarmEmail: z.email().optional(),
    /**
     * The region's budget: steady requests per second and burst. It caps each keyed method for all
     * callers together and the default usage plan (admins, seeded keys); it is not divided among
     * methods. Fairness between partners comes from their own usage plans (partnerRateLimit).
     */
    throttling: z
      .strictObject({ rateLimit: z.number().positive().max(10_000), burstLimit: z.int().positive().max(5_000) })
      .default({ rateLimit: 100, burstLimit: 200 }),
    /**
     * A partner's own limit when its creation names none (each partner has its own usage plan); also
     * the cap of each open method (health, OpenAPI, console, 404/405). At most the region's budget.
     */
    partnerRateLimit: z
      .strictObject({ perSecond: z.int().positive().max(10_000), burst: z.int().positive().max(5_000) })
      .default({ perSecond: 50, burst: 100 }),
    /**
     * Points one partner (or admin key) may credit by adjustment per UTC day: a leaked support key
     * or a runaway script mints at most this much (409 adjustment-budget-exceeded past it).
     */
    adjustmentDailyPointsCap: z.int().min(1).max(1_000_000_000).default(1_000_000),
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(90),
    /**
     * Browser origins (scheme://host[:port]) allowed to call the API (CORS): the console's, a
     * partner's web shop. None by default: a server-to-server integration needs no CORS.
     */
    corsOrigins: z
      .array(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be an origin: https://host[:port]'))
      .default([]),
    /**
     * The generations of the KMS key member session tokens are signed with, the signing one first
     * (infra/constructs/member-session-keys.ts says how to rotate). Names of 1-16 letters or digits.
     */
    memberSessionKeys: z
      .array(z.string().regex(/^[A-Za-z0-9]{1,16}$/, 'must be 1-16 letters or digits'))
      .min(1)
      .max(3)
      .refine((names) => new Set(names).size === names.length, 'must not repeat a generation')
      .default(['1']),
    /**
     * How long API Gateway keeps an authorizer answer per key: a deleted or revoked key works at most
     * this long, so it is capped at 5 minutes (API Gateway itself would allow an hour).
     */
    authorizerCacheSeconds: z.int().min(0).max(MAX_AUTHORIZER_CACHE_SECONDS).default(60),
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
        /** Below this many requests in five minutes the 5xx share is not judged (one error in 3 calls is no outage). */
        api5xxMinRequests: z.int().min(1).max(1_000_000).default(50),
        apiP99LatencyMs: z.int().positive().max(29_000).default(2_000),
        /** Hours without a snapshot before the staleness alarm; more than the metrics schedule's interval. */
        metricsStaleAfterHours: z.int().min(1).max(168).default(3),
        /** A job run longer than this share of its timeout raises the duration alarm (0..1). */
        jobDurationShareOfTimeout: z.number().positive().max(1).default(0.8),
        /** Adjustments made in one hour (all partners) that raise the volume alarm: corrections are rare by nature. */
        adjustmentsPerHour: z.int().min(1).max(1_000_000).default(200),
      })
      .default({
        api5xxRate: 0.01,
        api5xxMinRequests: 50,
        apiP99LatencyMs: 2_000,
        metricsStaleAfterHours: 3,
        jobDurationShareOfTimeout: 0.8,
        adjustmentsPerHour: 200,
      }),
    /** Reserved and provisioned concurrency per function; a function not named shares the account's pool. */
    functions: z.partialRecord(z.enum(entryPoints), FunctionSettings).default({}),
    /**
     * A regional web ACL in front of the stage: AWS managed rule groups and two per-IP rate rules.
     * On unless a region turns it off: the only defence against floods of requests without a key.
     */
    waf: z.boolean().default(true),
    /** Requests of any kind per five minutes from one IP before the WAF blocks it (only with waf: true). */
    wafRateLimitPer5Minutes: z.int().min(10).max(2_000_000_000).default(30_000),
    /**
     * Requests without a well-formed API key (health, OpenAPI, console, probes of unknown paths) per
     * five minutes from one IP before the WAF blocks it (only with waf: true).
     */
    wafUnauthenticatedRateLimitPer5Minutes: z.int().min(10).max(2_000_000_000).default(1_000),
    /** Serve the API on this name; the certificate must be an ACM certificate in the same region. */
    customDomain: z
      .strictObject({
        domainName: z.string().regex(/^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/, 'must be a lower-case DNS name'),
        certificateArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, 'must be an ACM certificate ARN'),
      })
      .optional(),
    /**
     * API Gateway writes execution logs with ONE role per account and region. `stack`: this stack
     * creates it and sets it on the account (the last stack to deploy wins); `account`: the role the
     * account already has is used and this stack leaves the setting alone (execution logs fail to
     * write if there is none); `none`: no execution logs, access logs only.
     */
    apiGatewayLoggingRole: z.enum(['stack', 'account', 'none']),
    /** Protects the stack from `cdk destroy` / DeleteStack; turning it off is a deliberate step. */
    terminationProtection: z.boolean().default(true),
  })
  .superRefine((settings, ctx) => {
    if (settings.program.currency !== settings.currency) {
      ctx.addIssue({
        code: 'custom',
        path: ['program', 'currency'],
        message: `must be the region's currency ${settings.currency}`,
      });
    }
    // A partner's default is a share of the region, never more than all of it.
    if (settings.partnerRateLimit.perSecond > settings.throttling.rateLimit)
      ctx.addIssue({
        code: 'custom',
        path: ['partnerRateLimit', 'perSecond'],
        message: `must not exceed the region's throttling.rateLimit (${settings.throttling.rateLimit})`,
      });
    if (settings.partnerRateLimit.burst > settings.throttling.burstLimit)
      ctx.addIssue({
        code: 'custom',
        path: ['partnerRateLimit', 'burst'],
        message: `must not exceed the region's throttling.burstLimit (${settings.throttling.burstLimit})`,
      });
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
    // The first region of the account: it owns the account's API Gateway logging role.
    apiGatewayLoggingRole: 'stack',
  },
  'eu-central-1': {
    currency: 'EUR',
    program: defaultProgram,
    apiGatewayLoggingRole: 'stack',
  },
  'us-east-1': {
    currency: 'USD',
    program: programInCurrency(defaultProgram, 'USD'),
    throttling: { rateLimit: 100, burstLimit: 150 },
    logRetentionDays: 30,
    tableEncryption: 'customer-managed',
    apiGatewayLoggingRole: 'stack',
  },
};

export class UnknownRegionError extends Error {
  constructor(region: string | undefined) {
    const known = Object.keys(regionSettings).join(', ');
    super(
      region
        ? `No settings for region "${region}" in infra/config/regions.ts (known: ${known}). ` +
            `Deploy it with -c currency=<ISO code> (defaults) or -c settings=<file.json>.`
        : `Pass the region to deploy: -c region=<one of ${known}, or any region with -c currency=… or -c settings=…>.`,
    );
    this.name = 'UnknownRegionError';
  }
}

export class InvalidSettingsError extends Error {
  constructor(source: string, problems: string[]) {
    super(`Invalid settings for ${source}: ${problems.join('; ')}`);
    this.name = 'InvalidSettingsError';
  }
}

/** Validates settings from any source; a problem names the field's path (e.g. `alarms.api5xxRate`). */
export function parseRegionSettings(region: string, input: unknown, source = `region ${region}`): RegionSettings {
  const result = RegionSettings.safeParse(input);
  if (!result.success)
    throw new InvalidSettingsError(
      source,
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  const certificateRegion = result.data.customDomain?.certificateArn.split(':')[3];
  if (certificateRegion !== undefined && certificateRegion !== region)
    throw new InvalidSettingsError(source, [
      `customDomain.certificateArn: must be a certificate in ${region} (a regional API takes its certificate from its own region)`,
    ]);
  return result.data;
}

/** The validated settings of one region; a typo in the config fails the synth with the field's path. */
export function settingsForRegion(
  region: string | undefined,
  overrides: Partial<RegionSettingsInput> = {},
): RegionSettings {
  const input = region ? regionSettings[region] : undefined;
  if (!region || !input) throw new UnknownRegionError(region);
  return parseRegionSettings(region, { ...input, ...overrides });
}

/**
 * Settings for a region nobody listed: the defaults with the default program moved to `currency`.
 * The account's API Gateway logging role stays an explicit choice (`stack` unless told otherwise).
 */
export function defaultSettingsFor(
  region: string,
  currency: string,
  overrides: Partial<RegionSettingsInput> = {},
): RegionSettings {
  return parseRegionSettings(
    region,
    { currency, program: programInCurrency(defaultProgram, currency), apiGatewayLoggingRole: 'stack', ...overrides },
    `region ${region} (-c currency=${currency})`,
  );
}

/**
 * Settings from a JSON document (`-c settings=<file.json>`): the same schema; a program left out is
 * the default program in the document's currency.
 */
export function settingsFromJson(region: string, json: string, source: string): RegionSettings {
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (error) {
    throw new InvalidSettingsError(source, [`(root): not JSON (${(error as Error).message})`]);
  }
  if (input && typeof input === 'object' && !Array.isArray(input) && !('program' in input)) {
    const currency = (input as { currency?: unknown }).currency;
    if (typeof currency === 'string' && CurrencyCode.safeParse(currency).success)
      input = { ...input, program: programInCurrency(defaultProgram, currency) };
  }
  return parseRegionSettings(region, input, source);
}
