import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@infra/local/dynamodb';

/**
 * The README's quick start, run as written: the server is started with the command the README
 * gives (its environment variables included), then every ```sh block of the README runs, in
 * order, in one bash in an empty directory, as a newcomer would paste them. The commands are
 * extracted from the README, so the test cannot drift from it. Two adjustments only, both
 * stated here: the server gets free ports (the README's 3000 may be taken on a test machine, so
 * `127.0.0.1:3000` in the blocks becomes the port it got), and `curl` fails on an HTTP error
 * (`--fail-with-body`) so that every documented call must succeed, not merely print a problem.
 * CI runs it on a fresh clone (.ci/run); it needs `curl` and `jq`, as the README says.
 */
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** The fenced blocks of a language, in order. */
const fenced = (language: string) =>
  [...readme.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map((match) => match[1] ?? '');

/** The quick start's `npm start` line: `NAME=value … npm start`. */
function startCommand(): { env: Record<string, string>; line: string } {
  const quickStart = readme.slice(
    readme.indexOf('## Quick start'),
    readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
  );
  const line = quickStart
    .split('\n')
    .map((text) => text.trim())
    .find((text) => /(^|\s)npm start$/.test(text));
  if (!line) throw new Error('The quick start has no `… npm start` line');
  const env = Object.fromEntries(
    line
      .replace(/\s*npm start$/, '')
      .split(/\s+/)
      .filter(Boolean)
      .map((assignment) => {
        const [name, ...value] = assignment.split('=');
        if (!name || !/^[A-Z_]+$/.test(name) || value.length === 0) throw new Error(`Not NAME=value: ${assignment}`);
        return [name, value.join('=')];
      }),
  );
  return { env, line };
}

let server: ChildProcess | undefined;
let output = '';
let url = '';

beforeAll(async () => {
  const { env } = startCommand();
  const [port, dynamoDbPort] = [await freePort(), await freePort()];
  server = spawn('npm', ['start'], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env, PORT: String(port), DYNAMODB_PORT: String(dynamoDbPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk) => (output += String(chunk)));
  server.stderr?.on('data', (chunk) => (output += String(chunk)));
  const giveUp = Date.now() + 90_000;
  while (!/Rewards API listening on (\S+)/.test(output)) {
    if (Date.now() > giveUp || server.exitCode !== null) throw new Error(`npm start failed: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  url = /Rewards API listening on (\S+)/.exec(output)?.[1] ?? '';
}, 120_000);

afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server?.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
});

/** Runs a script with bash in a fresh directory; resolves with its exit code and output. */
function bash(script: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'readme-'));
  return new Promise((resolve) => {
    const shell = spawn('bash', ['-c', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (chunk) => (stdout += String(chunk)));
    shell.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => shell.kill('SIGKILL'), timeoutMs);
    shell.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("the README's quick start and guides, as written", () => {
  it('is a manual of at most 500 lines that opens with its table of contents', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(500);
    const contents = readme.slice(0, readme.indexOf('## Quick start'));
    for (const [, title] of readme.matchAll(/^## (.+)$/gm))
      expect(contents, `the table of contents names ${title}`).toContain(`(#${anchorOf(title ?? '')})`);
  });

  it('starts with the documented keys and runs every sh block in order on the member it created', async () => {
    const { env } = startCommand();
    expect(output).toContain(`partner key (all partner scopes): ${env.LOCAL_PARTNER_KEY}`);
    expect(output).toContain(`admin key:                        ${env.LOCAL_ADMIN_KEY}`);

    const blocks = fenced('sh');
    expect(blocks.length).toBeGreaterThan(5);
    expect(readme).toContain('API=http://127.0.0.1:3000');
    const script = [
      'set -euo pipefail',
      'curl() { command curl --fail-with-body "$@"; }',
      ...blocks.map((block) => block.replaceAll('http://127.0.0.1:3000', url)),
      'echo "README DONE member=$M"',
    ].join('\n');
    const run = await bash(script, 100_000);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);

    // The answers the README describes: the quick start's earn of 42.50 EUR earns 42 points
    // with the sign-up bonus already there, and the import it shows ends done with its 3 lines.
    const done = /README DONE member=(mem_[0-9A-Z]{26})/.exec(run.stdout);
    expect(done, run.stdout).not.toBeNull();
    const quickStartEarn = JSON.parse(run.stdout.slice(0, run.stdout.indexOf('\n}') + 2)) as {
      points: number;
      balance: { points: number };
    };
    expect(quickStartEarn).toMatchObject({ points: 42, balance: { points: 142 } });
    expect(run.stdout).toMatch(/"status": "done",\s*"lines": 3,\s*"succeeded": 3,\s*"failed": 0/);
    // Everything ran on the member the quick start enrolled.
    const member = await fetch(`${url}/v1/members/${done?.[1]}/transactions?limit=100`, {
      headers: { Authorization: `Bearer ${env.LOCAL_PARTNER_KEY}` },
    });
    const types = ((await member.json()) as { items: { type: string }[] }).items.map((entry) => entry.type);
    expect(new Set(types)).toEqual(new Set(['bonus', 'earn', 'redeem', 'cashback', 'refund', 'adjustment', 'return']));
  }, 150_000);
});
