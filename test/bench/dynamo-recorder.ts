/**
 * A recording proxy in front of DynamoDB Local. The local stack is pointed at it instead of at
 * DynamoDB Local, so every request the product code sends passes through here unchanged (the
 * response too, byte for byte, so the SDK's checksum still holds). It records each call's
 * operation, timing, items read and written, and — while `accounting` is on — the image of
 * every written item before and after the write, fetched straight from DynamoDB Local around
 * the forwarded request. Write and read units follow from those real items (see capacity.ts).
 * It works at the wire, so it does not depend on how the product code is organised.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  indexWriteUnitsByIndex,
  itemBytes,
  readUnits,
  writeUnits,
  type IndexShape,
  type Item,
  type TableShape,
} from './capacity';

export interface WrittenItem {
  pk: string;
  sk: string;
  bytesAfter: number;
  /** The item as stored after the write (undefined when deleted). */
  after: Item | undefined;
}

export interface DynamoCall {
  operation: string;
  start: number;
  end: number;
  ok: boolean;
  /** Partition key values the call names (reads and writes). */
  partitionKeys: string[];
  wru: number;
  indexWru: number;
  rru: number;
  itemsRead: number;
  /** Size of the items the call read (what read units are charged on). */
  bytesRead: number;
  written: WrittenItem[];
  requestBody: Record<string, unknown>;
}

interface WriteTarget {
  table: string;
  key: Item;
  kind: 'put' | 'update' | 'delete' | 'check';
}

type Json = Record<string, unknown>;

export class DynamoRecorder {
  readonly calls: DynamoCall[] = [];
  /** Fetch before/after images and compute units (slower); off while seeding and timing. */
  accounting = true;
  /** `--detail`: print each counted item write (key, bytes before → after, units, index units by index). */
  detail = false;
  private server: Server | undefined;
  private readonly shapes = new Map<string, Promise<TableShape>>();
  private readonly target: URL;

  constructor(targetEndpoint: string) {
    this.target = new URL(targetEndpoint);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.handle(req.headers, Buffer.concat(chunks), req.method ?? 'POST', req.url ?? '/')
          .then(({ status, headers, body }) => {
            res.writeHead(status, headers);
            res.end(body);
          })
          .catch((error: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(String(error));
          });
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The calls made while `work` ran (run one request at a time for a clean attribution). */
  async during<T>(work: () => Promise<T>): Promise<{ result: T; calls: DynamoCall[]; wallMs: number }> {
    const first = this.calls.length;
    const t0 = performance.now();
    const result = await work();
    const wallMs = performance.now() - t0;
    return { result, calls: this.calls.slice(first), wallMs };
  }

  clear(): void {
    this.calls.length = 0;
  }

  private forward(headers: IncomingHttpHeaders, body: Buffer, method: string, path: string) {
    return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const outgoing = httpRequest(
        { host: this.target.hostname, port: this.target.port, method, path, headers, agent: keepAlive },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 500, headers: response.headers, body: Buffer.concat(chunks) }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** A request of our own to DynamoDB Local (same credentials, so the same database), not recorded. */
  private async direct(headers: IncomingHttpHeaders, operation: string, input: Json): Promise<Json> {
    const own: IncomingHttpHeaders = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      authorization: headers.authorization,
      'x-amz-date': headers['x-amz-date'],
    };
    const response = await this.forward(own, Buffer.from(JSON.stringify(input)), 'POST', '/');
    const parsed = JSON.parse(response.body.toString('utf8')) as Json;
    if (response.status !== 200) throw new Error(`${operation} failed: ${response.body.toString('utf8')}`);
    return parsed;
  }

  private tableShape(headers: IncomingHttpHeaders, table: string): Promise<TableShape> {
    let shape = this.shapes.get(table);
    if (!shape) {
      shape = this.direct(headers, 'DescribeTable', { TableName: table }).then((described) => {
        const description = described.Table as Json;
        const keyOf = (schema: { AttributeName: string; KeyType: string }[]) => ({
          partitionKey: schema.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '',
          sortKey: schema.find((k) => k.KeyType === 'RANGE')?.AttributeName,
        });
        const indexes = ((description.GlobalSecondaryIndexes as Json[] | undefined) ?? []).map((gsi): IndexShape => {
          const projection = gsi.Projection as { ProjectionType: string; NonKeyAttributes?: string[] };
          return {
            name: String(gsi.IndexName),
            ...keyOf(gsi.KeySchema as never),
            projection:
              projection.ProjectionType === 'INCLUDE'
                ? (projection.NonKeyAttributes ?? [])
                : (projection.ProjectionType as 'ALL' | 'KEYS_ONLY'),
          };
        });
        return { ...keyOf(description.KeySchema as never), indexes };
      });
      this.shapes.set(table, shape);
    }
    return shape;
  }

  private async getItem(headers: IncomingHttpHeaders, table: string, key: Item): Promise<Item | undefined> {
    const answer = await this.direct(headers, 'GetItem', { TableName: table, Key: key, ConsistentRead: true });
    return answer.Item as Item | undefined;
  }

  private async writeTargets(headers: IncomingHttpHeaders, operation: string, input: Json): Promise<WriteTarget[]> {
    const keyOfItem = async (table: string, item: Item): Promise<Item> => {
      const shape = await this.tableShape(headers, table);
      const key: Item = {};
      for (const name of [shape.partitionKey, shape.sortKey]) if (name && item[name]) key[name] = item[name];
      return key;
    };
    const table = text(input.TableName);
    switch (operation) {
      case 'PutItem':
        return [{ table, key: await keyOfItem(table, input.Item as Item), kind: 'put' }];
      case 'UpdateItem':
        return [{ table, key: input.Key as Item, kind: 'update' }];
      case 'DeleteItem':
        return [{ table, key: input.Key as Item, kind: 'delete' }];
      case 'TransactWriteItems':
        return Promise.all(
          (input.TransactItems as Json[]).map(async (action): Promise<WriteTarget> => {
            const [kind, detail] = Object.entries(action)[0] as [string, Json];
            const name = String(detail.TableName);
            if (kind === 'Put') return { table: name, key: await keyOfItem(name, detail.Item as Item), kind: 'put' };
            if (kind === 'Update') return { table: name, key: detail.Key as Item, kind: 'update' };
            if (kind === 'Delete') return { table: name, key: detail.Key as Item, kind: 'delete' };
            return { table: name, key: detail.Key as Item, kind: 'check' };
          }),
        );
      case 'BatchWriteItem': {
        const targets: WriteTarget[] = [];
        for (const [name, requests] of Object.entries(input.RequestItems as Record<string, Json[]>))
          for (const r of requests) {
            const put = r.PutRequest as Json | undefined;
            const del = r.DeleteRequest as Json | undefined;
            if (put) targets.push({ table: name, key: await keyOfItem(name, put.Item as Item), kind: 'put' });
            if (del) targets.push({ table: name, key: del.Key as Item, kind: 'delete' });
          }
        return targets;
      }
      default:
        return [];
    }
  }

  private async handle(headers: IncomingHttpHeaders, body: Buffer, method: string, path: string) {
    const start = performance.now();
    const operation = String(headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Json) : {};
    const accounting = this.accounting;
    const targets = accounting ? await this.writeTargets(headers, operation, input) : [];
    const before = await Promise.all(targets.map((t) => this.getItem(headers, t.table, t.key)));
    const response = await this.forward(headers, body, method, path);
    const ok = response.status === 200;
    const output = response.body.length > 0 ? (JSON.parse(response.body.toString('utf8')) as Json) : {};
    const call: DynamoCall = {
      operation,
      start,
      end: 0,
      ok,
      partitionKeys: partitionKeysOf(input),
      wru: 0,
      indexWru: 0,
      rru: 0,
      itemsRead: 0,
      bytesRead: 0,
      written: [],
      requestBody: input,
    };
    if (accounting) {
      const after = await Promise.all(targets.map((t) => this.getItem(headers, t.table, t.key)));
      const transactional = operation === 'TransactWriteItems';
      for (const [i, target] of targets.entries()) {
        const old = before[i];
        const next = after[i];
        call.wru += writeUnits(old, target.kind === 'check' ? undefined : next, transactional);
        if (ok && target.kind !== 'check') {
          const shape = await this.tableShape(headers, target.table);
          const byIndex = indexWriteUnitsByIndex(old, next, shape);
          call.indexWru += Object.values(byIndex).reduce((sum, units) => sum + units, 0);
          if (this.detail) {
            const key = [target.key[shape.partitionKey], shape.sortKey ? target.key[shape.sortKey] : undefined]
              .map(stringOf)
              .join(' ');
            const indexes = Object.entries(byIndex).map(([name, units]) => ` + ${name} ${units}`);
            console.error(
              `[detail] ${operation} ${target.kind} ${key}: ${itemBytes(old)} → ${itemBytes(next)} B, ` +
                `${writeUnits(old, next, transactional)} WRU${indexes.join('')}`,
            );
          }
          call.written.push({
            pk: stringOf(target.key[shape.partitionKey]),
            sk: shape.sortKey ? stringOf(target.key[shape.sortKey]) : '',
            bytesAfter: itemBytes(next),
            after: next,
          });
        }
      }
      await this.countReads(headers, operation, input, output, call);
    }
    call.end = performance.now();
    this.calls.push(call);
    return { status: response.status, headers: response.headers, body: response.body };
  }

  private async countReads(
    headers: IncomingHttpHeaders,
    operation: string,
    input: Json,
    output: Json,
    call: DynamoCall,
  ) {
    const consistency = input.ConsistentRead === true ? 'strong' : 'eventual';
    if (operation === 'GetItem') {
      call.bytesRead = itemBytes(output.Item as Item | undefined);
      call.rru = readUnits(call.bytesRead, consistency);
      call.itemsRead = output.Item ? 1 : 0;
    } else if (operation === 'Query' || operation === 'Scan') {
      // Capacity is charged on every item the key condition reads, before any filter or projection.
      let items = (output.Items as Item[] | undefined) ?? [];
      if (input.FilterExpression || input.ProjectionExpression || input.Select || input.AttributesToGet) {
        const unfiltered: Json = { ...input };
        for (const name of ['FilterExpression', 'ProjectionExpression', 'Select', 'AttributesToGet'])
          delete unfiltered[name];
        // Keep only the names and values the key condition uses: DynamoDB refuses unused ones.
        const condition = text(input.KeyConditionExpression);
        for (const field of ['ExpressionAttributeNames', 'ExpressionAttributeValues']) {
          const map = input[field] as Json | undefined;
          if (map)
            unfiltered[field] = Object.fromEntries(Object.entries(map).filter(([token]) => condition.includes(token)));
        }
        try {
          items = ((await this.direct(headers, operation, unfiltered)).Items as Item[] | undefined) ?? items;
        } catch {
          // An expression attribute left unused is a ValidationException: fall back to what was returned.
        }
      }
      const bytes = items.reduce((sum, item) => sum + itemBytes(item), 0);
      call.bytesRead = bytes;
      call.rru = readUnits(bytes, input.IndexName ? 'eventual' : consistency);
      call.itemsRead = Number(output.ScannedCount ?? items.length);
    } else if (operation === 'BatchGetItem') {
      const responses = (output.Responses as Record<string, Item[]> | undefined) ?? {};
      for (const [table, request] of Object.entries(input.RequestItems as Record<string, Json>)) {
        const found = responses[table] ?? [];
        const keys = (request.Keys as Item[]).length;
        const mode = request.ConsistentRead === true ? 'strong' : 'eventual';
        // Each item is rounded on its own; a key not found still costs the minimum.
        call.rru += found.reduce((sum, item) => sum + readUnits(itemBytes(item), mode), 0);
        call.rru += Math.max(0, keys - found.length) * readUnits(0, mode);
        call.itemsRead += found.length;
        call.bytesRead += found.reduce((sum, item) => sum + itemBytes(item), 0);
      }
    } else if (operation === 'TransactGetItems') {
      for (const response of (output.Responses as Json[] | undefined) ?? []) {
        call.rru += readUnits(itemBytes(response.Item as Item | undefined), 'transactional');
        if (response.Item) call.itemsRead += 1;
      }
    }
  }
}

const keepAlive = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 256 });

const text = (value: unknown) => (typeof value === 'string' ? value : '');

function stringOf(value: Record<string, unknown> | undefined): string {
  if (!value) return '';
  return text(value.S ?? value.N);
}

/** Every partition key value a request names, for attributing calls (e.g. the key lookup of the authorizer). */
function partitionKeysOf(input: Json): string[] {
  const found: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [name, inner] of Object.entries(value)) {
        if ((name === 'Key' || name === 'Item') && inner && typeof inner === 'object') {
          const pk = (inner as Record<string, Record<string, unknown>>).PK;
          if (pk) found.push(stringOf(pk));
        }
        visit(inner);
      }
    }
  };
  visit(input);
  return found;
}

/** Round trips: calls that overlap in time ran in parallel and count once. */
export function roundTrips(calls: DynamoCall[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  let trips = 0;
  let busyUntil = -Infinity;
  for (const call of sorted) {
    if (call.start >= busyUntil) trips += 1;
    busyUntil = Math.max(busyUntil, call.end);
  }
  return trips;
}

/** Milliseconds during which at least one DynamoDB call was in flight. */
export function dynamoMs(calls: DynamoCall[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  let total = 0;
  let from = -Infinity;
  let to = -Infinity;
  for (const call of sorted) {
    if (call.start > to) {
      if (to > from) total += to - from;
      from = call.start;
      to = call.end;
    } else to = Math.max(to, call.end);
  }
  if (to > from) total += to - from;
  return total;
}
