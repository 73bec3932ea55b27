import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startLocalStack } from '@infra/local/stack';
import { LINE_CONCURRENCY } from '@shared/app/jobs/import-worker';
import { importFile } from '../support/import-file';

export interface ImportFigures {
  lines: number;
  seconds: number;
  linesPerSecond: number;
  /** Lines in flight at once locally: chunks at once × lines per chunk at once. */
  inFlight: number;
  /** Wall time per line per line in flight: what one line costs the engine, end to end. */
  msPerLine: number;
}

/**
 * Bulk import throughput on DynamoDB Local: `lines` member lines (each an enrolment with an
 * opening balance, one transaction) through the HTTP route and the in-process engine,
 * timed from the POST to the import being done.
 */
export async function measureImport(endpoint: string, lines: number): Promise<ImportFigures> {
  const stack = await startLocalStack({ port: 0, dynamoDbEndpoint: endpoint, tableName: `bench-${randomUUID()}` });
  try {
    const file = importFile({ lines, purchaseShare: 0, prefix: 'bench' }).text;
    const started = performance.now();
    const headers = { Authorization: `Bearer ${stack.adminKey}`, 'Idempotency-Key': randomUUID() };
    const inline = Buffer.byteLength(file) <= 5 * 1024 * 1024;
    const created = await fetch(`${stack.url}/v1/admin/imports`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': inline ? 'application/x-ndjson' : 'application/json' },
      body: inline ? file : JSON.stringify({ upload: true, size: Buffer.byteLength(file) }),
    });
    const answer = (await created.json()) as {
      importId: string;
      upload?: { url: string; headers: Record<string, string> };
    };
    if (answer.upload) await fetch(answer.upload.url, { method: 'PUT', body: file, headers: answer.upload.headers });
    await stack.imports.idle();
    const seconds = (performance.now() - started) / 1000;
    const progress = (await (await fetch(`${stack.url}/v1/admin/imports/${answer.importId}`, { headers })).json()) as {
      succeeded: number;
      status: string;
    };
    if (progress.status !== 'done' || progress.succeeded !== lines)
      throw new Error(`import bench: ${JSON.stringify(progress)}`);
    const inFlight = 2 * LINE_CONCURRENCY;
    return {
      lines,
      seconds: Math.round(seconds * 10) / 10,
      linesPerSecond: Math.round(lines / seconds),
      inFlight,
      msPerLine: Math.round(((seconds * 1000 * inFlight) / lines) * 10) / 10,
    };
  } finally {
    await stack.stop();
  }
}
