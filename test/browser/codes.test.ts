import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { launchBrowser, screenshots, type HeadlessBrowser } from '../support/browser';

/**
 * The console's reward codes in a real browser (Debian's chromium, driven by playwright-core)
 * against the local stack: a pool reward's counts by status and an upload of codes on the Rewards
 * page, a member's codes with a cancel that gives the points back on the member's page, and what
 * members gave to a donation reward.
 * No chromium is a failure.
 */

let api: TestApi;
let browser: HeadlessBrowser;
let page: Page;
let memberId: string;
let pointsBefore: number;

beforeAll(async () => {
  api = await startTestApi();
  const put = await api.call('PUT', '/v1/admin/rewards/gift-card', {
    as: 'admin',
    body: {
      name: 'Gift card',
      pointsCost: 50,
      fulfilment: { type: 'code', source: 'pool', validDays: 30, chargeOn: 'issue' },
    },
  });
  expect(put.status, JSON.stringify(put.body)).toBe(201);
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  memberId = (enrolled.body as { memberId: string }).memberId;
  pointsBefore = ((await api.call('GET', `/v1/members/${memberId}`)).body as { points: { balance: number } }).points
    .balance;
  browser = await launchBrowser('codes');
  page = browser.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

describe('reward codes in the console', () => {
  it("uploads a pool's codes, shows the counts, cancels a member's code and shows donations", async () => {
    await page.goto(`${api.url}/console`);
    await page.getByLabel('API key').fill(api.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Rewards' }).click();
    await page.getByRole('button', { name: 'Edit Gift card' }).click();
    const stats = page.getByTestId('code-stats');
    await expect.poll(() => stats.textContent(), { timeout: 10_000 }).toContain('Available in the pool0');
    await page.getByLabel(/Codes to add to the pool/).fill('GIFT-0001\nGIFT-0002\n\nGIFT-0003\nGIFT-0001');
    await page.getByRole('button', { name: 'Upload codes' }).click();
    await page.getByText('3 added; 1 already known, not added').waitFor();
    await expect.poll(() => stats.textContent(), { timeout: 10_000 }).toContain('Available in the pool3');

    const redeemed = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { rewardId: 'gift-card' } });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
    const code = (redeemed.body as { code: { code: string } }).code.code;
    await page.goto(`${api.url}/console#/members/${memberId}`);
    const codes = page.getByRole('table', { name: "The member's codes, newest first" });
    await expect.poll(() => codes.textContent(), { timeout: 10_000 }).toContain(code);
    expect(await codes.textContent()).toContain('issued');
    await page.getByLabel('Reason for a cancel').fill('Bought by mistake');
    await page.getByRole('button', { name: `Cancel code ${code}` }).click();
    await expect.poll(() => codes.textContent(), { timeout: 10_000 }).toContain('cancelled');
    const after = (await api.call('GET', `/v1/members/${memberId}`)).body as { points: { balance: number } };
    expect(after.points.balance).toBe(pointsBefore);

    // The rewards page shows what members gave to a donation reward's cause.
    const trees = await api.call('PUT', '/v1/admin/rewards/trees', {
      as: 'admin',
      body: { name: 'Plant trees', pointsCost: 10, fulfilment: { type: 'donation', cause: 'Reforestation' } },
    });
    expect(trees.status).toBe(201);
    const gave = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { rewardId: 'trees', points: 20 } });
    expect(gave.status, JSON.stringify(gave.body)).toBe(201);
    await page.goto(`${api.url}/console#/rewards`);
    const row = page
      .getByRole('table', { name: 'Active rewards of the catalog' })
      .getByRole('row')
      .filter({ hasText: 'Plant trees' });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('given 20 points by 1 member');
    await page.screenshot({ path: join(screenshots, 'codes.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  }, 120_000);
});
