import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { launchBrowser, screenshots, type HeadlessBrowser } from '../support/browser';

/**
 * The program page's "Try on history" in a real browser (Debian's chromium, driven by
 * playwright-core) against the local stack: the form's draft (Silver from 700 EUR instead of 500)
 * is simulated on the last 90 days and shown beside the program in force, with the difference by
 * rule; nothing is saved. No chromium is a failure.
 */

let api: TestApi;
let browser: HeadlessBrowser;
let page: Page;

beforeAll(async () => {
  api = await startTestApi();
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  // 600 EUR, then 100 EUR: in force, the second earns at Silver (≥ 500 EUR); with the draft, not (< 700 EUR).
  for (const [orderId, value] of [
    ['big', 60_000],
    ['small', 10_000],
  ] as const) {
    const earned = await api.call('POST', `/v1/members/${enrolled.body.memberId}/earn`, {
      body: { orderId, amount: { value, currency: 'EUR' } },
    });
    expect(earned.status).toBe(201);
  }
  browser = await launchBrowser('simulation');
  page = browser.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

describe("the program page's Try on history", () => {
  it('simulates the form’s draft and shows current vs draft by rule, saving nothing', async () => {
    await page.goto(`${api.url}/console`);
    await page.getByLabel('API key').fill(api.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Program' }).click();
    await page.getByRole('heading', { level: 1, name: 'Program' }).waitFor();

    await page.getByLabel('Minimum qualifying spend (EUR)').nth(1).fill('700.00');
    await page.getByRole('button', { name: 'Try on history' }).click();
    const tiers = page.getByRole('row').filter({ hasText: 'tier:silver' });
    await expect.poll(() => tiers.count(), { timeout: 60_000 }).toBe(1);
    // In force: 650 + 175 (the second at Silver: 100 × 0.25 = 25 more); the draft gives the second no tier line.
    expect((await tiers.textContent())?.replace(/\s+/g, ' ')).toMatch(/tier:silver\s*25\s*0\s*-25/);
    const points = page.getByRole('row').filter({ hasText: /^Points/ });
    expect(await points.textContent()).toMatch(/Points\s*825\s*800\s*-25/);
    await page.screenshot({ path: join(screenshots, 'program-simulation.png'), fullPage: true });

    const program = await api.call<{ version: number }>('GET', '/v1/admin/program', { as: 'admin' });
    expect(program.body.version).toBe(1);
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);
});
