import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdminKey } from '@infra/scripts/create-admin-key';
import { findPrincipal, hashApiKey } from '@shared/store/partners';
import { apiKeyKey } from '@shared/store/items/api-key';
import { partnerKey } from '@shared/store/items/partner';
import type { StoreConfig } from '@shared/store/client';
import { useFreshTable } from '../support/table';

let store: StoreConfig;
beforeAll(async () => {
  store = await useFreshTable();
});

describe('npm run admin-key', () => {
  it('creates a key that the authorizer resolves to an admin', async () => {
    const { apiKey, partnerId } = await createAdminKey({ name: 'Ops team' });
    expect(await findPrincipal(apiKey)).toEqual({ partnerId, role: 'admin', scopes: [] });
  });

  it('stores only the hash of the key, never the key', async () => {
    const { apiKey, partnerId } = await createAdminKey({ name: 'Ops team' });
    const { Item: keyItem } = await store.client.send(
      new GetCommand({ TableName: store.tableName, Key: apiKeyKey(hashApiKey(apiKey)) }),
    );
    const { Item: partnerItem } = await store.client.send(
      new GetCommand({ TableName: store.tableName, Key: partnerKey(partnerId) }),
    );
    expect(keyItem).toBeDefined();
    expect(partnerItem).toMatchObject({ name: 'Ops team', role: 'admin' });
    expect(JSON.stringify([keyItem, partnerItem])).not.toContain(apiKey);
  });

  it('makes a different key each time', async () => {
    const first = await createAdminKey({ name: 'A' });
    const second = await createAdminKey({ name: 'B' });
    expect(first.apiKey).not.toBe(second.apiKey);
    expect(first.partnerId).not.toBe(second.partnerId);
  });
});
