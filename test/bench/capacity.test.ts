import { describe, expect, it } from 'vitest';
import {
  indexWriteUnits,
  indexWriteUnitsByIndex,
  itemBytes,
  numberBytes,
  readUnits,
  writeUnits,
  type TableShape,
} from './capacity';

const table: TableShape = {
  partitionKey: 'PK',
  sortKey: 'SK',
  indexes: [
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'ALL' },
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: ['memberId'] },
  ],
};

describe('DynamoDB capacity rules', () => {
  it('sizes names, strings, numbers, maps and lists as DynamoDB documents', () => {
    expect(itemBytes({ PK: { S: 'abc' } })).toBe(5);
    expect(numberBytes('12345')).toBe(4);
    expect(numberBytes('1000')).toBe(2);
    expect(itemBytes({ m: { M: { ab: { N: '7' } } } })).toBe(1 + 3 + 1 + 2 + 2);
    expect(itemBytes({ l: { L: [{ BOOL: true }, { NULL: true }] } })).toBe(1 + 3 + 2 + 2);
  });

  it('charges the larger image per started KB, doubled in a transaction', () => {
    const big = { PK: { S: 'a' }, SK: { S: 'b' }, x: { S: 'y'.repeat(3000) } };
    const small = { PK: { S: 'a' }, SK: { S: 'b' } };
    expect(writeUnits(undefined, small, false)).toBe(1);
    expect(writeUnits(big, small, false)).toBe(3);
    expect(writeUnits(small, big, true)).toBe(6);
    expect(readUnits(0, 'eventual')).toBe(0.5);
    expect(readUnits(4097, 'strong')).toBe(2);
    expect(readUnits(100, 'transactional')).toBe(2);
  });

  it('charges an index only when the item enters, leaves, moves on it or changes what it projects', () => {
    const member = { PK: { S: 'M#1' }, SK: { S: 'P' }, memberId: { S: '1' }, GSI2PK: { S: 'E#1' }, GSI2SK: { S: 'a' } };
    expect(indexWriteUnits(member, { ...member, balance: { N: '5' } }, table)).toBe(0);
    expect(indexWriteUnits(member, { ...member, GSI2SK: { S: 'b' } }, table)).toBe(2);
    expect(indexWriteUnits(undefined, member, table)).toBe(1);
    expect(indexWriteUnits(member, undefined, table)).toBe(1);
    const entry = { PK: { S: 'M#1' }, SK: { S: 'T' }, GSI1PK: { S: 'D' }, GSI1SK: { S: 't' } };
    expect(indexWriteUnits(entry, { ...entry, note: { S: 'x' } }, table)).toBe(1);
    expect(indexWriteUnitsByIndex(member, { ...member, GSI2SK: { S: 'b' } }, table)).toEqual({ GSI2: 2 });
    expect(indexWriteUnitsByIndex(member, { ...member, balance: { N: '5' } }, table)).toEqual({});
  });
});
