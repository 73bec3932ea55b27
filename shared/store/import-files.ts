import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * Where import files live: the import bucket on AWS (env IMPORT_BUCKET), a directory
 * locally (infra/local). The worker reads a chunk as a byte range, so no worker ever holds a
 * whole file; planning streams it once.
 */
export interface ImportFiles {
  put(key: string, body: Uint8Array): Promise<void>;
  /** Bytes [start, end) of the file. */
  readRange(key: string, start: number, end: number): Promise<Uint8Array>;
  stream(key: string): Promise<AsyncIterable<Uint8Array>>;
  /** Where an admin PUTs a large file (an S3 presigned URL on AWS), valid until `expiresAt`. */
  uploadUrl(key: string, expiresAt: Date): Promise<string>;
}

/** Upload URLs are valid for one hour. */
export const UPLOAD_URL_SECONDS = 3600;
/** The prefix an upload lands under; on AWS a new object there starts the import (S3 → EventBridge). */
export const UPLOAD_PREFIX = 'uploads/';
export const INLINE_PREFIX = 'imports/';

class S3ImportFiles implements ImportFiles {
  private readonly s3 = new S3Client({});
  constructor(private readonly bucket: string) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
    );
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    if (end <= start) return new Uint8Array(0);
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
    );
    if (!object.Body) throw new Error(`s3 object ${key} has no body`);
    return object.Body.transformToByteArray();
  }

  async stream(key: string): Promise<AsyncIterable<Uint8Array>> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!object.Body) throw new Error(`s3 object ${key} has no body`);
    return object.Body as AsyncIterable<Uint8Array>;
  }

  uploadUrl(key: string, expiresAt: Date): Promise<string> {
    const expiresIn = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 1000));
    return getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }
}

let current: ImportFiles | undefined;

export function importFiles(): ImportFiles {
  if (current) return current;
  const bucket = process.env.IMPORT_BUCKET;
  if (!bucket) throw new Error('IMPORT_BUCKET is not set');
  current = new S3ImportFiles(bucket);
  return current;
}

/** The local runtime keeps files in a directory and serves the upload URL itself. */
export function useImportFiles(files: ImportFiles | undefined): void {
  current = files;
}
