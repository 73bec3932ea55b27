import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { replaceable } from '@shared/adapters/replaceable';

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
  /**
   * Where an admin PUTs a large file (an S3 presigned URL on AWS), valid until `expiresAt`, for a
   * body of exactly `size` bytes, once: the headers to send are signed with it.
   */
  uploadUrl(key: string, expiresAt: Date, size: number): Promise<UploadUrl>;
}

export interface UploadUrl {
  url: string;
  /** `Content-Length` (the declared size) and `If-None-Match: *` (S3 refuses a PUT over an existing object). */
  headers: Record<string, string>;
}

/** The headers an upload must carry: its size, and the condition that makes the URL good for one PUT. */
export const uploadHeaders = (size: number) => ({ 'Content-Length': String(size), 'If-None-Match': '*' });

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

  async uploadUrl(key: string, expiresAt: Date, size: number): Promise<UploadUrl> {
    this.presigner ??= uploadPresigner();
    return {
      url: await presignedUpload(this.presigner, this.bucket, key, expiresAt, size),
      headers: uploadHeaders(size),
    };
  }

  private presigner: S3Client | undefined;
}

/**
 * A presigned PUT whose signature covers `Content-Length` (S3 refuses a body of any other size)
 * and `If-None-Match: *` (S3 refuses to overwrite: the URL uploads one file, once). Neither is
 * hoisted into the query string: S3 checks them as headers, and the client must send them.
 */
/**
 * The client upload URLs are signed with: no checksum of its own (the SDK would otherwise sign the
 * CRC32 of an empty body into the URL, and S3 would refuse every file put there).
 */
export const uploadPresigner = (region?: string) =>
  new S3Client({ ...(region ? { region } : {}), requestChecksumCalculation: 'WHEN_REQUIRED' });

export function presignedUpload(s3: S3Client, bucket: string, key: string, expiresAt: Date, size: number) {
  const expiresIn = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 1000));
  return getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key, ContentLength: size, IfNoneMatch: '*' }), {
    expiresIn,
    unhoistableHeaders: new Set(['content-length', 'if-none-match']),
  });
}

const files = replaceable<ImportFiles>(() => {
  const bucket = process.env.IMPORT_BUCKET;
  if (!bucket) throw new Error('IMPORT_BUCKET is not set');
  return new S3ImportFiles(bucket);
});

export const importFiles = files.get;
/** The local runtime keeps files in a directory and serves the upload URL itself. */
export const useImportFiles = files.use;
