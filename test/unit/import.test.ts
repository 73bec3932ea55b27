import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChunkPlanner,
  linesOfChunk,
  openingBalanceMovements,
  phaseOf,
  planChunks,
  problemWithoutLineValues,
  MAX_LINE_BYTES,
  readImportLine,
  tooManyBadLines,
} from '@shared/domain/import';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The non-blank lines of a file with their numbers, the way a reader of the whole file sees them. */
const expectedLines = (text: string) =>
  text
    .split('\n')
    .map((content, index) => ({ line: index + 1, text: content.replace(/\r$/, '') }))
    .filter((entry) => entry.text.trim() !== '');

describe('chunk planning', () => {
  const fileArb = fc
    .array(
      fc.oneof(
        fc.constant(''),
        fc.constant('  '),
        fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(/\n/g, 'n') || 'x'),
        fc.constant('é€😀'),
      ),
      {
        maxLength: 60,
      },
    )
    .chain((lines) => fc.tuple(fc.constant(lines.join('\n')), fc.boolean()))
    .map(([text, trailing]) => (trailing ? `${text}\n` : text));

  it('every non-blank line is in exactly one chunk, with its line number, whatever the chunk size', () => {
    fc.assert(
      fc.property(fileArb, fc.integer({ min: 1, max: 7 }), (text, size) => {
        const bytes = encode(text);
        const plan = planChunks(bytes, size);
        const seen = plan.chunks.flatMap((chunk) =>
          linesOfChunk(decode(bytes.subarray(chunk.start, chunk.end)), chunk.firstLine),
        );
        expect(seen).toEqual(expectedLines(text));
        expect(plan.lines).toBe(seen.length);
        for (const chunk of plan.chunks) expect(chunk.lines).toBeLessThanOrEqual(size);
        expect(plan.chunks.map((chunk) => chunk.chunk)).toEqual(plan.chunks.map((_, index) => index));
      }),
    );
  });

  it('plans the same whether the bytes arrive at once or in any pieces (a stream)', () => {
    fc.assert(
      fc.property(fileArb, fc.integer({ min: 1, max: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (text, size, cuts) => {
        const bytes = encode(text);
        const points = [...new Set(cuts.map((cut) => (bytes.length === 0 ? 0 : cut % bytes.length)))].sort(
          (a, b) => a - b,
        );
        const planner = new ChunkPlanner(size);
        let from = 0;
        for (const point of [...points, bytes.length]) {
          planner.push(bytes.subarray(from, point));
          from = point;
        }
        expect(planner.finish()).toEqual(planChunks(bytes, size));
      }),
    );
  });
});

describe('reading a line', () => {
  it('names the path of each field at fault', () => {
    const read = readImportLine(
      JSON.stringify({ kind: 'member', externalId: 'a', consent: { marketing: 1 }, points: 1.5 }),
    );
    expect(read.ok).toBe(false);
    if (!read.ok)
      expect(read.problem.errors?.map((e) => e.path).sort()).toEqual([
        'consent.analytics',
        'consent.marketing',
        'points',
      ]);
  });

  it('refuses a line over 64 KiB of UTF-8 on its own, and reads one of exactly 64 KiB', () => {
    const member = JSON.stringify({
      kind: 'member',
      externalId: 'long-1',
      consent: { marketing: true, analytics: false },
    });
    // JSON allows any whitespace after the value: pad the line to the byte.
    const exactly = member + ' '.repeat(MAX_LINE_BYTES - member.length);
    expect(readImportLine(exactly)).toMatchObject({ ok: true, value: { externalId: 'long-1' } });
    expect(readImportLine(exactly + ' ')).toMatchObject({ ok: false, problem: { code: 'line-too-long' } });
    // Counted in bytes, not characters: 3 bytes a character for the euro sign.
    const euros = JSON.stringify({
      kind: 'member',
      externalId: 'e',
      name: '€'.repeat(22_000),
      consent: { marketing: true, analytics: false },
    });
    expect(euros.length).toBeLessThan(MAX_LINE_BYTES);
    expect(readImportLine(euros)).toMatchObject({ ok: false, problem: { code: 'line-too-long' } });
  });

  it('reports text that is not JSON as malformed-json, in the first phase', () => {
    const read = readImportLine('{"kind":');
    expect(read).toMatchObject({ ok: false, problem: { code: 'malformed-json' } });
    expect(phaseOf(read)).toBe('members');
  });

  it('applies purchase lines in the second phase', () => {
    const read = readImportLine(
      JSON.stringify({
        kind: 'purchase',
        externalId: 'a',
        orderId: 'o-1',
        amount: { value: 100, currency: 'EUR' },
        occurredAt: '2026-01-01T00:00:00Z',
      }),
    );
    expect(read.ok).toBe(true);
    expect(phaseOf(read)).toBe('purchases');
  });
});

describe('opening balance', () => {
  it('is ONE adjustment with reason import carrying points and cashback, or nothing', () => {
    expect(openingBalanceMovements({ points: 120, cashback: { value: 350 } })).toEqual([
      { type: 'adjustment', points: 120, cashback: { value: 350, status: 'available' }, reason: 'import' },
    ]);
    expect(openingBalanceMovements({ points: 5 })).toEqual([{ type: 'adjustment', points: 5, reason: 'import' }]);
    expect(openingBalanceMovements({})).toEqual([]);
    expect(openingBalanceMovements({ points: 0, cashback: { value: 0 } })).toEqual([]);
  });
});

describe('too many bad lines', () => {
  it('judges only after 100 lines (or the whole of a shorter file), then by the share', () => {
    expect(tooManyBadLines({ lines: 10_000, processed: 50, failed: 50 }, 0.1)).toBe(false);
    expect(tooManyBadLines({ lines: 10_000, processed: 100, failed: 11 }, 0.1)).toBe(true);
    expect(tooManyBadLines({ lines: 10_000, processed: 100, failed: 10 }, 0.1)).toBe(false);
    expect(tooManyBadLines({ lines: 20, processed: 20, failed: 3 }, 0.1)).toBe(true);
    expect(tooManyBadLines({ lines: 20, processed: 19, failed: 19 }, 0.1)).toBe(false);
  });
});

describe('a bad line’s problem', () => {
  it('says where the JSON went wrong without quoting the line', () => {
    const read = readImportLine('{"kind":"member","email":ana@example.com}');
    expect(read).toEqual({
      ok: false,
      problem: { code: 'malformed-json', detail: expect.stringMatching(/^Not valid JSON/) as unknown },
    });
    expect(JSON.stringify(read)).not.toContain('ana@example.com');
    expect(JSON.stringify(readImportLine('{"kind":"member","name":"Ana'))).not.toContain('Ana');
  });

  it('keeps the code and the field paths, and none of the line’s values', () => {
    const line = { kind: 'purchase', externalId: 'ana@example.com', amount: { value: 1, currency: 'EUR' } };
    const problem = problemWithoutLineValues(
      {
        code: 'member-not-found',
        detail: 'No member has externalId ana@example.com.',
        errors: [{ path: 'externalId', message: 'ana@example.com is unknown' }],
      },
      line,
    );
    expect(problem).toEqual({
      code: 'member-not-found',
      detail: 'No member has externalId ….',
      errors: [{ path: 'externalId', message: '… is unknown' }],
    });
  });

  it('reads and reports a 64 KiB line nested as deep as it can be, without overflowing the stack', () => {
    const depth = 32 * 1024 - 32;
    const text = `{"kind":"member","externalId":${'['.repeat(depth)}"ana@example.com"${']'.repeat(depth)}}`;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64 * 1024);
    const read = readImportLine(text);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problem.code).toBe('validation-error');
    const kept = problemWithoutLineValues(read.problem, JSON.parse(text));
    expect(kept.code).toBe('validation-error');
    expect(JSON.stringify(kept)).not.toContain('ana@example.com');
  });
});
