import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { launchBrowser, screenshots, type HeadlessBrowser } from '../support/browser';

/**
 * The console's Campaigns page in a real browser (Debian's chromium, driven by playwright-core)
 * against the local stack: a campaign created by the form is listed and saved as the API has it,
 * a refused factor is shown at its field, and a delete removes it. No chromium is a failure.
 */

let api: TestApi;
let browser: HeadlessBrowser;
let page: Page;

beforeAll(async () => {
  api = await startTestApi();
  const reward = await api.call('PUT', '/v1/admin/rewards/free-coffee', {
    as: 'admin',
    body: {
      name: 'Free coffee',
      pointsCost: 500,
      fulfilment: { type: 'code', source: 'generated', validDays: 30, chargeOn: 'issue' },
    },
  });
  expect(reward.status).toBe(201);
  const segment = await api.call('PUT', '/v1/admin/segments/lapsed', {
    as: 'admin',
    body: { name: 'Lapsed', list: true },
  });
  expect(segment.status, JSON.stringify(segment.body)).toBeLessThan(300);
  browser = await launchBrowser('campaigns');
  page = browser.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

async function fill(label: string, value: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(value);
}

describe('the Campaigns page', () => {
  it('creates a campaign by form, lists it, shows a refused factor at its field, and deletes it', async () => {
    await page.goto(`${api.url}/console`);
    await page.getByLabel('API key').fill(api.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();

    await fill('Campaign id', 'win-back');
    await fill('Name', 'Win-back coffee');
    await fill('Segment id', 'lapsed');
    await fill('Starts at', '2026-01-01T00:00');
    await page.getByLabel('Gives').selectOption('reward');
    await fill('Reward id (a code reward)', 'free-coffee');
    await page.getByRole('button', { name: 'Save campaign' }).click();
    await page.getByRole('status').filter({ hasText: 'Created win-back.' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'win-back' });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('a code of free-coffee');
    const saved = await api.call('GET', '/v1/admin/campaigns/win-back', { as: 'admin' });
    expect(saved.body).toMatchObject({
      name: 'Win-back coffee',
      segmentId: 'lapsed',
      effect: { type: 'reward', rewardId: 'free-coffee' },
      limits: { perMember: 1 },
    });

    await fill('Campaign id', 'too-much');
    await fill('Name', 'Too much');
    await fill('Segment id', 'lapsed');
    await fill('Starts at', '2026-01-01T00:00');
    await page.getByLabel('Gives').selectOption('multiplier');
    await fill('Factor (1.01–10)', '12');
    await fill('Days (1–365)', '30');
    await page.getByRole('button', { name: 'Save campaign' }).click();
    const factor = page.getByLabel('Factor (1.01–10)');
    await expect.poll(() => factor.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    expect((await api.call('GET', '/v1/admin/campaigns/too-much', { as: 'admin' })).status).toBe(404);
    await page.screenshot({ path: join(screenshots, 'campaigns.png'), fullPage: true });

    await page.getByRole('button', { name: 'Delete win-back' }).click();
    await expect
      .poll(async () => (await api.call('GET', '/v1/admin/campaigns/win-back', { as: 'admin' })).status)
      .toBe(404);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    expect(browser.pageErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  }, 120_000);
});
