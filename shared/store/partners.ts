import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '@shared/domain/errors';
import type { Scope } from '@shared/schemas/admin';
import { store } from './client';
import { keys } from './keys';
import type { ConditionalWrite } from './commit';

export interface Principal {
  partnerId: string;
  role: 'partner' | 'admin';
  scopes: Scope[];
}

/** Keys are stored only as their SHA-256 hash; the key itself is shown once at creation. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export function newApiKey(): string {
  return `rk_${randomBytes(24).toString('base64url')}`;
}

export async function findPrincipal(apiKey: string): Promise<Principal | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.apiKey(hashApiKey(apiKey)) }));
  if (!Item) return undefined;
  return {
    partnerId: String(Item.partnerId),
    role: Item.role === 'admin' ? 'admin' : 'partner',
    scopes: (Item.scopes as Scope[]) ?? [],
  };
}

/** The writes that create a partner: its record and its key hash (one transaction with the idempotency record). */
export function partnerWrites(input: {
  partnerId: string;
  name: string;
  scopes: Scope[];
  apiKey: string;
  createdAt: string;
  role?: 'partner' | 'admin';
}): ConditionalWrite[] {
  const { tableName } = store();
  const keyHash = hashApiKey(input.apiKey);
  const role = input.role ?? 'partner';
  return [
    {
      item: {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.partner(input.partnerId),
            entity: 'partner',
            partnerId: input.partnerId,
            name: input.name,
            scopes: input.scopes,
            role,
            keyHash,
            createdAt: input.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    },
    {
      item: {
        Put: {
          TableName: tableName,
          Item: { ...keys.apiKey(keyHash), entity: 'apikey', partnerId: input.partnerId, scopes: input.scopes, role },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    },
  ];
}

/** Seeds a key whose value is known (local keys, the first admin key of a region); replaces an earlier one of the same partner id. */
export async function putKnownKey(input: {
  partnerId: string;
  name: string;
  scopes: Scope[];
  apiKey: string;
  role: 'partner' | 'admin';
}): Promise<void> {
  const { client, tableName } = store();
  const keyHash = hashApiKey(input.apiKey);
  const createdAt = new Date().toISOString();
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...keys.partner(input.partnerId),
        entity: 'partner',
        partnerId: input.partnerId,
        name: input.name,
        scopes: input.scopes,
        role: input.role,
        keyHash,
        createdAt,
      },
    }),
  );
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...keys.apiKey(keyHash),
        entity: 'apikey',
        partnerId: input.partnerId,
        scopes: input.scopes,
        role: input.role,
      },
    }),
  );
}

export async function findPartnerKeyHash(partnerId: string): Promise<string> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.partner(partnerId), ConsistentRead: true }),
  );
  if (!Item) throw new DomainError('partner-not-found', `No partner ${partnerId}.`);
  return String(Item.keyHash);
}

export function deletePartnerWrites(partnerId: string, keyHash: string): ConditionalWrite[] {
  const { tableName } = store();
  return [
    {
      item: {
        Delete: { TableName: tableName, Key: keys.partner(partnerId), ConditionExpression: 'attribute_exists(PK)' },
      },
      onConditionFailed: () => new DomainError('partner-not-found', `No partner ${partnerId}.`),
    },
    { item: { Delete: { TableName: tableName, Key: keys.apiKey(keyHash) } } },
  ];
}
