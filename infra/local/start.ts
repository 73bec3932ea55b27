import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { assertPortFree, PortInUseError } from './dynamodb';
import { startLocalStack, type LocalStack } from './stack';

/**
 * `npm start`: the whole API locally. PORT (default 3000), DYNAMODB_PORT (default: a
 * free port), DATA_DIR (persist between runs; default in memory), LOCAL_PARTNER_KEY,
 * LOCAL_ADMIN_KEY (a restart with other keys removes the old ones), LOCAL_CORS_ORIGINS (browser
 * origins allowed besides the server's own), LOCAL_ALLOWED_HOSTS (Host values answered besides
 * localhost, 127.0.0.1 and [::1] with the port), METRICS_INTERVAL_SECONDS (default 3600, as the hourly schedule), TEST_CLOCK=1
 * (the test clock and its route) with TEST_CLOCK_START (where it begins: an ISO date-time or
 * `-<days>d`; `npm run demo` needs it in the past).
 *
 * It never leaves a process behind: SIGINT, SIGTERM and SIGHUP stop the server and DynamoDB
 * Local; so does the death of the parent (npm killed with SIGKILL does not signal its child,
 * which would otherwise live on); DynamoDB Local has a watchdog of its own should this
 * process itself be killed. A port that is taken is reported and the start fails.
 */
const dataDir = process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : undefined;
if (dataDir) mkdirSync(dataDir, { recursive: true });
const port = Number(process.env.PORT ?? 3000);
const dynamoDbPort = process.env.DYNAMODB_PORT ? Number(process.env.DYNAMODB_PORT) : undefined;

let stack: LocalStack | undefined;
let stopping = false;

function shutDown(reason: string, code: number): void {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping`);
  const done = (stack?.stop() ?? Promise.resolve()).then(
    () => code,
    (error: unknown) => {
      console.error(error);
      return 1;
    },
  );
  // Never hang on the way out: whatever is left after 10 s is abandoned (DynamoDB Local's watchdog ends it).
  const force = setTimeout(() => process.exit(1), 10_000);
  void done.then((exitCode) => {
    clearTimeout(force);
    process.exit(exitCode);
  });
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutDown(signal, 0));

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'ksh']);

function processInfo(pid: number): { ppid: number; command: string } | undefined {
  try {
    const [ppid, command] = execFileSync('ps', ['-o', 'ppid=', '-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
    return { ppid: Number(ppid), command: (command ?? '').split('/').pop() ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * What this process lives for: its parent and, through the shell npm runs scripts with, npm
 * itself. A SIGKILL of npm leaves `sh` waiting on us, so watching the direct parent is not enough.
 */
function launchers(): number[] {
  const chain = [process.ppid];
  for (let info = processInfo(process.ppid); info && SHELLS.has(info.command) && info.ppid > 1;) {
    chain.push(info.ppid);
    info = processInfo(info.ppid);
  }
  return chain;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
const watched = launchers();
setInterval(() => {
  const gone = watched.find((pid) => !alive(pid));
  if (gone !== undefined) shutDown(`parent process ${gone} exited`, 0);
}, 250).unref();

try {
  await assertPortFree(port, 'PORT');
  stack = await startLocalStack({
    port,
    ...(dynamoDbPort !== undefined ? { dynamoDbPort } : {}),
    ...(dataDir ? { dataDir } : {}),
    ...(process.env.LOCAL_PARTNER_KEY ? { partnerKey: process.env.LOCAL_PARTNER_KEY } : {}),
    ...(process.env.LOCAL_ADMIN_KEY ? { adminKey: process.env.LOCAL_ADMIN_KEY } : {}),
    jobIntervalMs: Number(process.env.METRICS_INTERVAL_SECONDS ?? 3600) * 1000,
  });
} catch (error) {
  console.error(error instanceof PortInUseError ? `Cannot start: ${error.message}` : error);
  process.exit(1);
}

if (stopping) {
  // A signal came while starting: stop what was started.
  await stack.stop();
  process.exit(0);
}
console.log(`Rewards API listening on ${stack.url}`);
console.log(`  partner key (all partner scopes): ${stack.partnerKey}`);
console.log(`  admin key:                        ${stack.adminKey}`);
if (stack.testClock)
  console.log(`  test clock:                       ${stack.testClock.now().toISOString()} (POST /v1/admin/test-clock)`);
console.log(`  DynamoDB Local: ${stack.endpoint}${dataDir ? ` (data in ${dataDir})` : ' (in memory)'}`);
