/**
 * DynamoDB's published capacity rules, applied to items in the wire format (`{ "S": "…" }`).
 * DynamoDB Local does return ConsumedCapacity, but not by these rules for transactions (it
 * rounds the sum of a transaction's items instead of each item, and ignores ConditionCheck),
 * so the bench computes units itself from the items the requests actually wrote and read.
 */

export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

export interface IndexShape {
  name: string;
  partitionKey: string;
  sortKey?: string;
  /** 'ALL', 'KEYS_ONLY' or the INCLUDE list. */
  projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

export interface TableShape {
  partitionKey: string;
  sortKey?: string;
  indexes: IndexShape[];
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A number's size: 1 byte per two significant digits, plus 1 (leading and trailing zeros are not stored). */
export function numberBytes(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function binaryBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  return Buffer.from(String(value), 'base64').byteLength;
}

/** Size of one attribute value (without its name), per the DynamoDB item-size rules. */
export function valueBytes(value: AttributeValue): number {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return utf8(String(inner));
    case 'N':
      return numberBytes(String(inner));
    case 'B':
      return binaryBytes(inner);
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (inner as string[]).reduce((sum, s) => sum + utf8(s), 0);
    case 'NS':
      return (inner as string[]).reduce((sum, n) => sum + numberBytes(n), 0);
    case 'BS':
      return (inner as unknown[]).reduce<number>((sum, b) => sum + binaryBytes(b), 0);
    case 'L':
      // 3 bytes for the list, 1 byte per element.
      return 3 + (inner as AttributeValue[]).reduce((sum, element) => sum + 1 + valueBytes(element), 0);
    case 'M':
      // 3 bytes for the map, 1 byte per element; each element counts its key like an attribute name.
      return (
        3 +
        Object.entries(inner as Item).reduce((sum, [name, element]) => sum + 1 + utf8(name) + valueBytes(element), 0)
      );
    default:
      throw new Error(`unknown attribute type ${type}`);
  }
}

/** Item size in bytes: every attribute name plus its value. */
export function itemBytes(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);
}

const KB = 1024;
const READ_BLOCK = 4 * KB;

/** Write units of one item write: the larger of the item before and after, per started KB (at least 1). */
export function writeUnits(before: Item | undefined, after: Item | undefined, transactional: boolean): number {
  const units = Math.max(1, Math.ceil(Math.max(itemBytes(before), itemBytes(after)) / KB));
  return transactional ? 2 * units : units;
}

/** Read units of items read together (a Query's page): their summed size per started 4 KB (at least one block). */
export function readUnits(bytes: number, consistency: 'eventual' | 'strong' | 'transactional'): number {
  const blocks = Math.max(1, Math.ceil(bytes / READ_BLOCK));
  return consistency === 'eventual' ? blocks / 2 : consistency === 'strong' ? blocks : 2 * blocks;
}

const hasKey = (item: Item | undefined, index: IndexShape): item is Item =>
  item !== undefined &&
  item[index.partitionKey] !== undefined &&
  (index.sortKey === undefined || item[index.sortKey] !== undefined);

/** The item as the index stores it, or undefined when the item is not on the (sparse) index. */
export function projectOnIndex(item: Item | undefined, table: TableShape, index: IndexShape): Item | undefined {
  if (!hasKey(item, index)) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([table.partitionKey, index.partitionKey]);
  if (table.sortKey) names.add(table.sortKey);
  if (index.sortKey) names.add(index.sortKey);
  if (index.projection !== 'KEYS_ONLY') for (const name of index.projection) names.add(name);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

/** A canonical text of an item, so two images compare equal whatever their attribute order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const indexKeyOf = (item: Item, index: IndexShape) =>
  canonical([item[index.partitionKey], index.sortKey ? item[index.sortKey] : null]);

/**
 * Index write units of one successful item write, per index it costs on (index writes are standard
 * writes, never doubled): an item entering the index is one put, leaving it one delete, moving its
 * index key a delete and a put, and changing a projected attribute one put; a write that changes
 * nothing the index holds is free (and absent from the answer).
 */
export function indexWriteUnitsByIndex(
  before: Item | undefined,
  after: Item | undefined,
  table: TableShape,
): Record<string, number> {
  const units: Record<string, number> = {};
  for (const index of table.indexes) {
    const old = projectOnIndex(before, table, index);
    const next = projectOnIndex(after, table, index);
    const put = (item: Item) => Math.max(1, Math.ceil(itemBytes(item) / KB));
    let charged = 0;
    if (old && next) {
      if (indexKeyOf(old, index) !== indexKeyOf(next, index)) charged = put(old) + put(next);
      else if (canonical(old) !== canonical(next)) charged = put(next);
    } else if (old) charged = put(old);
    else if (next) charged = put(next);
    if (charged > 0) units[index.name] = charged;
  }
  return units;
}

/** Index write units of one successful item write, all indexes together (`indexWriteUnitsByIndex`). */
export function indexWriteUnits(before: Item | undefined, after: Item | undefined, table: TableShape): number {
  return Object.values(indexWriteUnitsByIndex(before, after, table)).reduce((sum, units) => sum + units, 0);
}
