import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertPortFree, freePort } from '@infra/local/dynamodb';

/**
 * `npm start` as a developer runs it: whatever stops npm (SIGTERM, or SIGKILL that npm cannot
 * pass on), no server, no DynamoDB Local and no helper process may be left, and both ports
 * must be free again. A start that finds its port taken must say so and fail.
 */
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Started {
  npm: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function npmStart(env: Record<string, string>): Started {
  const npm = spawn('npm', ['start'], {
    cwd: repositoryRoot,
    env: { ...process.env, METRICS_INTERVAL_SECONDS: '3600', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk) => (output += String(chunk)));
  npm.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  return { npm, output: () => output, exited };
}

async function listening(started: Started): Promise<void> {
  const giveUp = Date.now() + 90_000;
  while (!started.output().includes('Rewards API listening')) {
    if (Date.now() > giveUp || started.npm.exitCode !== null) throw new Error(`npm start failed: ${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Live processes (zombies count as gone) by pid, with their parent. */
function processTable(): Map<number, number> {
  const table = new Map<number, number>();
  for (const line of execFileSync('ps', ['-e', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' }).split('\n')) {
    const [pid, ppid, stat] = line.trim().split(/\s+/);
    if (pid && ppid && stat && !stat.startsWith('Z')) table.set(Number(pid), Number(ppid));
  }
  return table;
}

function descendantsOf(root: number): number[] {
  const table = processTable();
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [pid, ppid] of table)
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
  }
  return found;
}

async function allGone(pids: number[]): Promise<number[]> {
  const giveUp = Date.now() + 20_000;
  for (;;) {
    const table = processTable();
    const left = pids.filter((pid) => table.has(pid));
    if (left.length === 0 || Date.now() > giveUp) return left;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function ports(): Promise<{ PORT: string; DYNAMODB_PORT: string }> {
  return { PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()) };
}

describe('npm start', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'leaves no process behind and frees both ports when npm gets %s',
    async (signal) => {
      const env = await ports();
      const started = npmStart(env);
      await listening(started);
      const health = await fetch(`http://127.0.0.1:${env.PORT}/health/ready`);
      expect(health.status).toBe(200);
      const pid = started.npm.pid as number;
      const processes = descendantsOf(pid);
      // sh, node (the server), java (DynamoDB Local) and its watchdog at the least.
      expect(processes.length).toBeGreaterThanOrEqual(3);

      process.kill(pid, signal);
      expect(await allGone([pid, ...processes])).toEqual([]);
      await assertPortFree(Number(env.PORT), 'PORT');
      await assertPortFree(Number(env.DYNAMODB_PORT), 'DYNAMODB_PORT');
    },
    150_000,
  );

  it.each(['PORT', 'DYNAMODB_PORT'] as const)(
    'says a taken %s is taken and exits non-zero, leaving nothing behind',
    async (taken) => {
      const env = await ports();
      const holder: Server = createServer();
      await new Promise<void>((resolve) => holder.listen(Number(env[taken]), '127.0.0.1', resolve));
      try {
        const started = npmStart(env);
        const code = await started.exited;
        expect(code).not.toBe(0);
        expect(started.output()).toContain(`Port ${env[taken]} (${taken}) is already in use`);
        expect(started.output()).not.toContain('Rewards API listening');
        expect(await allGone(descendantsOf(started.npm.pid as number))).toEqual([]);
      } finally {
        holder.close();
      }
    },
    150_000,
  );
});
