import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '@shared/domain/errors';
import { MAX_WEBHOOKS_PER_REGION, type StoredSecret } from '@shared/domain/webhooks';
import type { Sealed } from '@shared/secrets/envelope';
import type { StoredSecrets } from '@shared/secrets/webhook-secrets';
import { store } from '../client';
import type { ConditionalWrite } from '../commit';
import type { Item } from '../item';
import { queryAll } from '../query';

/**
 * Webhook endpoints: one small partition (at most 20 per region) with their count, listed by one
 * Query. Their deliveries are items of their own (./delivery.ts).
 */
const keys = {
  webhook: (webhookId: string) => ({ PK: 'WEBHOOKS', SK: `WEBHOOK#${webhookId}` }),
  webhookCount: () => ({ PK: 'WEBHOOKS', SK: 'COUNT' }),
  webhooksPartition: 'WEBHOOKS',
  webhookPrefix: 'WEBHOOK#',
};

/** A webhook endpoint, without its signing secrets (the API never shows them after creation). */
export interface WebhookEndpoint {
  webhookId: string;
  url: string;
  types: string[];
  description?: string;
  status: 'enabled' | 'disabled';
  createdAt: string;
  updatedAt?: string;
  /** Bumped by every change: a change conditioned on it never overwrites another one. */
  revision: number;
}

/** An endpoint with its secrets as stored: only what signs (delivery) or changes them (the admin routes) reads them. */
export interface WebhookWithSecrets {
  endpoint: WebhookEndpoint;
  secrets: StoredSecrets;
}

export type WebhookView = Omit<WebhookEndpoint, 'revision'>;

export function webhookView(endpoint: WebhookEndpoint): WebhookView {
  const { revision: _revision, ...view } = endpoint;
  return view;
}

const notFound = (webhookId: string) => new DomainError('webhook-not-found', `No webhook ${webhookId}.`);

/**
 * The endpoint's fields, not its secrets: every read that does not sign or change secrets projects
 * these (the fan-out's query among them), so the secrets never reach its memory.
 */
const ENDPOINT_FIELDS = ['webhookId', 'url', 'types', 'description', 'status', 'createdAt', 'updatedAt', 'revision'];
const endpointProjection = {
  ProjectionExpression: ENDPOINT_FIELDS.map((field) => `#${field}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(ENDPOINT_FIELDS.map((field) => [`#${field}`, field])),
};

/** Written sealed only (`sealedSecrets`); `secrets` in clear is how endpoints were stored before sealing. */
function endpointToItem(endpoint: WebhookEndpoint, sealed: Sealed): Item {
  return { ...keys.webhook(endpoint.webhookId), entity: 'webhook', ...endpoint, sealedSecrets: sealed };
}

function itemToEndpoint(item: Item): WebhookEndpoint {
  const { PK: _pk, SK: _sk, entity: _entity, secrets: _secrets, sealedSecrets: _sealedSecrets, ...endpoint } = item;
  return endpoint as unknown as WebhookEndpoint;
}

function itemToSecrets(item: Item): StoredSecrets {
  if (item.sealedSecrets) return { sealed: item.sealedSecrets as Sealed };
  return { plaintext: (item.secrets ?? []) as StoredSecret[] };
}

/**
 * Creating an endpoint also counts it: the count item's condition keeps a region at 20 even
 * when admins create endpoints at the same moment (both in the create's one transaction).
 */
export function createWebhookWrites(endpoint: WebhookEndpoint, sealed: Sealed): ConditionalWrite[] {
  const { tableName } = store();
  return [
    {
      item: {
        Update: {
          TableName: tableName,
          Key: keys.webhookCount(),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_WEBHOOKS_PER_REGION },
        },
      },
      onConditionFailed: () =>
        new DomainError('too-many-webhooks', `A region has at most ${MAX_WEBHOOKS_PER_REGION} webhook endpoints.`, [
          { path: 'body', message: `at most ${MAX_WEBHOOKS_PER_REGION} webhook endpoints per region` },
        ]),
    },
    {
      item: {
        Put: {
          TableName: tableName,
          Item: endpointToItem(endpoint, sealed),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    },
  ];
}

export function deleteWebhookWrites(webhookId: string): ConditionalWrite[] {
  const { tableName } = store();
  return [
    {
      item: {
        Delete: { TableName: tableName, Key: keys.webhook(webhookId), ConditionExpression: 'attribute_exists(PK)' },
      },
      onConditionFailed: () => notFound(webhookId),
    },
    {
      item: {
        Update: {
          TableName: tableName,
          Key: keys.webhookCount(),
          UpdateExpression: 'ADD #count :minusOne',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
    },
  ];
}

/**
 * Replaces an endpoint read at `expectedRevision`, its secrets sealed (whatever form they were read
 * in); a concurrent change makes it a VersionConflictError (read again).
 */
export function replaceWebhookWrite(
  endpoint: WebhookEndpoint,
  sealed: Sealed,
  expectedRevision: number,
): ConditionalWrite {
  return {
    item: {
      Put: {
        TableName: store().tableName,
        Item: endpointToItem({ ...endpoint, revision: expectedRevision + 1 }, sealed),
        ConditionExpression: '#revision = :expected',
        ExpressionAttributeNames: { '#revision': 'revision' },
        ExpressionAttributeValues: { ':expected': expectedRevision },
      },
    },
  };
}

export async function findWebhook(webhookId: string): Promise<WebhookEndpoint | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.webhook(webhookId), ConsistentRead: true, ...endpointProjection }),
  );
  return Item ? itemToEndpoint(Item) : undefined;
}

export async function loadWebhook(webhookId: string): Promise<WebhookEndpoint> {
  const endpoint = await findWebhook(webhookId);
  if (!endpoint) throw notFound(webhookId);
  return endpoint;
}

/** The endpoint with its secrets as stored (sealed, or in clear from before sealing). */
export async function findWebhookWithSecrets(webhookId: string): Promise<WebhookWithSecrets | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.webhook(webhookId), ConsistentRead: true }),
  );
  return Item ? { endpoint: itemToEndpoint(Item), secrets: itemToSecrets(Item) } : undefined;
}

export async function loadWebhookWithSecrets(webhookId: string): Promise<WebhookWithSecrets> {
  const found = await findWebhookWithSecrets(webhookId);
  if (!found) throw notFound(webhookId);
  return found;
}

/** Every endpoint of the region (at most 20: one Query of one small partition), without secrets. */
export async function listWebhooks(): Promise<WebhookEndpoint[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.webhooksPartition, ':prefix': keys.webhookPrefix },
    ConsistentRead: true,
    ...endpointProjection,
  });
  return items.map(itemToEndpoint);
}

/** The endpoints whose secrets are still stored in clear (the migration's work list). */
export async function listWebhooksWithPlaintextSecrets(): Promise<WebhookWithSecrets[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    FilterExpression: 'attribute_not_exists(sealedSecrets)',
    ExpressionAttributeValues: { ':pk': keys.webhooksPartition, ':prefix': keys.webhookPrefix },
    ConsistentRead: true,
  });
  return items.map((item) => ({ endpoint: itemToEndpoint(item), secrets: itemToSecrets(item) }));
}
