import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { DataKeys } from './data-keys';
import { contextAad, gcmOpen, gcmSeal } from './envelope';

/**
 * The local stand-in for the region's KMS key: a 256-bit key that wraps data keys with AES-256-GCM
 * and the encryption context as associated data (a context other than the sealing one fails, as
 * KMS refuses it). In memory for a throw-away stack; in a file of the data directory for a stack
 * that keeps its data (`npm start`), so secrets sealed before a restart still open.
 */
export class LocalDataKeys implements DataKeys {
  private constructor(private readonly key: Buffer) {}

  static generate(): LocalDataKeys {
    return new LocalDataKeys(randomBytes(32));
  }

  /** The key kept in `path` (created on first use, readable by its owner only). */
  static async inFile(path: string): Promise<LocalDataKeys> {
    try {
      const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
      if (key.length === 32) return new LocalDataKeys(key);
      throw new Error(`${path} does not hold a 256-bit key`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const key = randomBytes(32);
      await writeFile(path, key.toString('base64'), { mode: 0o600, flag: 'wx' });
      return new LocalDataKeys(key);
    }
  }

  generate(context: Readonly<Record<string, string>>) {
    const plaintext = randomBytes(32);
    return Promise.resolve({ plaintext, wrapped: gcmSeal(this.key, plaintext, contextAad(context)) });
  }

  unwrap(wrapped: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array> {
    return Promise.resolve(gcmOpen(this.key, wrapped, contextAad(context)));
  }
}
