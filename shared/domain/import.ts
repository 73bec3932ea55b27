import { ImportLine } from '@shared/schemas/imports';
import type { FieldError } from './errors';
import type { Movement } from './ledger';

/**
 * Bulk import rules, pure: how a file is cut into chunks, how a line is read, what a member
 * line posts and when an import has too many bad lines to go on. Storage and the engine
 * (Step Functions on AWS, in-process locally) run these same rules.
 */

/** A run of whole lines of the file: the unit of work and of checkpoints. */
export interface ChunkPlan {
  chunk: number;
  /** Byte range [start, end) of the file. */
  start: number;
  end: number;
  /** Line number (from 1) of the first line in the range; blank lines count as lines of the file. */
  firstLine: number;
  /** Non-blank lines in the range. */
  lines: number;
}

/** Member lines are applied before purchase lines, so a purchase finds its member whatever the file's order. */
export const IMPORT_PHASES = ['members', 'purchases'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

export const checkpointName = (phase: ImportPhase, chunk: number) => `${phase}:${chunk}`;

const NEWLINE = 0x0a;
const isBlank = (bytes: Uint8Array, from: number, to: number) => {
  for (let i = from; i < to; i += 1) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
};

/**
 * Cuts a file into chunks of `linesPerChunk` non-blank lines as its bytes arrive (an S3
 * stream, a local file), so a file of any size is planned in constant memory.
 */
export class ChunkPlanner {
  private readonly chunks: ChunkPlan[] = [];
  private offset = 0;
  private lineStart = 0;
  private lineNumber = 1;
  private current: ChunkPlan | undefined;
  private carry = new Uint8Array(0);
  private total = 0;

  constructor(private readonly linesPerChunk: number) {
    if (!Number.isInteger(linesPerChunk) || linesPerChunk < 1) throw new RangeError('linesPerChunk must be ≥ 1');
  }

  push(bytes: Uint8Array): void {
    // Only the bytes of the line in progress are kept between pushes, to tell a blank line from a line.
    const data = this.carry.length > 0 ? concat(this.carry, bytes) : bytes;
    const base = this.offset - this.carry.length;
    let from = this.lineStart - base;
    for (let i = 0; i < data.length; i += 1) {
      if (data[i] !== NEWLINE) continue;
      this.endLine(data, from, i, base + i + 1);
      from = i + 1;
    }
    this.offset = base + data.length;
    this.carry = data.slice(from);
  }

  /** The plan once every byte was pushed: the count of non-blank lines and the chunks. */
  finish(): { lines: number; chunks: ChunkPlan[] } {
    if (this.carry.length > 0) this.endLine(this.carry, 0, this.carry.length, this.offset);
    this.carry = new Uint8Array(0);
    if (this.current) this.chunks.push(this.current);
    this.current = undefined;
    return { lines: this.total, chunks: this.chunks };
  }

  private endLine(data: Uint8Array, from: number, to: number, nextLineStart: number): void {
    if (!isBlank(data, from, to)) {
      if (!this.current)
        this.current = {
          chunk: this.chunks.length,
          start: this.lineStart,
          end: 0,
          firstLine: this.lineNumber,
          lines: 0,
        };
      this.current.lines += 1;
      this.current.end = nextLineStart;
      this.total += 1;
      if (this.current.lines === this.linesPerChunk) {
        this.chunks.push(this.current);
        this.current = undefined;
      }
    } else if (this.current) {
      this.current.end = nextLineStart;
    }
    this.lineStart = nextLineStart;
    this.lineNumber += 1;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

export function planChunks(file: Uint8Array, linesPerChunk: number): { lines: number; chunks: ChunkPlan[] } {
  const planner = new ChunkPlanner(linesPerChunk);
  planner.push(file);
  return planner.finish();
}

/** The non-blank lines of a chunk's text, each with its line number in the file. */
export function linesOfChunk(text: string, firstLine: number): { line: number; text: string }[] {
  return text
    .split('\n')
    .map((content, index) => ({ line: firstLine + index, text: content.replace(/\r$/, '') }))
    .filter((entry) => entry.text.trim() !== '');
}

/** Why a line was not applied: a problem's kind (a stable code), what happened, the fields at fault. */
export interface LineProblem {
  code: string;
  detail: string;
  errors?: FieldError[];
}

export type ReadLine = { ok: true; value: ImportLine } | { ok: false; problem: LineProblem };

/**
 * The longest line a file may hold, as a request body may be (64 KiB of UTF-8): no line the API
 * documents comes near it (a basket of 500 lines is ~60 KB), and a longer one is refused on its own
 * instead of being parsed and held in a worker's memory.
 */
export const MAX_LINE_BYTES = 64 * 1024;

function utf8Length(text: string): number {
  // A UTF-16 unit is 1 to 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4): measure only when it may matter.
  if (text.length > MAX_LINE_BYTES) return text.length;
  if (text.length * 3 <= MAX_LINE_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}

/** A line of the file as JSON checked against the line schema; paths name the field within the line. */
export function readImportLine(text: string): ReadLine {
  if (utf8Length(text) > MAX_LINE_BYTES)
    return {
      ok: false,
      problem: {
        code: 'line-too-long',
        detail: `The line is longer than ${MAX_LINE_BYTES.toLocaleString('en')} bytes (64 KiB), the most a line may hold.`,
      },
    };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: { code: 'malformed-json', detail: malformedJsonDetail(error as Error) } };
  }
  const parsed = ImportLine.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problem: {
      code: 'validation-error',
      detail: 'The line does not match the import line schema; see errors.',
      errors: parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || 'line',
        message: issue.message,
      })),
    },
  };
}

/**
 * Where the JSON went wrong, never what the line says: the parser's own message quotes the
 * line's text (names, emails), and a bad line's problem is kept after the line is gone.
 */
function malformedJsonDetail(error: Error): string {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (position !== undefined) return `Not valid JSON (at character ${Number(position) + 1}).`;
  if (/end of (JSON|data) input/i.test(error.message)) return 'Not valid JSON (it ends too early).';
  return 'Not valid JSON.';
}

/** Bad lines' problems are kept this long: time to fix and send the file again, not forever. */
export const LINE_ERROR_RETENTION_DAYS = 30;

/** Text values of a line shorter than this are not looked for in its problem (`EUR`, `ok`). */
const SHORTEST_QUOTED_VALUE = 4;

/**
 * A problem that keeps no value of its line: any text value of the line (an email, a name, an
 * external id) that a message quotes is replaced by `…`. What is kept is what went wrong and
 * where (the code and the field paths), so erasing a member leaves no copy in an import.
 */
export function problemWithoutLineValues(problem: LineProblem, line: unknown): LineProblem {
  const values = new Set<string>();
  // A stack of its own, not recursion: a line can nest arrays as deep as its length allows.
  const pending: unknown[] = [line];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string' && value.length >= SHORTEST_QUOTED_VALUE) values.add(value);
    else if (value && typeof value === 'object') for (const item of Object.values(value)) pending.push(item);
  }
  const scrub = (text: string) => [...values].reduce((kept, value) => kept.split(value).join('…'), text);
  return {
    code: problem.code,
    detail: scrub(problem.detail),
    ...(problem.errors ? { errors: problem.errors.map((e) => ({ path: e.path, message: scrub(e.message) })) } : {}),
  };
}

/**
 * The phase a line is applied in; a line that cannot be read is reported once, in the first phase.
 * Purchase and segment lines name a member by its externalId: they come after every member line.
 */
export function phaseOf(read: ReadLine): ImportPhase {
  return read.ok && read.value.kind !== 'member' ? 'purchases' : 'members';
}

/** A member's opening balance: ONE adjustment entry (reason `import`), or none when there is nothing to carry over. */
export function openingBalanceMovements(line: {
  points?: number | undefined;
  cashback?: { value: number } | undefined;
}): Movement[] {
  const points = line.points ?? 0;
  const cashback = line.cashback?.value ?? 0;
  if (points === 0 && cashback === 0) return [];
  return [
    {
      type: 'adjustment',
      points,
      ...(cashback > 0 ? { cashback: { value: cashback, status: 'available' as const } } : {}),
      reason: 'import',
    },
  ];
}

export interface ImportCounts {
  lines: number;
  processed: number;
  failed: number;
}

/** Lines read before the bad-line share is judged, so one bad line near the top does not stop an import. */
export const MIN_LINES_BEFORE_JUDGING = 100;

/**
 * An import stops early when more than `maxBadShare` of the lines processed so far were bad,
 * judged once enough lines were read (or all of them, for a short file).
 */
export function tooManyBadLines(counts: ImportCounts, maxBadShare: number): boolean {
  const judged = counts.processed >= Math.min(MIN_LINES_BEFORE_JUDGING, counts.lines);
  return judged && counts.processed > 0 && counts.failed / counts.processed > maxBadShare;
}

/** Why an import stopped, in words an operator can act on, saying whether the same file may be sent again. */
export function stopReasonText(reason: 'too-many-bad-lines' | 'storage-busy' | 'interrupted'): string {
  const again =
    'Running the same file again is safe: lines already imported are recognised (by externalId and orderId) and not applied twice.';
  switch (reason) {
    case 'too-many-bad-lines':
      return `Stopped early: too many of the lines read so far were bad (IMPORT_MAX_BAD_SHARE, 10 % by default). Fix the lines listed under the import's errors and send the file again. ${again}`;
    case 'storage-busy':
      return `Stopped: the database stayed too busy (throttled) after every retry with backoff. Send the file again when the load is lower, or raise the table's capacity. ${again}`;
    case 'interrupted':
      return `Stopped on an unexpected error of the import engine (its logs have the details). ${again}`;
  }
}
