import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { importFile } from '../support/import-file';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.stop());

const ndjson = (text: string, idempotencyKey?: string) => ({
  rawBody: text,
  as: 'admin' as const,
  headers: { 'Content-Type': 'application/x-ndjson' },
  ...(idempotencyKey ? { idempotencyKey } : {}),
});

async function finished(importId: string) {
  await api.imports.idle();
  const progress = await api.call('GET', `/v1/admin/imports/${importId}`, { as: 'admin' });
  expect(progress.status).toBe(200);
  return progress.body;
}

/** A refusal of the upload URL: an RFC 9457 problem with its request id. */
async function expectProblem(response: Response | undefined, status: number, slug: string): Promise<void> {
  expect(response?.status).toBe(status);
  expect(response?.headers.get('content-type')).toBe('application/problem+json');
  expect(response?.headers.get('x-request-id')).toBeTruthy();
  const problem = (await response?.json()) as { type: string; status: number; detail: string };
  expect(problem).toMatchObject({ type: `https://rewards-api.dev/problems/${slug}`, status });
}

describe('bulk import over HTTP', () => {
  it('imports an NDJSON body: 202, progress until done, bad lines with their paths', async () => {
    const file = importFile({ lines: 60, badEvery: 20, purchaseShare: 0.25, prefix: 'e2e' });
    const created = await api.call('POST', '/v1/admin/imports', ndjson(file.text, 'import-e2e-1'));
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ importId: expect.stringMatching(/^imp_/), status: 'waiting' });
    expect(created.body.upload).toBeUndefined();

    const progress = await finished(created.body.importId);
    expect(progress).toMatchObject({ status: 'done', lines: 60, processed: 60, succeeded: 57, failed: 3 });
    expect(progress.startedAt).toBeDefined();
    expect(progress.finishedAt).toBeDefined();

    const errors = await api.call('GET', `/v1/admin/imports/${created.body.importId}/errors?limit=2`, { as: 'admin' });
    expect(errors.status).toBe(200);
    expect(errors.body.items).toHaveLength(2);
    expect(errors.body.items[0]).toMatchObject({
      line: 20,
      problem: { type: 'https://rewards-api.dev/problems/validation-error', errors: [{ path: 'consent' }] },
    });
    const rest = await api.call(
      'GET',
      `/v1/admin/imports/${created.body.importId}/errors?cursor=${errors.body.nextCursor}`,
      { as: 'admin' },
    );
    expect(rest.body.items.map((e: { line: number }) => e.line)).toEqual([60]);

    // The same request again (same key) answers the same import and starts nothing new.
    const replay = await api.call('POST', '/v1/admin/imports', ndjson(file.text, 'import-e2e-1'));
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.importId).toBe(created.body.importId);
  });

  it('takes an NDJSON body above the general 64 KiB limit, and refuses one above 5 MB with 413', async () => {
    const big = importFile({ lines: 600, prefix: 'big', purchaseShare: 0 }).text;
    expect(big.length).toBeGreaterThan(64 * 1024);
    const accepted = await api.call('POST', '/v1/admin/imports', ndjson(big));
    expect(accepted.status).toBe(202);
    const tooBig = await api.call('POST', '/v1/admin/imports', ndjson('x'.repeat(5 * 1024 * 1024 + 1)));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.type).toBe('https://rewards-api.dev/problems/payload-too-large');
    // A JSON body keeps the general limit.
    const json = await api.call('POST', '/v1/admin/imports', {
      as: 'admin',
      rawBody: JSON.stringify({ upload: true, pad: 'x'.repeat(70 * 1024) }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(json.status).toBe(413);
    expect((await finished(accepted.body.importId)).status).toBe('done');
  });

  it('gives an upload URL for a large file; the import runs once the file is PUT there', async () => {
    const file = importFile({ lines: 40, prefix: 'upl', purchaseShare: 0.25 });
    const size = Buffer.byteLength(file.text);
    const created = await api.call('POST', '/v1/admin/imports', { as: 'admin', body: { upload: true, size } });
    expect(created.status).toBe(202);
    const { url, expiresAt, headers } = created.body.upload;
    expect(headers).toEqual({ 'Content-Length': String(size), 'If-None-Match': '*' });
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect((await api.call('GET', `/v1/admin/imports/${created.body.importId}`, { as: 'admin' })).body).toMatchObject({
      status: 'waiting',
      lines: 0,
    });

    const forged = await fetch(url.replace(/signature=[^&]+/, 'signature=AAAA'), {
      method: 'PUT',
      body: file.text,
      headers,
    });
    await expectProblem(forged, 403, 'upload-url-invalid');
    // The size is signed into the URL: another one in the URL is a forgery too.
    await expectProblem(
      await fetch(url.replace(/size=\d+/, `size=${size + 1000}`), { method: 'PUT', body: file.text, headers }),
      403,
      'upload-url-invalid',
    );
    // Without the one-use condition the URL was signed with: refused, as S3 refuses a missing signed header.
    await expectProblem(await fetch(url, { method: 'PUT', body: file.text }), 403, 'upload-url-invalid');
    // One byte over the declared size: refused, nothing stored.
    await expectProblem(
      await fetch(url, { method: 'PUT', body: `${file.text} `, headers: { 'If-None-Match': '*' } }),
      413,
      'payload-too-large',
    );
    await expectProblem(
      await fetch(url, { method: 'PUT', body: file.text.slice(0, -1), headers: { 'If-None-Match': '*' } }),
      400,
      'upload-incomplete',
    );
    const put = await fetch(url, { method: 'PUT', body: file.text, headers: { 'If-None-Match': '*' } });
    expect(put.status).toBe(200);
    // The URL is good for one PUT: a second one (even of the same file) is refused.
    await expectProblem(
      await fetch(url, { method: 'PUT', body: file.text, headers: { 'If-None-Match': '*' } }),
      412,
      'upload-already-received',
    );
    expect(await finished(created.body.importId)).toMatchObject({
      status: 'done',
      lines: 40,
      succeeded: 40,
      failed: 0,
    });
  });

  it('lists the imports newest first, a page at a time, a stopped one with why; admins only', async () => {
    // Every other line bad: past 100 lines, over 10 % bad stops the import as failed.
    const stopped = await api.call(
      'POST',
      '/v1/admin/imports',
      ndjson(importFile({ lines: 150, badEvery: 2, purchaseShare: 0, prefix: 'listed' }).text),
    );
    await finished(stopped.body.importId);
    const waiting = await api.call('POST', '/v1/admin/imports', { as: 'admin', body: { upload: true, size: 10 } });

    const first = await api.call('GET', '/v1/admin/imports?limit=2', { as: 'admin' });
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { importId: string }) => i.importId)).toEqual([
      waiting.body.importId,
      stopped.body.importId,
    ]);
    expect(first.body.items[0]).toMatchObject({ status: 'waiting', lines: 0, processed: 0 });
    expect(first.body.items[1]).toEqual(await finished(stopped.body.importId));
    expect(first.body.items[1]).toMatchObject({
      status: 'failed',
      stopReason: expect.stringContaining('Running the same file again is safe'),
    });
    // The next pages hold the earlier tests' imports, older and older, none twice.
    const seen = [...first.body.items];
    let cursor: string | undefined = first.body.nextCursor;
    while (cursor) {
      const next = await api.call('GET', `/v1/admin/imports?limit=2&cursor=${encodeURIComponent(cursor)}`, {
        as: 'admin',
      });
      seen.push(...next.body.items);
      cursor = next.body.nextCursor;
    }
    const ids = seen.map((i: { importId: string }) => i.importId);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(ids.toSorted().reverse());
    expect(seen.filter((i) => i.status === 'done').length).toBeGreaterThanOrEqual(3);
    expect(seen.every((i) => i.status === 'failed' || i.stopReason === undefined)).toBe(true);

    expect((await api.call('GET', '/v1/admin/imports')).status).toBe(403);
    const altered = await api.call('GET', '/v1/admin/imports?cursor=bm9wZQ', { as: 'admin' });
    expect(altered.status).toBe(400);
  });

  it('an upload declares its size: none, zero or over 5 GiB is refused; 5 GiB exactly gets a URL', async () => {
    const start = (body: unknown) => api.call('POST', '/v1/admin/imports', { as: 'admin', body });
    for (const body of [{ upload: true }, { upload: true, size: 0 }, { upload: true, size: 5 * 1024 ** 3 + 1 }]) {
      const refused = await start(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.errors[0].path).toBe('body.size');
    }
    const largest = await start({ upload: true, size: 5 * 1024 ** 3 });
    expect(largest.status).toBe(202);
    expect(largest.body.upload.headers['Content-Length']).toBe(String(5 * 1024 ** 3));
    // Its URL refuses a body announced over the declared size before reading any of it.
    const { url } = largest.body.upload as { url: string };
    const answer = await new Promise<{ status: number; type: string }>((resolve, reject) => {
      const request = httpRequest(url, {
        method: 'PUT',
        headers: { 'If-None-Match': '*', 'Content-Length': String(5 * 1024 ** 3 + 1) },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          request.destroy();
          resolve({ status: response.statusCode ?? 0, type: (JSON.parse(text) as { type: string }).type });
        });
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(answer).toEqual({ status: 413, type: 'https://rewards-api.dev/problems/payload-too-large' });
  });

  it('refuses what is not an import: 400, 403 for a partner key, 404 for an unknown import', async () => {
    expect((await api.call('POST', '/v1/admin/imports', { as: 'admin', body: { upload: false } })).status).toBe(400);
    expect((await api.call('POST', '/v1/admin/imports', ndjson('\n\n'))).status).toBe(400);
    expect((await api.call('POST', '/v1/admin/imports', { body: { upload: true, size: 10 } })).status).toBe(403);
    const unknown = await api.call('GET', '/v1/admin/imports/imp_NOPE', { as: 'admin' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe('https://rewards-api.dev/problems/import-not-found');
    expect((await api.call('GET', '/v1/admin/imports/imp_NOPE/errors', { as: 'admin' })).status).toBe(404);
  });
});
