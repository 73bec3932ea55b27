import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { progressBar } from '../local/progress-bar';

/**
 * `npm run import -- <file> --api <url> --key <admin key>`: imports an NDJSON file of any size.
 * Up to 5 MB it is sent as the request body; a larger file goes to the upload URL the API
 * answers (S3 on AWS). Then it shows progress with rate and ETA until the import is done,
 * and a summary of the bad lines.
 */
const INLINE_LIMIT = 5 * 1024 * 1024;
const POLL_MS = 1000;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { api: { type: 'string' }, key: { type: 'string' }, errors: { type: 'string', default: '20' } },
});
const [file] = positionals;
if (!file || !values.api || !values.key) {
  console.error('usage: npm run import -- <file.ndjson> --api <url> --key <admin key> [--errors 20]');
  process.exit(2);
}
const api = values.api.replace(/\/$/, '');
const auth = { Authorization: `Bearer ${values.key}` };

async function call<T>(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: RequestInit['body'] } = {},
) {
  const response = await fetch(api + path, { method, ...init, headers: { ...auth, ...init.headers } });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as T) : (undefined as T);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return body;
}

interface Progress {
  importId: string;
  status: 'waiting' | 'running' | 'done' | 'failed';
  lines: number;
  processed: number;
  succeeded: number;
  failed: number;
}

const size = (await stat(file)).size;
const post = { 'Idempotency-Key': randomUUID() };
let importId: string;
if (size <= INLINE_LIMIT) {
  const created = await call<{ importId: string }>('POST', '/v1/admin/imports', {
    headers: { ...post, 'Content-Type': 'application/x-ndjson' },
    body: await readFile(file),
  });
  importId = created.importId;
} else {
  const created = await call<{ importId: string; upload: { url: string; headers: Record<string, string> } }>(
    'POST',
    '/v1/admin/imports',
    { headers: { ...post, 'Content-Type': 'application/json' }, body: JSON.stringify({ upload: true, size }) },
  );
  importId = created.importId;
  process.stderr.write(`uploading ${(size / 1024 / 1024).toFixed(1)} MB…\n`);
  // Streamed, so a file of any size never sits in memory whole (fetch needs duplex for a stream body).
  const upload: RequestInit & { duplex: 'half' } = {
    method: 'PUT',
    // The URL takes exactly the declared size, once: the headers it was signed with.
    headers: created.upload.headers,
    body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    duplex: 'half',
  };
  const put = await fetch(created.upload.url, upload);
  if (!put.ok) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
}
console.log(`import ${importId}`);

// The bar (cli-progress): counts, the pace since the first progress, an ETA smoothed over the last polls.
const bar = progressBar(
  process.stdout,
  '{bar} {percentage}% {value}/{total} lines · {failed} bad · {rate} lines/s · ETA {eta_formatted} · {status}',
);
bar.start(0, 0, { failed: 0, status: 'waiting', rate: '0' });
const startedAt = Date.now();
let first: number | undefined;
let progress: Progress;
for (;;) {
  progress = await call<Progress>('GET', `/v1/admin/imports/${importId}`);
  first ??= progress.processed;
  const elapsed = (Date.now() - startedAt) / 1000;
  const payload = {
    failed: progress.failed,
    status: progress.status,
    rate: elapsed > 0 ? ((progress.processed - first) / elapsed).toFixed(0) : '0',
  };
  bar.setTotal(progress.lines);
  bar.update(progress.processed, payload);
  if (progress.status === 'done' || progress.status === 'failed') break;
  await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
bar.stop();
console.log(`${progress.status}: ${progress.succeeded} imported, ${progress.failed} bad of ${progress.lines} lines`);

if (progress.failed > 0) {
  const shown = Number(values.errors);
  const byType = new Map<string, number>();
  const examples: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call<{
      items: {
        line: number;
        problem: { type: string; detail: string; errors?: { path: string; message: string }[] };
      }[];
      nextCursor?: string;
    }>('GET', `/v1/admin/imports/${importId}/errors?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    for (const { line, problem } of page.items) {
      const type = problem.type.replace(/^.*\//, '');
      byType.set(type, (byType.get(type) ?? 0) + 1);
      if (examples.length < shown) {
        const fields = (problem.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
        examples.push(`  line ${line}: ${type} ${fields || problem.detail}`);
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  console.log('bad lines by problem:');
  for (const [type, count] of [...byType].sort((a, b) => b[1] - a[1])) console.log(`  ${type}: ${count}`);
  console.log(`first ${examples.length}:`);
  for (const example of examples) console.log(example);
}
process.exitCode = progress.status === 'done' ? 0 : 1;
