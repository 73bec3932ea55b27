import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, link, mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { runImportInProcess } from '@shared/app/jobs/import-worker';
import { withoutDeadline } from '@shared/deadline';
import { importIdOfKey, launchImport } from '@shared/app/start-import';
import type { ImportEngine } from '@shared/store/import-engine';
import { HttpProblem, toProblem } from '@shared/http/problems';
import { problemResponse } from '@shared/http/responses';
import { UPLOAD_PREFIX, uploadHeaders, type ImportFiles, type UploadUrl } from '@shared/store/import-files';

/**
 * Bulk import on one machine: files in a directory (as in the S3 bucket), upload URLs served
 * by the local server itself (signed and expiring, as presigned URLs are), and an engine that
 * runs the worker in-process over the same chunks the Distributed Map hands out on AWS.
 */
export const LOCAL_UPLOAD_PATH = '/local/uploads/';

export class DirectoryImportFiles implements ImportFiles {
  private readonly secret = randomBytes(32);
  /** Set once the server listens: upload URLs point at it. */
  baseUrl = 'http://127.0.0.1';

  constructor(private readonly directory: string) {}

  private pathOf(key: string): string {
    if (!/^[a-z]+\/[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`bad import file key ${key}`);
    return join(this.directory, key);
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Written whole then renamed, as an S3 object appears whole.
    await writeFile(`${path}.part`, body);
    await rename(`${path}.part`, path);
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const file = await open(this.pathOf(key), 'r');
    try {
      const buffer = Buffer.alloc(Math.max(0, end - start));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  stream(key: string): Promise<AsyncIterable<Uint8Array>> {
    return Promise.resolve(createReadStream(this.pathOf(key)));
  }

  private signature(key: string, expires: number, size: number): Buffer {
    return createHmac('sha256', this.secret).update(`${key}\n${expires}\n${size}`).digest();
  }

  uploadUrl(key: string, expiresAt: Date, size: number): Promise<UploadUrl> {
    const expires = expiresAt.getTime();
    const signature = this.signature(key, expires, size).toString('base64url');
    const path = `${LOCAL_UPLOAD_PATH}${key.slice(UPLOAD_PREFIX.length)}`;
    return Promise.resolve({
      url: `${this.baseUrl}${path}?expires=${expires}&size=${size}&signature=${signature}`,
      headers: uploadHeaders(size),
    });
  }

  /**
   * The S3 side of a presigned PUT, with S3's rules: the signature and expiry (403), the signed
   * headers sent (403), a body of exactly the declared size (413 over it, refused on its
   * Content-Length before it is read; 400 short of it), and one PUT only (`If-None-Match: *`: 412 once the file is there). Refusals are
   * RFC 9457 problems; nothing refused is stored.
   */
  async receiveUpload(request: IncomingMessage, url: URL, requestId: string): Promise<APIGatewayProxyResult> {
    const refused = (slug: string, status: number, title: string, detail: string) => {
      // An unread body is not drained: the connection closes after the answer.
      request.resume();
      return problemResponse(toProblem(new HttpProblem(slug, status, title, detail), requestId));
    };
    const key = `${UPLOAD_PREFIX}${url.pathname.slice(LOCAL_UPLOAD_PATH.length)}`;
    const expires = Number(url.searchParams.get('expires'));
    const size = Number(url.searchParams.get('size'));
    const given = Buffer.from(url.searchParams.get('signature') ?? '', 'base64url');
    const expected = this.signature(key, expires, size);
    const valid =
      request.method === 'PUT' &&
      given.length === expected.length &&
      timingSafeEqual(given, expected) &&
      Date.now() < expires &&
      request.headers['if-none-match'] === '*';
    if (!valid)
      return refused(
        'upload-url-invalid',
        403,
        'Upload URL invalid or expired',
        'PUT the file to the URL the import answered, before it expires, with the headers it named.',
      );
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > size) return refused(...tooLarge(size));
    if (await this.exists(key)) return refused(...alreadyReceived);
    const chunks: Buffer[] = [];
    let received = 0;
    // A body without a length, or longer than it said: kept up to the declared size, the rest read
    // and dropped (leaving the loop early would reset the connection before the problem is sent).
    for await (const chunk of request) {
      received += (chunk as Buffer).length;
      if (received <= size) chunks.push(chunk as Buffer);
    }
    if (received > size) return refused(...tooLarge(size));
    if (received < size)
      return refused(
        'upload-incomplete',
        400,
        'Upload incomplete',
        `The upload URL takes exactly ${size} bytes, the declared size; ${received} arrived.`,
      );
    // Written only if absent (S3's If-None-Match: *): of two PUTs at once, one lands.
    if (!(await this.putIfAbsent(key, Buffer.concat(chunks)))) return refused(...alreadyReceived);
    // On AWS the object's creation event starts the state machine.
    await launchImport(importIdOfKey(key));
    return { statusCode: 200, body: '' };
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  /** Like `put`, but only when no file is there yet (the rename is replaced by a link, which fails if it exists). */
  private async putIfAbsent(key: string, body: Uint8Array): Promise<boolean> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const part = `${path}.${randomBytes(6).toString('hex')}.part`;
    await writeFile(part, body);
    try {
      await link(part, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(part);
    }
  }
}

const alreadyReceived = [
  'upload-already-received',
  412,
  'Upload already received',
  'This upload URL was used: its file is imported once. Start another import to send another file.',
] as const;

const tooLarge = (size: number) =>
  [
    'payload-too-large',
    413,
    'Upload larger than declared',
    `The upload URL takes exactly ${size} bytes, the size the import declared.`,
  ] as const;

/** Runs each started import once, in the background of the local server's process. */
export class InProcessImportEngine implements ImportEngine {
  private readonly running = new Map<string, Promise<unknown>>();

  start(importId: string, fileKey: string): Promise<void> {
    if (this.running.has(importId)) return Promise.resolve();
    // Started by a request, it outlives it: not bound by the request's deadline (AWS runs it in Step Functions).
    const run = withoutDeadline(() => runImportInProcess(importId, fileKey))
      .catch((error: unknown) => console.error(`import ${importId} failed`, error))
      .finally(() => this.running.delete(importId));
    this.running.set(importId, run);
    return Promise.resolve();
  }

  /** Resolves when no import is running (tests, and stopping the server). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}
