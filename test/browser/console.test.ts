import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The console in a real browser (Debian's chromium, driven by playwright-core) against the local
 * stack, seeded through the API. No chromium is a failure, not a skip: CI installs it (.ci/run).
 */
const CHROMIUM = '/usr/bin/chromium';
const screenshots = join(import.meta.dirname, '..', 'output', 'console');

let api: TestApi;
let context: BrowserContext;
let page: Page;
let profile: string;
let memberId: string;
const cspViolations: string[] = [];
const pageErrors: string[] = [];
const scriptBytes = new Map<string, number>();

async function seed(): Promise<void> {
  const members: string[] = [];
  for (const [index, name] of ['Ada', 'Grace', 'Linus'].entries()) {
    const enrolled = await api.call<{ memberId: string }>('POST', '/v1/members', {
      body: { name, email: `${name.toLowerCase()}@example.com`, consent: { marketing: true, analytics: index > 0 } },
    });
    expect(enrolled.status).toBe(201);
    members.push(enrolled.body.memberId);
  }
  memberId = members[0] ?? '';
  // Three snapshots with activity between them, so every chart has points that move.
  for (let round = 0; round < 3; round++) {
    for (const [index, member] of members.entries()) {
      if (index > round) continue;
      const earned = await api.call('POST', `/v1/members/${member}/earn`, {
        body: { orderId: `order-${round}-${index}`, amount: { value: 2_500 + 1_000 * round, currency: 'EUR' } },
      });
      expect(earned.status).toBe(201);
    }
    await api.call('POST', '/v1/purchases', {
      body: { orderId: `guest-${round}`, amount: { value: 1_800, currency: 'EUR' } },
    });
    await api.call('POST', `/v1/members/${memberId}/nps`, { body: { score: 6 + round } });
    const snapshot = await api.call('POST', '/v1/admin/metrics/snapshots', { as: 'admin', body: {} });
    expect(snapshot.status).toBe(201);
  }
  const redeemed = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { points: 10 } });
  expect(redeemed.status).toBe(201);
  const reward = await api.call('PUT', '/v1/admin/rewards/espresso-cup', {
    as: 'admin',
    body: { name: 'Espresso cup', pointsCost: 500, stock: 10 },
  });
  expect(reward.status).toBe(201);
}

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

async function open(section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { level: 1, name: section }).waitFor();
}

beforeAll(async () => {
  // Checked first and loudly: without the browser these tests must fail, never pass by skipping.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(screenshots, { recursive: true });
  api = await startTestApi();
  await seed();
  profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', async (response) => {
    if (response.request().resourceType() === 'script') scriptBytes.set(response.url(), (await response.body()).length);
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await api?.stop();
});

describe('the console in a browser', () => {
  it('serves the page with a strict Content-Security-Policy and less than 300 KB of script', async () => {
    const response = await page.goto(`${api.url}/console`);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['content-type']).toContain('text/html');
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    await page.getByLabel('Admin key').waitFor();
    const total = [...scriptBytes.values()].reduce((sum, bytes) => sum + bytes, 0);
    expect(scriptBytes.size).toBe(1);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(300 * 1024);
    await shoot('sign-in');
  });

  it('refuses a key that is not an admin key, then signs in with one kept only in session storage', async () => {
    await page.getByLabel('Admin key').fill(api.partnerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('This is not an admin key of this API.').isVisible()).toBe(true);
    await page.getByLabel('Admin key').fill(api.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    // A string expression: it runs in the page, whose DOM types this Node project does not include.
    const stored = await page.evaluate<{ session: string[]; local: number; cookie: string }>(
      '({ session: Object.values(sessionStorage), local: localStorage.length, cookie: document.cookie })',
    );
    expect(stored).toEqual({ session: [api.adminKey], local: 0, cookie: '' });
  });

  it('shows the latest measures as tiles and charts of their history with data points', async () => {
    await page.locator('figure.chart canvas').first().waitFor();
    const tiles = page.locator('.tile');
    expect(await tiles.count()).toBeGreaterThanOrEqual(10);
    const members = await api.call<{ members: { total: number } }>('GET', '/v1/admin/metrics/snapshots/latest', {
      as: 'admin',
    });
    await expect
      .poll(() => page.locator('[data-measure="membersTotal"] .tile-value').textContent())
      .toBe(String(members.body.members.total));
    const figures = page.locator('figure.chart');
    expect(await figures.count()).toBe(7);
    // Members (total and active) over three snapshots: six points drawn on a canvas with a size.
    expect(await page.locator('figure.chart[aria-label="Members"]').getAttribute('data-points')).toBe('6');
    const canvas = page.locator('figure.chart[aria-label="Members"] canvas');
    expect(Number(await canvas.getAttribute('width'))).toBeGreaterThan(200);
    expect(Number(await canvas.getAttribute('height'))).toBeGreaterThan(100);
    await shoot('overview');
  });

  it('looks up a member by id: balances, tier and the ledger as the API has them', async () => {
    await open('Members');
    await page.getByLabel('Value').fill(memberId);
    await page.getByRole('button', { name: 'Look up' }).click();
    const member = await api.call<{ points: { balance: number } }>('GET', `/v1/members/${memberId}`);
    await expect
      .poll(() => page.getByTestId('points-balance').textContent())
      .toBe(new Intl.NumberFormat('en-US').format(member.body.points.balance));
    const ledger = await api.call<{ items: unknown[] }>('GET', `/v1/members/${memberId}/transactions?limit=20`);
    // The ledger arrives in its own request, after the balances: wait for it.
    await expect.poll(() => page.locator('table.ledger tbody tr').count()).toBe(ledger.body.items.length);
    expect(page.url()).toContain(`#/members/${memberId}`);
    await shoot('members');
  });

  it('shows a refused program at the field that is wrong, and saves nothing', async () => {
    const before = await api.call<{ version: number }>('GET', '/v1/admin/program', { as: 'admin' });
    await open('Program');
    const silverThreshold = page.locator('#program-tiers-1-minQualifyingSpend-value');
    await silverThreshold.fill('0');
    await page.getByRole('button', { name: 'Save program' }).click();
    await expect.poll(() => silverThreshold.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await silverThreshold.getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).toContain('tiers must rise');
    await shoot('program');
    const after = await api.call<{ version: number }>('GET', '/v1/admin/program', { as: 'admin' });
    expect(after.body.version).toBe(before.body.version);
  });

  it('creates a partner and shows its key once; the key works, and stops when the partner is deleted', async () => {
    await open('Partners');
    await page.getByLabel('Name').fill('Till 7');
    await page.getByLabel('members:read').check();
    await page.getByRole('button', { name: 'Create partner' }).click();
    const secret = page.getByTestId('secret');
    await secret.waitFor();
    const key = await secret.inputValue();
    expect(key).toMatch(/^rk_/);
    expect((await api.call('GET', '/v1/rewards', { key })).status).toBe(200);
    await shoot('partners');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(key);
    await page.getByRole('button', { name: 'Delete', exact: true }).first().click();
    await page.getByRole('button', { name: 'Confirm delete Till 7' }).click();
    await expect.poll(async () => (await api.call('GET', '/v1/rewards', { key })).status).toBe(401);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Partners' }).waitFor();
    expect(await page.content()).not.toContain(key);
  });

  it('lists rewards, creates one and edits its stock', async () => {
    await open('Rewards');
    await page.getByRole('cell', { name: 'Espresso cup', exact: true }).waitFor();
    await page.getByLabel('Reward id').fill('tote-bag');
    await page.getByLabel('Name', { exact: true }).fill('Tote bag');
    await page.getByLabel('Points cost').fill('800');
    await page.getByRole('button', { name: 'Save reward' }).click();
    await page.getByText('Created tote-bag.').waitFor();
    await page.getByLabel('Stock of Espresso cup').fill('3');
    await page.getByRole('button', { name: 'Save stock' }).first().click();
    await expect
      .poll(async () => {
        const rewards = await api.call<{ items: { rewardId: string; stock?: number }[] }>('GET', '/v1/rewards');
        return rewards.body.items.map((r) => [r.rewardId, r.stock ?? null]);
      })
      .toEqual(
        expect.arrayContaining([
          ['espresso-cup', 3],
          ['tote-bag', null],
        ]),
      );
    await shoot('rewards');
  });

  it('renders the webhooks and imports pages, and no page broke the CSP or threw', async () => {
    await open('Webhooks');
    await page.getByRole('heading', { name: 'Add an endpoint' }).waitFor();
    await shoot('webhooks');
    await open('Imports');
    await page.getByLabel('NDJSON file').waitFor();
    await shoot('imports');
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
