import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { dataKeys } from './data-keys';

/** A value sealed at rest: the data key wrapped by the region's key, and the value under that data key. */
export interface Sealed {
  /** The wrapped data key (base64). */
  key: string;
  /** IV (12 bytes) ‖ AES-256-GCM ciphertext ‖ tag (16 bytes), base64. */
  data: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM: IV ‖ ciphertext ‖ tag, with `aad` authenticated alongside. */
export function gcmSeal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function gcmOpen(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES)).setAAD(aad);
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
}

/** The context as associated data, its keys sorted (KMS too treats it as an unordered map). */
export const contextAad = (context: Readonly<Record<string, string>>) =>
  Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : 1))));

/**
 * Opened data keys, kept a few minutes per container: a burst of deliveries to one endpoint asks
 * KMS once, not once per attempt. Keyed by wrapped key and context, so a key is only ever reused
 * for the value it was made for.
 */
const OPENED_KEY_MS = 5 * 60_000;
const MAX_OPENED_KEYS = 100;
const opened = new Map<string, { key: Uint8Array; until: number }>();

async function unwrapCached(wrapped: string, context: Readonly<Record<string, string>>): Promise<Uint8Array> {
  const id = `${wrapped}\n${contextAad(context).toString('base64')}`;
  const now = Date.now();
  const hit = opened.get(id);
  if (hit && hit.until > now) return hit.key;
  const key = await (await dataKeys()).unwrap(Buffer.from(wrapped, 'base64'), context);
  if (opened.size >= MAX_OPENED_KEYS) opened.delete(opened.keys().next().value as string);
  opened.set(id, { key, until: now + OPENED_KEY_MS });
  return key;
}

/** Seals `plaintext` with a new data key; `context` (ids, not secrets) must be given again to open it. */
export async function seal(plaintext: string, context: Readonly<Record<string, string>>): Promise<Sealed> {
  const dataKey = await (await dataKeys()).generate(context);
  const data = gcmSeal(dataKey.plaintext, Buffer.from(plaintext, 'utf8'), contextAad(context));
  dataKey.plaintext.fill(0);
  return { key: Buffer.from(dataKey.wrapped).toString('base64'), data: data.toString('base64') };
}

export async function open(sealed: Sealed, context: Readonly<Record<string, string>>): Promise<string> {
  const dataKey = await unwrapCached(sealed.key, context);
  return gcmOpen(dataKey, Buffer.from(sealed.data, 'base64'), contextAad(context)).toString('utf8');
}
