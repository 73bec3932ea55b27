import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartner,
  deletePartner,
  listPartners,
  rotatePartnerKey,
  updatePartner,
  KEY_OVERLAP_MS,
} from '@shared/app/partners';
import { readAudit } from '@shared/app/reads/audit-reads';
import {
  tableOnlyThrottles,
  usePartnerThrottles,
  type PartnerThrottles,
  type RateLimit,
} from '@shared/app/support/partner-throttles';
import { getProgramVersion, putProgram } from '@shared/app/put-program';
import { executeOnce } from '@shared/app/support/execute';
import type { Caller } from '@shared/app/support/outcome';
import { DomainError } from '@shared/domain/errors';
import { toProblem } from '@shared/http/problems';
import type { ProgramRules } from '@shared/schemas/program';
import { findPrincipal, putKnownKey } from '@shared/store/partners';
import { readProgram } from '@shared/store/program';
import { useFreshTable } from '../support/table';
import { respond } from '../support/use-cases';

const T0 = Date.parse('2026-06-01T09:00:00.000Z');
const admin = (ms = 0, key?: string): Caller => ({
  partnerId: 'admin',
  idempotency: key ? { scope: 'admin', key, requestHash: `hash-${key}` } : undefined,
  now: () => new Date(T0 + ms),
});
const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DomainError);
  return toProblem(error).problem;
};

beforeAll(async () => {
  await useFreshTable();
});

describe('program versions and preconditions', () => {
  const rulesOf = async (): Promise<ProgramRules> => {
    const { version: _v, updatedAt: _u, ...rules } = (await readProgram()).program;
    return rules;
  };
  const put = (rules: ProgramRules, preconditions = {}) => executeOnce(putProgram(rules, preconditions), admin());

  it('saves a new version for new rules, none for equal rules, and keeps every version', async () => {
    const rules = await rulesOf();
    const same = await put(rules);
    expect(same).toMatchObject({ saved: false, program: { version: 1 } });
    const changed = await put({ ...rules, earn: { ...rules.earn, pointsPerUnit: rules.earn.pointsPerUnit + 1 } });
    expect(changed).toMatchObject({ saved: true, program: { version: 2 } });
    expect(await put(await rulesOf())).toMatchObject({ saved: false, program: { version: 2 } });
    expect((await getProgramVersion(1)).earn.pointsPerUnit).toBe(rules.earn.pointsPerUnit);
    expect((await getProgramVersion(2)).earn.pointsPerUnit).toBe(rules.earn.pointsPerUnit + 1);
    expect((await refusal(getProgramVersion(3))).status).toBe(404);
  });

  it('refuses a change made on an older version: If-Match 412, body version 409, nothing saved', async () => {
    const rules = await rulesOf();
    const { version } = (await readProgram()).program;
    const next = { ...rules, earn: { ...rules.earn, pointsPerUnit: rules.earn.pointsPerUnit + 5 } };
    expect(await refusal(put(next, { ifMatch: { version: version - 1, weak: false } }))).toMatchObject({ status: 412 });
    expect(await refusal(put(next, { ifMatch: { version, weak: true } }))).toMatchObject({ status: 412 });
    expect(await refusal(put(next, { version: version - 1 }))).toMatchObject({ status: 409 });
    expect((await readProgram()).program.version).toBe(version);
    expect(await put(next, { ifMatch: { version, weak: false }, version })).toMatchObject({
      saved: true,
      program: { version: version + 1 },
    });
  });
});

describe('partners', () => {
  const provisioned: { partnerId: string; rateLimit: RateLimit }[] = [];
  const removed: string[] = [];
  const changed: { planId: string | undefined; rateLimit: RateLimit }[] = [];
  const recording: PartnerThrottles = {
    provision: (partner) => {
      provisioned.push({ partnerId: partner.partnerId, rateLimit: partner.rateLimit });
      return Promise.resolve({ planId: `plan-${partner.partnerId}` });
    },
    change: (partner) => {
      changed.push({ planId: partner.throttleIds.planId, rateLimit: partner.rateLimit });
      return Promise.resolve();
    },
    remove: (partner) => {
      removed.push(partner.throttleIds.planId ?? '');
      return Promise.resolve();
    },
  };
  afterEach(() => usePartnerThrottles(tableOnlyThrottles));

  const create = (name: string, rateLimit?: RateLimit, key = `create-${name}`) =>
    respond(
      'createPartner',
      createPartner({ name, scopes: ['members:read'], ...(rateLimit ? { rateLimit } : {}) }),
      admin(0, key),
    );

  it('gives each partner its own throttle, lists partners without keys, and a replay provisions nothing', async () => {
    usePartnerThrottles(recording);
    const first = await create('Shop', { perSecond: 5, burst: 10 });
    const second = await create('App');
    expect(first.body).toMatchObject({
      name: 'Shop',
      rateLimit: { perSecond: 5, burst: 10 },
      apiKey: expect.stringMatching(/^rk_/) as unknown,
    });
    expect(second.body).toMatchObject({ rateLimit: { perSecond: 50, burst: 100 } });
    const replay = await create('Shop', { perSecond: 5, burst: 10 }, 'create-Shop');
    expect(replay.replayed).toBe(true);
    expect(replay.body).not.toHaveProperty('apiKey');
    expect(provisioned.map((p) => p.rateLimit)).toEqual([
      { perSecond: 5, burst: 10 },
      { perSecond: 50, burst: 100 },
    ]);

    const page = await listPartners({ limit: 1 });
    expect(page.items).toHaveLength(1);
    const rest = await listPartners({ limit: 10, cursor: page.nextCursor });
    const listed = [...page.items, ...rest.items];
    expect(listed.map((p) => p.name)).toEqual(['App', 'Shop']);
    expect(JSON.stringify(listed)).not.toMatch(/rk_|keyHash|usage/);

    const principal = await findPrincipal((first.body as { apiKey: string }).apiKey);
    expect(principal).toMatchObject({
      rateLimit: { perSecond: 5, burst: 10 },
      usageKey: expect.stringMatching(/^usage_/) as unknown,
    });
  });

  it('rotates a key: the old one works 24 hours more, then stops; deleting removes keys and throttle', async () => {
    usePartnerThrottles(recording);
    const created = (await create('Rotating')).body as { partnerId: string; apiKey: string };
    // The overlap runs on the system clock (the authorizer's), whatever the caller's clock says (here: June 2026).
    const rotatedFrom = Date.now();
    const rotation = await respond('rotatePartnerKey', rotatePartnerKey(created.partnerId), admin(0, 'rot-1'));
    const rotatedBy = Date.now();
    const { apiKey } = rotation.body as { apiKey: string };
    expect(apiKey).toMatch(/^rk_/);
    const replay = await respond('rotatePartnerKey', rotatePartnerKey(created.partnerId), admin(0, 'rot-1'));
    expect(replay).toMatchObject({ replayed: true, body: {} });

    const justBefore = new Date(rotatedFrom + KEY_OVERLAP_MS - 1);
    const after = new Date(rotatedBy + KEY_OVERLAP_MS);
    expect(await findPrincipal(created.apiKey, justBefore)).toMatchObject({ partnerId: created.partnerId });
    expect(await findPrincipal(created.apiKey, after)).toBeUndefined();
    expect(await findPrincipal(apiKey, after)).toMatchObject({ partnerId: created.partnerId });

    // A second rotation inside the overlap stops the first key at once: never more than two keys.
    const again = await respond('rotatePartnerKey', rotatePartnerKey(created.partnerId), admin(1000, 'rot-2'));
    expect(await findPrincipal(created.apiKey, justBefore)).toBeUndefined();
    expect(await findPrincipal(apiKey, justBefore)).toBeDefined();

    await respond('deletePartner', deletePartner(created.partnerId), admin(2000, 'del-1'));
    expect(await findPrincipal(apiKey, justBefore)).toBeUndefined();
    expect(await findPrincipal((again.body as { apiKey: string }).apiKey, justBefore)).toBeUndefined();
    expect(removed).toEqual([`plan-${created.partnerId}`]);
    expect((await refusal(executeOnce(rotatePartnerKey(created.partnerId), admin()))).status).toBe(404);
  });

  it("changes a partner's scopes and limit on its keys (a rotated-out one too) and its throttle; the key stays", async () => {
    usePartnerThrottles(recording);
    const created = (await create('Desk', { perSecond: 5, burst: 10 })).body as { partnerId: string; apiKey: string };
    const rotated = await respond('rotatePartnerKey', rotatePartnerKey(created.partnerId), admin(0, 'rot-desk'));
    const newKey = (rotated.body as { apiKey: string }).apiKey;
    const update = { scopes: ['members:read', 'points:adjust'] as const, rateLimit: { perSecond: 2, burst: 3 } };
    const answered = await respond(
      'updatePartner',
      updatePartner(created.partnerId, { ...update, scopes: [...update.scopes] }),
      admin(500),
    );
    expect(answered).toMatchObject({ status: 200, body: { partnerId: created.partnerId, name: 'Desk', ...update } });
    expect(answered.text).not.toMatch(/rk_|keyHash|usage|plan/);
    for (const key of [created.apiKey, newKey])
      expect(await findPrincipal(key)).toMatchObject({
        partnerId: created.partnerId,
        scopes: update.scopes,
        rateLimit: update.rateLimit,
      });
    // The key replaced by the rotation still stops when it did.
    expect(await findPrincipal(created.apiKey, new Date(Date.now() + KEY_OVERLAP_MS + 1000))).toBeUndefined();
    expect(changed).toEqual([{ planId: `plan-${created.partnerId}`, rateLimit: update.rateLimit }]);

    const renamed = await respond(
      'updatePartner',
      updatePartner(created.partnerId, { name: 'Support desk' }),
      admin(600),
    );
    expect(renamed.body).toMatchObject({ name: 'Support desk', ...update });
    expect(changed).toHaveLength(1);
    const audit = await readAudit({ limit: 10, kind: 'partner.updated' }, new Date(T0 + 1000));
    expect(audit.items.map((record) => record.summary)).toEqual([
      `Partner ${created.partnerId} updated: name`,
      `Partner ${created.partnerId} updated: scopes members:read points:adjust (were members:read); ` +
        'rate limit 2/s burst 3 (was 5/s burst 10)',
    ]);
  });

  it('refuses an unknown partner (404) and an admin key its scopes or limit (409), changing nothing', async () => {
    expect((await refusal(executeOnce(updatePartner('prt_nobody', { name: 'X' }), admin()))).status).toBe(404);
    await putKnownKey({ partnerId: 'adm_ops', name: 'Ops', scopes: [], apiKey: 'rk_ops_admin_key', role: 'admin' });
    for (const change of [{ scopes: ['members:read' as const] }, { rateLimit: { perSecond: 1, burst: 1 } }])
      expect(await refusal(executeOnce(updatePartner('adm_ops', change), admin()))).toMatchObject({
        status: 409,
        type: expect.stringMatching(/admin-key-unscoped$/) as unknown,
      });
    expect(await findPrincipal('rk_ops_admin_key')).toEqual({ partnerId: 'adm_ops', role: 'admin', scopes: [] });
    expect(await executeOnce(updatePartner('adm_ops', { name: 'Operations' }), admin())).toMatchObject({
      name: 'Operations',
      role: 'admin',
    });
  });

  it('a failed provisioning leaves no partner', async () => {
    usePartnerThrottles({ ...recording, provision: () => Promise.reject(new Error('gateway down')) });
    const before = (await listPartners({ limit: 100 })).items.length;
    await expect(create('Unlucky')).rejects.toThrow('gateway down');
    expect((await listPartners({ limit: 100 })).items).toHaveLength(before);
  });
});
