import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The console's Segments page in a real browser (Debian's chromium, driven by playwright-core)
 * against the local stack: a list segment and a rules segment are listed with their exact size
 * and evaluation, and a segment's members are shown, each linked to the member's page, which lists
 * the member's segments and since when. Everything
 * is reached by role and accessible name (nav, headings, captioned tables, named buttons).
 * No chromium is a failure.
 */
const CHROMIUM = '/usr/bin/chromium';
const screenshots = join(import.meta.dirname, '..', 'output', 'console');

let api: TestApi;
let context: BrowserContext;
let page: Page;
let profile: string;
let buyer: string;
let other: string;
const pageErrors: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(screenshots, { recursive: true });
  api = await startTestApi();
  const enrol = async () => {
    const enrolled = await api.call('POST', '/v1/members', {
      body: { consent: { marketing: true, analytics: false } },
    });
    expect(enrolled.status).toBe(201);
    return (enrolled.body as { memberId: string }).memberId;
  };
  buyer = await enrol();
  other = await enrol();
  const earned = await api.call('POST', `/v1/members/${buyer}/earn`, {
    body: { orderId: 'o-1', amount: { value: 2_000, currency: 'EUR' } },
  });
  expect(earned.status).toBe(201);
  const list = await api.call('PUT', '/v1/admin/segments/vip', { as: 'admin', body: { name: 'VIP', list: true } });
  expect(list.status, JSON.stringify(list.body)).toBeLessThan(300);
  const added = await api.call('POST', '/v1/admin/segments/vip/members', {
    as: 'admin',
    body: { memberId: other, action: 'add' },
  });
  expect(added.status, JSON.stringify(added.body)).toBeLessThan(300);
  const rules = await api.call('PUT', '/v1/admin/segments/buyers', {
    as: 'admin',
    body: { name: 'Buyers', rules: { all: [{ field: 'purchases.count', op: 'gte', value: 1 }] } },
  });
  expect(rules.status).toBe(202);
  await api.segments.idle();
  profile = mkdtempSync(join(tmpdir(), 'segments-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await api?.stop();
});

describe('the Segments page', () => {
  it("lists segments with their size and evaluation, and shows a segment's members", async () => {
    await page.goto(`${api.url}/console`);
    await page.getByLabel('API key').fill(api.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('heading', { level: 1, name: 'Segments' }).waitFor();

    const segments = page.getByRole('table', { name: 'Segments in id order' });
    const buyers = segments.getByRole('row').filter({ hasText: 'Buyers' });
    await expect.poll(() => buyers.textContent(), { timeout: 10_000 }).toContain('done: 2 members evaluated');
    expect(await buyers.getByRole('cell').nth(2).textContent()).toBe('1');
    const vip = segments.getByRole('row').filter({ hasText: 'VIP' });
    expect(await vip.textContent()).toContain('list: kept by the admin');
    expect(await vip.getByRole('cell').nth(2).textContent()).toBe('1');

    await page.getByRole('button', { name: 'Members of buyers' }).click();
    await page.getByRole('heading', { level: 2, name: 'Members of buyers' }).waitFor();
    const members = page.getByRole('table', { name: 'Members of buyers and since when' });
    await expect.poll(() => members.getByRole('row').count(), { timeout: 10_000 }).toBe(2);
    expect(await members.getByRole('link', { name: buyer }).getAttribute('href')).toBe(`#/members/${buyer}`);
    expect(await members.textContent()).not.toContain(other);
    await page.screenshot({ path: join(screenshots, 'segments.png'), fullPage: true });

    await page.getByRole('button', { name: 'Members of vip' }).click();
    const vipMembers = page.getByRole('table', { name: 'Members of vip and since when' });
    await expect.poll(() => vipMembers.getByRole('link', { name: other }).count(), { timeout: 10_000 }).toBe(1);

    // The member's own page says which segments the member is in, and since when.
    await vipMembers.getByRole('link', { name: other }).click();
    const inSegments = page.getByRole('region', { name: 'Segments' }).getByTestId('member-segments');
    await expect.poll(() => inSegments.textContent(), { timeout: 10_000 }).toContain('vip since');
    expect(await inSegments.textContent()).not.toContain('buyers');
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
