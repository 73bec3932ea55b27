import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { runImportInProcess } from '@shared/app/jobs/import-worker';
import { withoutDeadline } from '@shared/deadline';
import { importIdOfKey, launchImport } from '@shared/app/start-import';
import type { ImportEngine } from '@shared/store/import-engine';
import { UPLOAD_PREFIX, type ImportFiles } from '@shared/store/import-files';

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

  private signature(key: string, expires: number): Buffer {
    return createHmac('sha256', this.secret).update(`${key}\n${expires}`).digest();
  }

  uploadUrl(key: string, expiresAt: Date): Promise<string> {
    const expires = expiresAt.getTime();
    const signature = this.signature(key, expires).toString('base64url');
    return Promise.resolve(
      `${this.baseUrl}${LOCAL_UPLOAD_PATH}${key.slice(UPLOAD_PREFIX.length)}?expires=${expires}&signature=${signature}`,
    );
  }

  /** The S3 side of a presigned PUT: checks the signature and expiry, stores the body whatever its size. */
  async receiveUpload(request: IncomingMessage, url: URL): Promise<APIGatewayProxyResult> {
    const key = `${UPLOAD_PREFIX}${url.pathname.slice(LOCAL_UPLOAD_PATH.length)}`;
    const expires = Number(url.searchParams.get('expires'));
    const given = Buffer.from(url.searchParams.get('signature') ?? '', 'base64url');
    const expected = this.signature(key, expires);
    const valid = given.length === expected.length && timingSafeEqual(given, expected) && Date.now() < expires;
    const chunks: Buffer[] = [];
    for await (const chunk of request) if (valid) chunks.push(chunk as Buffer);
    if (request.method !== 'PUT' || !valid)
      return { statusCode: 403, headers: { 'Content-Type': 'text/plain' }, body: 'invalid or expired upload URL' };
    await this.put(key, Buffer.concat(chunks));
    // On AWS the object's creation event starts the state machine.
    await launchImport(importIdOfKey(key));
    return { statusCode: 200, body: '' };
  }
}

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
