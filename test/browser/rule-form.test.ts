import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { launchBrowser, screenshots, type HeadlessBrowser } from '../support/browser';

/**
 * A basket rule edited by the Program page's form in a real browser (Debian's chromium, driven by
 * playwright-core) against the local stack: a category rule on weekdays is saved as the API has
 * it, and a local time the server refuses is shown at its input, saving nothing.
 */

let api: TestApi;
let browser: HeadlessBrowser;
let page: Page;

interface SavedProgram {
  version: number;
  rules?: Record<string, unknown>[];
}

beforeAll(async () => {
  api = await startTestApi();
  browser = await launchBrowser('rule-form');
  page = browser.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

describe("the Program page's rule form", () => {
  it('saves a category rule on weekdays, and shows a refused local time at its input', async () => {
    const start = await api.call<SavedProgram>('GET', '/v1/admin/program', { as: 'admin' });
    const index = start.body.rules?.length ?? 0;
    const at = (path: string) => page.locator(`#program-rules-${index}-${path}`);
    await page.goto(`${api.url}/console`);
    await page.getByLabel('API key').fill(api.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Program' }).click();
    await page.getByRole('heading', { level: 1, name: 'Program' }).waitFor();

    await page.getByRole('button', { name: 'Add a basket rule' }).click();
    await at('id').fill('coffee-weekdays');
    await at('name').fill('Coffee x2 on weekdays');
    await at('effect-type').selectOption('multiplier');
    await at('effect-factor').fill('2');
    await at('lines-categories').fill('coffee, tea');
    for (const day of [1, 2, 3, 4, 5]) await at(`when-daysOfWeek-${day}`).check();
    await at('limits-perMember-count').fill('1');
    await at('limits-perMember-period').selectOption('day');
    await page.getByRole('button', { name: 'Save program' }).click();
    await page.getByText(`Saved as version ${start.body.version + 1}.`).waitFor();
    const saved = await api.call<SavedProgram>('GET', '/v1/admin/program', { as: 'admin' });
    expect(saved.body.rules?.[index]).toEqual({
      id: 'coffee-weekdays',
      name: 'Coffee x2 on weekdays',
      lines: { categories: ['coffee', 'tea'] },
      when: { daysOfWeek: [1, 2, 3, 4, 5] },
      effect: { type: 'multiplier', factor: 2 },
      limits: { perMember: { count: 1, period: 'day' } },
    });
    // The page reloads what was saved: the inputs show it back.
    await expect.poll(() => at('lines-categories').inputValue()).toBe('coffee, tea');
    expect(await at('when-daysOfWeek-6').isChecked()).toBe(false);
    expect(await at('when-daysOfWeek-5').isChecked()).toBe(true);

    await at('when-localTime-from').fill('18:00');
    await at('when-localTime-to').fill('09:00');
    await page.getByRole('button', { name: 'Save program' }).click();
    await expect.poll(() => at('when-localTime-from').getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    const after = await api.call<SavedProgram>('GET', '/v1/admin/program', { as: 'admin' });
    expect(after.body.version).toBe(saved.body.version);
    await page.screenshot({ path: join(screenshots, 'program-rule-form.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);

  it("shows in the member's ledger the lines each rule counted", async () => {
    const current = await api.call<SavedProgram & { rules?: unknown[] }>('GET', '/v1/admin/program', { as: 'admin' });
    const { version: _version, ...program } = current.body as unknown as Record<string, unknown>;
    const put = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: {
        ...program,
        rules: [
          {
            id: 'shoes-x2',
            name: 'Shoes x2',
            lines: { categories: ['shoes'] },
            effect: { type: 'multiplier', factor: 2 },
          },
        ],
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const enrolled = await api.call<{ memberId: string }>('POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: false } },
    });
    const memberId = enrolled.body.memberId;
    const eur = (value: number) => ({ value, currency: 'EUR' });
    const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: {
        orderId: 'shoe-shop-1',
        amount: eur(9_000),
        lines: [
          { lineId: 'boots', sku: 'boot-42', categories: ['shoes'], quantity: 1, amount: eur(6_000) },
          { lineId: 'socks', sku: 'sock-3', categories: ['socks'], quantity: 3, amount: eur(3_000) },
        ],
      },
    });
    expect(earned.status, JSON.stringify(earned.body)).toBe(201);

    await page.goto(`${api.url}/console#/members/${memberId}`);
    const ledger = page.getByRole('region', { name: 'Ledger' });
    await ledger.getByText('rules', { exact: false }).first().click();
    const rule = ledger.getByRole('listitem').filter({ hasText: 'rule:shoes-x2' });
    await expect.poll(() => rule.textContent(), { timeout: 10_000 }).toContain('lines boots');
    expect(await rule.textContent()).not.toContain('socks');
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);
});
