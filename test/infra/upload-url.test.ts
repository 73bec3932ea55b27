import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_UPLOAD_BYTES } from '@shared/schemas/imports';
import { presignedUpload, uploadHeaders, uploadPresigner, UPLOAD_URL_SECONDS } from '@shared/store/import-files';

/**
 * Issue 23: the upload URL of a large import is bounded in size and good for one PUT. S3 enforces
 * both from what the URL's signature covers: checked here on a URL signed as the imports function
 * signs it (example credentials: signing is local, nothing is sent).
 */
beforeAll(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
});
afterAll(() => vi.unstubAllEnvs());

async function signed(size: number) {
  const expiresAt = new Date(Date.now() + UPLOAD_URL_SECONDS * 1000);
  return new URL(
    await presignedUpload(uploadPresigner('eu-west-1'), 'imports-bucket', 'uploads/imp_1.ndjson', expiresAt, size),
  );
}

describe('the presigned upload URL', () => {
  it('signs Content-Length and If-None-Match: * as headers S3 checks (another size, or a second PUT, is refused)', async () => {
    const url = await signed(48_000_000);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual([
      'content-length',
      'host',
      'if-none-match',
    ]);
    // Not hoisted into the query string: S3 reads them as headers, which the client must send.
    expect(url.searchParams.has('Content-Length')).toBe(false);
    expect(url.searchParams.has('If-None-Match')).toBe(false);
    expect(uploadHeaders(48_000_000)).toEqual({ 'Content-Length': '48000000', 'If-None-Match': '*' });
  });

  it('carries no checksum of an empty body (S3 would refuse every file put there)', async () => {
    const url = await signed(10);
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
  });

  it('is a PUT to the uploads/ prefix, valid one hour, for the largest allowed file too', async () => {
    const url = await signed(MAX_UPLOAD_BYTES);
    expect(url.pathname).toBe('/uploads/imp_1.ndjson');
    expect(url.searchParams.get('x-id')).toBe('PutObject');
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeGreaterThan(UPLOAD_URL_SECONDS - 5);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(UPLOAD_URL_SECONDS);
    expect(MAX_UPLOAD_BYTES).toBe(5 * 1024 ** 3);
  });
});
