import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { launchBrowser, screenshots, type HeadlessBrowser } from '../support/browser';

/**
 * The console's Segments page in a real browser (Debian's chromium, driven by playwright-core)
 * against the local stack: a list segment and a rules segment are listed with their exact size
 * and evaluation, and a segment's members are shown, each linked to the member's page, which lists
 * the member's segments and since when. Everything
 * is reached by role and accessible name (nav, headings, captioned tables, named buttons).
 * No chromium is a failure.
 */

let api: TestApi;
let browser: HeadlessBrowser;
let page: Page;
let buyer: string;
let other: string;

beforeAll(async () => {
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
  browser = await launchBrowser('segments');
  page = browser.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
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
    expect(browser.pageErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  }, 120_000);
});
