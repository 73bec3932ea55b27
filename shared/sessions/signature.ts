/**
 * ECDSA signatures come in two encodings: DER (an ASN.1 SEQUENCE of two INTEGERs), which KMS `Sign`
 * returns, and the fixed-size r || s that JWS requires (RFC 7518 §3.4). ES256 uses P-256: 32 bytes each.
 */
const P256_COORDINATE_BYTES = 32;

export class SignatureEncodingError extends Error {
  override readonly name = 'SignatureEncodingError';
}

/** Reads a DER length at `offset` (short form, or long form of one byte: enough for an ECDSA signature). */
function lengthAt(der: Uint8Array, offset: number): { length: number; next: number } {
  const first = der[offset];
  if (first === undefined) throw new SignatureEncodingError('DER signature is truncated');
  if (first < 0x80) return { length: first, next: offset + 1 };
  const second = der[offset + 1];
  if (first !== 0x81 || second === undefined) throw new SignatureEncodingError('DER length is not supported');
  return { length: second, next: offset + 2 };
}

/** One INTEGER as `size` big-endian bytes: its sign byte dropped, short values left-padded with zeros. */
function integerAt(der: Uint8Array, offset: number, size: number): { bytes: Uint8Array; next: number } {
  if (der[offset] !== 0x02) throw new SignatureEncodingError('DER signature: INTEGER expected');
  const { length, next } = lengthAt(der, offset + 1);
  let value = der.subarray(next, next + length);
  if (value.length !== length) throw new SignatureEncodingError('DER signature is truncated');
  while (value.length > size && value[0] === 0) value = value.subarray(1);
  if (value.length > size) throw new SignatureEncodingError('DER signature: INTEGER too large for the curve');
  const bytes = new Uint8Array(size);
  bytes.set(value, size - value.length);
  return { bytes, next: next + length };
}

/** A DER-encoded P-256 ECDSA signature (what KMS answers) as the 64-byte r || s a JWS carries. */
export function derToJose(der: Uint8Array, size = P256_COORDINATE_BYTES): Uint8Array {
  if (der[0] !== 0x30) throw new SignatureEncodingError('DER signature: SEQUENCE expected');
  const sequence = lengthAt(der, 1);
  if (sequence.next + sequence.length !== der.length) throw new SignatureEncodingError('DER signature length mismatch');
  const r = integerAt(der, sequence.next, size);
  const s = integerAt(der, r.next, size);
  if (s.next !== der.length) throw new SignatureEncodingError('DER signature has trailing bytes');
  const joined = new Uint8Array(size * 2);
  joined.set(r.bytes, 0);
  joined.set(s.bytes, size);
  return joined;
}
