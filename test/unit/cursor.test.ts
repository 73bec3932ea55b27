import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '@shared/store/cursor';
import { InvalidCursorError } from '@shared/store/errors';

const ledgerOf = (memberId: string) => ({ list: 'ledger', boundTo: memberId });

describe('page cursors', () => {
  it('give back the sort key to the list and binding they were made for', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (memberId, sortKey) => {
        expect(decodeCursor(encodeCursor(ledgerOf(memberId), sortKey), ledgerOf(memberId))).toBe(sortKey);
      }),
    );
  });

  it('refuse a cursor made for another member, list or range', () => {
    const cursor = encodeCursor(ledgerOf('mem_a'), 'TX#0000000002#0');
    expect(() => decodeCursor(cursor, ledgerOf('mem_b'))).toThrow(InvalidCursorError);
    expect(() => decodeCursor(cursor, { list: 'snapshots', boundTo: 'mem_a' })).toThrow(InvalidCursorError);
    expect(() => decodeCursor(cursor, 'ledger')).toThrow(InvalidCursorError);
  });

  it('refuse any change to a cursor (one character replaced)', () => {
    const cursor = encodeCursor(ledgerOf('mem_a'), 'TX#0000000002#0');
    fc.assert(
      fc.property(
        fc.nat({ max: cursor.length - 1 }),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'),
        (index, character) => {
          fc.pre(cursor[index] !== character);
          const altered = cursor.slice(0, index) + character + cursor.slice(index + 1);
          // base64url's last character may carry unused bits: a change there can decode to the same bytes.
          let sortKey: string | undefined;
          try {
            sortKey = decodeCursor(altered, ledgerOf('mem_a'));
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidCursorError);
            return;
          }
          expect(sortKey).toBe('TX#0000000002#0');
        },
      ),
    );
  });

  it('refuse what is not a cursor, and an unsigned one', () => {
    const unsigned = Buffer.from(JSON.stringify({ l: 'ledger', b: 'mem_a', k: 'PROFILE' })).toString('base64url');
    for (const bad of ['', 'garbage', 'a.b.c', unsigned, `${unsigned}.`])
      expect(() => decodeCursor(bad, ledgerOf('mem_a'))).toThrow(InvalidCursorError);
  });

  it('refuse a signed payload that is not exactly { l, b, k } of strings', () => {
    const previous = process.env.CURSOR_SECRET;
    process.env.CURSOR_SECRET = 'unit-test-cursor-secret';
    try {
      const signed = (value: unknown) => {
        const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
        const signature = createHmac('sha256', 'unit-test-cursor-secret').update(payload).digest('base64url');
        return `${payload}.${signature}`;
      };
      expect(decodeCursor(signed({ l: 'ledger', b: 'mem_a', k: 'PROFILE' }), ledgerOf('mem_a'))).toBe('PROFILE');
      for (const bad of [
        { l: 'ledger', b: 'mem_a', k: 'PROFILE', x: '' },
        { l: 'ledger', b: 'mem_a' },
        { l: 'ledger', b: 'mem_a', k: 7 },
        { l: 'ledger', b: 'mem_a', k: null },
        ['ledger', 'mem_a', 'PROFILE'],
        null,
        'PROFILE',
      ])
        expect(() => decodeCursor(signed(bad), ledgerOf('mem_a'))).toThrow(InvalidCursorError);
      const notJson = Buffer.from('{').toString('base64url');
      const notJsonSigned = `${notJson}.${createHmac('sha256', 'unit-test-cursor-secret').update(notJson).digest('base64url')}`;
      expect(() => decodeCursor(notJsonSigned, ledgerOf('mem_a'))).toThrow(InvalidCursorError);
    } finally {
      if (previous === undefined) delete process.env.CURSOR_SECRET;
      else process.env.CURSOR_SECRET = previous;
    }
  });
});
