import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PARTNER_SCOPES } from '@shared/schemas/admin';
import { ProgramRules } from '@shared/schemas/program';
import { useStore } from '@shared/store/client';
import { putKnownKey } from '@shared/store/partners';
import { defaultProgram } from '@infra/config/default-program';
import { createTable, localDocumentClient, startDynamoDbLocal, type LocalDynamo } from './dynamodb';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useImportEngine } from '@shared/store/import-engine';
import { useSimulationEngine } from '@shared/store/simulation-engine';
import { useImportFiles } from '@shared/store/import-files';
import { DirectoryImportFiles, InProcessImportEngine } from './imports';
import { InProcessSimulationEngine } from './simulations';
import { InProcessSegmentEvaluations } from './segments';
import { useSegmentEvaluationEngine } from '@shared/store/segment-evaluation-engine';
import { createLocalServer, serveLocalUploads } from './server';
import { localJobRunner, registerLocalJob, startLocalJobs } from './jobs';
import { parseTestClockStart, TestClock } from './test-clock';
import { startLocalEventPipeline, type LocalEventPipeline } from './events';
import { handler as metricsJob } from '@functions/metrics-job';
import { handler as timeJob } from '@functions/time-job';
import { useClock } from '@shared/clock';
import { useJobRunner } from '@shared/jobs';
import { useConsoleAssets, usePageAssets } from '@shared/console/assets';
import { buildCard } from '@shared/card/build';
import { buildConsole } from '@shared/console/build';
import { useSessionKeys, installedSessionKeys } from '@shared/sessions/keys';
import { LocalSessionKeys } from '@shared/sessions/local-keys';
import { installedDataKeys, useDataKeys } from '@shared/secrets/data-keys';
import { LocalDataKeys } from '@shared/secrets/local-data-keys';
import { sealPlaintextWebhookSecrets } from '@shared/app/webhooks';

export interface LocalStackOptions {
  port?: number;
  dynamoDbPort?: number;
  /** Use a DynamoDB Local that is already running (tests share one). */
  dynamoDbEndpoint?: string;
  dataDir?: string;
  tableName?: string;
  partnerKey?: string;
  adminKey?: string;
  /** How often the metrics job runs, as the schedule would on AWS; 0 disables it. */
  jobIntervalMs?: number;
  /** Follow the event feed and deliver webhooks (default true); the bench turns it off, as its polling is not a request's cost. */
  eventPipeline?: boolean;
  /**
   * The test clock (`TEST_CLOCK=1`): every handler and job reads it, and `POST /v1/admin/test-clock`
   * moves it forward. Off unless asked for (default: TEST_CLOCK from the environment).
   */
  testClock?: boolean;
  /**
   * Where the test clock starts (default: now; `TEST_CLOCK_START` from the environment, an ISO
   * date-time or `-<days>d`). A start in the past lets `npm run demo` write a history day by day.
   */
  testClockStart?: Date;
}

export interface LocalStack {
  url: string;
  partnerKey: string;
  adminKey: string;
  tableName: string;
  endpoint: string;
  /** Present when the test clock is on. */
  testClock?: TestClock;
  /** The in-process import engine (tests wait for it to be idle). */
  imports: InProcessImportEngine;
  /** The in-process simulation engine (tests may wait for it to be idle). */
  simulations: InProcessSimulationEngine;
  /** The in-process segment evaluations (tests wait for them to be idle). */
  segments: InProcessSegmentEvaluations;
  /** The in-process fan-out and delivery worker (tests kill and restart the worker). */
  events?: LocalEventPipeline;
  stop: () => Promise<void>;
}

// The time rules' one function (functions/time-job.ts), as its two schedules and the jobs route invoke it.
registerLocalJob({ name: 'expiry', run: () => timeJob({ job: 'expiry' }) });
registerLocalJob({ name: 'reminders', run: () => timeJob({ job: 'reminders' }) });
registerLocalJob({ name: 'metrics', run: () => metricsJob() });
registerLocalJob({ name: 'time-changes', run: () => timeJob({ job: 'time-changes' }) });

/**
 * The browser origins the local server answers with CORS headers: its own (as localhost,
 * 127.0.0.1 and [::1]) and those of LOCAL_CORS_ORIGINS (space-separated, or `*` for any), e.g.
 * a partner's page under development on another port. Any origin by default would let every web
 * page the developer visits call the API on this machine with a key the browser holds.
 */
export function localCorsOrigins(port: number, extra: string | undefined): string {
  const setting = (extra ?? '').trim();
  if (setting === '*') return '*';
  const own = ['localhost', '127.0.0.1', '[::1]'].map((host) => `http://${host}:${port}`);
  return [...own, ...setting.split(/\s+/).filter(Boolean)].join(' ');
}

const randomKey = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;

/** The whole API on one machine: DynamoDB Local, the table, the seeds, the HTTP server and the scheduled jobs. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  let dynamo: LocalDynamo | undefined;
  const endpoint =
    options.dynamoDbEndpoint ??
    (dynamo = await startDynamoDbLocal({
      ...(options.dynamoDbPort ? { port: options.dynamoDbPort } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    })).endpoint;
  const tableName = options.tableName ?? 'rewards-local';
  try {
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = endpoint;
    const testClock =
      (options.testClock ?? process.env.TEST_CLOCK === '1')
        ? new TestClock(options.testClockStart ?? parseTestClockStart(process.env.TEST_CLOCK_START))
        : undefined;
    // An in-memory table has no history: the metrics job's first run need not read back further
    // than its clock's now (the test clock's, which may start in the past).
    if (!options.dataDir)
      process.env.METRICS_EPOCH ??= new Date((testClock?.now() ?? new Date()).getTime() - 3_600_000).toISOString();
    // Page cursors are signed with a secret of this start (or the one given), as each region has its own.
    process.env.CURSOR_SECRET ??= randomBytes(32).toString('base64url');
    process.env.DEFAULT_PROGRAM ??= JSON.stringify(ProgramRules.parse(defaultProgram));
    // Webhooks to this machine over http, retries in seconds rather than hours, a short feed settle time.
    process.env.WEBHOOK_ALLOW_LOOPBACK = 'true';
    process.env.WEBHOOK_RETRY_SCHEDULE ??= '1,2,5';
    process.env.EVENT_FEED_SETTLE_SECONDS ??= '0.5';
    useStore({ client: localDocumentClient(endpoint), tableName });
    await createTable(endpoint, tableName);

    const partnerKey = options.partnerKey ?? randomKey('rk_partner');
    const adminKey = options.adminKey ?? randomKey('rk_admin');
    await putKnownKey({
      partnerId: 'local-partner',
      name: 'Local partner',
      scopes: [...PARTNER_SCOPES],
      apiKey: partnerKey,
      role: 'partner',
    });
    await putKnownKey({ partnerId: 'local-admin', name: 'Local admin', scopes: [], apiKey: adminKey, role: 'admin' });

    // The console is built from source at every start, so `npm start` always serves the current one.
    useConsoleAssets(await buildConsole());
    usePageAssets('card', await buildCard());
    // Member session tokens are signed by a key generated now, never stored (one per process: a
    // second stack in the same test process keeps the first one's, so earlier tokens stay valid).
    if (!(installedSessionKeys() instanceof LocalSessionKeys)) useSessionKeys(await LocalSessionKeys.generate());
    // Webhook secrets are sealed at rest as on AWS, under a key kept with the data (else one of this
    // process); endpoints stored in clear before sealing are sealed now (the migration step on AWS).
    if (options.dataDir) {
      await mkdir(options.dataDir, { recursive: true });
      useDataKeys(await LocalDataKeys.inFile(join(options.dataDir, 'webhook-secrets.key')));
    } else if (!(installedDataKeys() instanceof LocalDataKeys)) useDataKeys(LocalDataKeys.generate());
    await sealPlaintextWebhookSecrets(new Date());
    useClock(testClock?.now);
    useJobRunner(localJobRunner);
    // Import files live beside the data (or in a temporary directory), as in the S3 bucket on AWS.
    const files = new DirectoryImportFiles(
      options.dataDir ? join(options.dataDir, 'imports') : await mkdtemp(join(tmpdir(), 'rewards-imports-')),
    );
    const imports = new InProcessImportEngine();
    useImportFiles(files);
    useImportEngine(imports);
    const simulations = new InProcessSimulationEngine();
    useSimulationEngine(simulations);
    const segments = new InProcessSegmentEvaluations();
    useSegmentEvaluationEngine(segments);
    await segments.resume();
    serveLocalUploads(files);
    const server = createLocalServer(testClock ? { testClock } : {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    process.env.CORS_ALLOWED_ORIGINS = localCorsOrigins(port, process.env.LOCAL_CORS_ORIGINS);
    files.baseUrl = `http://127.0.0.1:${port}`;
    const jobs = startLocalJobs(options.jobIntervalMs ?? 0);
    const events = options.eventPipeline === false ? undefined : startLocalEventPipeline();
    const stop = async () => {
      jobs.stop();
      await imports.idle();
      await simulations.idle();
      await segments.idle();
      await events?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dynamo?.stop();
      useClock(undefined);
      useJobRunner(undefined);
    };
    return {
      url: `http://127.0.0.1:${port}`,
      partnerKey,
      adminKey,
      tableName,
      endpoint,
      ...(testClock ? { testClock } : {}),
      imports,
      simulations,
      segments,
      ...(events ? { events } : {}),
      stop,
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}
