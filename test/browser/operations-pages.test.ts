import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { launchBrowser, screenshots, type HeadlessBrowser } from '../support/browser';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * The console's operating pages in a real browser (Debian's chromium, driven by playwright-core)
 * against the local stack: a partner's scopes and limit changed in place, a webhook delivery's
 * payload shown, raffles edited (all of one not open yet; only the name of an open one, the API's
 * 409 shown in the form otherwise). No chromium is a failure.
 */

let api: TestApi;
let browser: HeadlessBrowser;
let page: Page;
let receiver: Receiver;

beforeAll(async () => {
  api = await startTestApi();
  receiver = await startReceiver();
  browser = await launchBrowser('operations');
  page = browser.page;
  await page.goto(`${api.url}/console`);
  await page.getByLabel('API key').fill(api.adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await receiver?.close();
});

async function open(section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { level: 1, name: section }).waitFor();
}

/** Controls without a label (the accessibility sweep's rule), on what the page shows now. */
const unlabelled = () =>
  page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => el.type !== 'hidden')
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
        || (el.tagName === 'BUTTON' && el.textContent.trim())))
      .map((el) => el.outerHTML.slice(0, 120))`);

describe('the Partners page', () => {
  it("changes a partner's scopes and limit in place; the same key then works with them; a refusal shows at its field", async () => {
    const created = await api.call<{ partnerId: string; apiKey: string }>('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Support desk', scopes: ['members:read'], rateLimit: { perSecond: 20, burst: 40 } },
    });
    expect(created.status).toBe(201);
    const { partnerId, apiKey } = created.body;
    const readFeed = () => api.call('GET', '/v1/events?limit=1', { key: apiKey });
    expect((await readFeed()).status).toBe(403);

    await open('Partners');
    await page.getByRole('button', { name: 'Edit Support desk' }).click();
    const form = page.getByRole('region', { name: 'Edit Support desk' });
    await form.waitFor();
    expect(await form.getByLabel('members:read').isChecked()).toBe(true);
    expect(await form.getByLabel('Requests per second').inputValue()).toBe('20');
    expect(await unlabelled()).toEqual([]);

    // Too high a burst: the API's 400 is shown at the field and nothing changes.
    await form.getByLabel('events:read').check();
    await form.getByLabel('Burst').fill('9999');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => form.getByLabel('Burst').getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    expect((await readFeed()).status).toBe(403);

    await form.getByLabel('Requests per second').fill('3');
    await form.getByLabel('Burst').fill('6');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Saved Support desk (${partnerId}): its key is unchanged.` })
      .waitFor();
    const row = page.getByRole('row').filter({ hasText: partnerId });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('members:read, events:read');
    expect(await row.textContent()).toContain('3/s, burst 6');
    await page.screenshot({ path: join(screenshots, 'partners-edit.png'), fullPage: true });

    // The same key, its new scope, its new limit.
    expect((await readFeed()).status).toBe(200);
    const listed = await api.call('GET', '/v1/admin/partners?limit=100', { as: 'admin' });
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({
        partnerId,
        scopes: ['members:read', 'events:read'],
        rateLimit: { perSecond: 3, burst: 6 },
      }),
    );
    const audit = await api.call('GET', `/v1/admin/audit?kind=partner.updated`, { as: 'admin' });
    expect(audit.body.items).toHaveLength(1);

    // An admin key: only its name is offered.
    await page.getByRole('button', { name: 'Edit Local admin' }).click();
    const adminForm = page.getByRole('region', { name: 'Edit Local admin' });
    await adminForm.getByText('only its name can change').waitFor();
    expect(await adminForm.getByRole('checkbox').count()).toBe(0);
    await adminForm.getByRole('button', { name: 'Cancel' }).click();
    expect(browser.pageErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  }, 120_000);
});

describe('the Webhooks page', () => {
  it("shows a delivery's payload when the delivery is clicked: the body the receiver got", async () => {
    const hook = await api.call<{ webhookId: string }>('POST', '/v1/admin/webhooks', {
      as: 'admin',
      body: { url: receiver.url, types: ['webhook.test'] },
    });
    expect(hook.status).toBe(201);
    const sent = await api.call<{ eventId: string }>('POST', `/v1/admin/webhooks/${hook.body.webhookId}/test`, {
      as: 'admin',
    });
    const { eventId } = sent.body;
    await receiver.waitFor((all) => all.some((r) => r.headers['webhook-id'] === eventId));
    const body = receiver.received.find((r) => r.headers['webhook-id'] === eventId)!.body;

    await open('Webhooks');
    await page.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByRole('button', { name: `Payload of ${eventId}` }).click();
    const shown = page.getByTestId('delivery-payload');
    await shown.waitFor();
    expect(JSON.parse((await shown.textContent()) ?? '')).toEqual(JSON.parse(body));
    const panel = page.getByRole('region', { name: `Payload sent for ${eventId}` });
    await expect.poll(() => panel.textContent(), { timeout: 10_000 }).toMatch(/succeeded after 1 attempt/);
    expect(await panel.textContent()).not.toMatch(/whsec_/);
    expect(await unlabelled()).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'webhook-payload.png'), fullPage: true });
    // A second click hides it.
    await page.getByRole('button', { name: `Payload of ${eventId}` }).click();
    await expect.poll(() => shown.count()).toBe(0);
    expect(browser.pageErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  }, 120_000);
});

describe('the Raffles page', () => {
  const HOUR = 3_600_000;
  const putRaffle = (raffleId: string, opensAt: Date, closesAt: Date) =>
    api.call('PUT', `/v1/admin/raffles/${raffleId}`, {
      as: 'admin',
      body: {
        name: `Draw ${raffleId}`,
        opensAt: opensAt.toISOString(),
        closesAt: closesAt.toISOString(),
        entries: { pointsPerEntry: 50, maxPerMember: 5 },
        prizes: [{ prizeId: 'mug', name: 'Mug', quantity: 1 }],
      },
    });
  const raffle = (raffleId: string) => api.call('GET', `/v1/raffles/${raffleId}`);
  const openDetail = async (raffleId: string) => {
    await page.goto(`${api.url}/console#/raffles/${raffleId}`);
    await page.getByRole('heading', { name: `Edit Draw ${raffleId}` }).waitFor();
    return page.getByRole('region', { name: `Edit Draw ${raffleId}` });
  };

  it('edits everything of a raffle not open yet, in place; a saved-to-the-second time is kept when untouched', async () => {
    // Seconds and milliseconds the form's minutes cannot show: left untouched, they are sent as saved.
    const opensAt = new Date(Math.ceil((Date.now() + 24 * HOUR) / HOUR) * HOUR + 12_345);
    expect((await putRaffle('later', opensAt, new Date(opensAt.getTime() + 48 * HOUR))).status).toBe(201);
    const form = await openDetail('later');
    expect(await form.getByLabel('Points per entry (optional)').inputValue()).toBe('50');
    expect(await unlabelled()).toEqual([]);
    await form.getByLabel('Points per entry (optional)').fill('80');
    await form.getByLabel('Prize 1 units').fill('3');
    await form.getByRole('button', { name: 'Add a prize' }).click();
    await form.getByLabel('Prize 2 id').fill('bike');
    await form.getByLabel('Prize 2 name').fill('Bike');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved later.' }).waitFor();
    const saved = await raffle('later');
    expect(saved.body).toMatchObject({
      opensAt: opensAt.toISOString(),
      entries: { pointsPerEntry: 80, maxPerMember: 5 },
      prizes: [
        { prizeId: 'mug', name: 'Mug', quantity: 3 },
        { prizeId: 'bike', name: 'Bike', quantity: 1 },
      ],
    });
  }, 120_000);

  it('renames an open raffle, and shows the 409 in the form when more than the name changes', async () => {
    const opensAt = new Date(Date.now() - HOUR - 7_000);
    expect((await putRaffle('running', opensAt, new Date(Date.now() + 24 * HOUR))).status).toBe(201);
    const form = await openDetail('running');
    await form.getByText('only the name can change now').waitFor();
    await form.getByLabel('Name', { exact: true }).fill('Summer draw');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved running.' }).waitFor();
    expect((await raffle('running')).body).toMatchObject({ name: 'Summer draw', opensAt: opensAt.toISOString() });

    const renamed = page.getByRole('region', { name: 'Edit Summer draw' });
    // The form starts again from what was saved.
    await expect.poll(() => renamed.getByLabel('Name', { exact: true }).inputValue()).toBe('Summer draw');
    await renamed.getByLabel('Points per entry (optional)').fill('10');
    await renamed.getByRole('button', { name: 'Save changes' }).click();
    const alert = renamed.getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: 10_000 })
      .toContain('Raffle rules locked once it opened (409)');
    expect(await alert.textContent()).toContain('only its name may change now');
    expect((await raffle('running')).body.entries).toEqual({ pointsPerEntry: 50, maxPerMember: 5 });
    await page.screenshot({ path: join(screenshots, 'raffle-edit-refused.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  }, 120_000);
});

describe("a partner key's member page", () => {
  it("names the next tier, though the key cannot read the program's tiers", async () => {
    const enrolled = await api.call<{ memberId: string }>('POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: false } },
    });
    expect(enrolled.status).toBe(201);
    const { memberId } = enrolled.body;
    expect((await api.call('GET', '/v1/admin/program')).status).toBe(403);
    const member = await api.call<{ tier: { nextTier?: { id: string; name: string } } }>(
      'GET',
      `/v1/members/${memberId}`,
    );
    expect(member.body.tier.nextTier).toMatchObject({ id: 'silver', name: 'Silver' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(api.partnerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    await page.goto(`${api.url}/console#/members/${memberId}`);
    const progress = page.locator('label[for="tier-progress"]');
    await expect.poll(() => progress.textContent(), { timeout: 10_000 }).toMatch(/more qualifying spend to Silver$/);
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);
});
