import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_SCRIPT_BUDGET_BYTES } from '@shared/card/build';
import { startTestApi, type TestApi } from '../support/api';
import { eur } from '../support/money';

/**
 * The member's card in a real browser (Debian's chromium, driven by playwright-core): a session
 * created through the API, the page opened with its token in the fragment, and the QR code read
 * back from the screen's pixels by an independent decoder (jsQR). No chromium is a failure.
 */
const CHROMIUM = '/usr/bin/chromium';
const screenshots = join(import.meta.dirname, '..', 'output', 'card');

let api: TestApi;
let context: BrowserContext;
let page: Page;
let profile: string;
let memberId: string;
let token: string;
let issuedCode: string;
const cspViolations: string[] = [];
const pageErrors: string[] = [];
const scriptBytes = new Map<string, number>();
const hosts = new Set<string>();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(screenshots, { recursive: true });
  api = await startTestApi({ bonuses: { signup: 1_000, referrer: 0, referee: 0, birthday: 0 } });
  for (const [rewardId, body] of [
    ['cup', { name: 'Espresso cup', pointsCost: 400 }],
    ['bike', { name: 'City bike', pointsCost: 50_000 }],
    [
      'coffee',
      {
        name: 'Coffee voucher',
        pointsCost: 100,
        fulfilment: { type: 'code', source: 'generated', validDays: 30, chargeOn: 'issue' },
      },
    ],
  ] as const)
    expect((await api.call('PUT', `/v1/admin/rewards/${rewardId}`, { as: 'admin', body })).status).toBe(201);
  const enrolled = await api.call('POST', '/v1/members', {
    body: { name: 'Ada', consent: { marketing: true, analytics: false } },
  });
  memberId = enrolled.body.memberId as string;
  const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
    body: { orderId: 'card-1', amount: eur(12_500) },
  });
  expect(earned.status).toBe(201);
  const redeemed = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { rewardId: 'coffee' } });
  expect(redeemed.status).toBe(201);
  issuedCode = (redeemed.body.code as { code: string }).code;
  const session = await api.call('POST', `/v1/members/${memberId}/sessions`);
  expect(session.status).toBe(201);
  token = session.body.token as string;

  profile = mkdtempSync(join(tmpdir(), 'card-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => void hosts.add(new URL(request.url()).host));
  page.on('response', async (response) => {
    if (response.request().resourceType() === 'script') scriptBytes.set(response.url(), (await response.body()).length);
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await api?.stop();
});

/** The pixels of a PNG, decoded by the browser in a blank page (no CSP there), as RGBA. */
async function pixelsOf(png: Buffer): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const blank = await context.newPage();
  try {
    // Run in the browser (DOM types are not in the tests' TypeScript project): PNG → RGBA pixels.
    const decoded = (await blank.evaluate(`(async () => {
      const blob = await (await fetch('data:image/png;base64,${png.toString('base64')}')).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context2d = canvas.getContext('2d');
      context2d.drawImage(bitmap, 0, 0);
      const image = context2d.getImageData(0, 0, bitmap.width, bitmap.height);
      return { data: Array.from(image.data), width: image.width, height: image.height };
    })()`)) as { data: number[]; width: number; height: number };
    return { ...decoded, data: Uint8ClampedArray.from(decoded.data) };
  } finally {
    await blank.close();
  }
}

describe("the member's card in a browser", () => {
  it('opens with the session token from the fragment under a strict CSP, and drops the token from the address bar', async () => {
    const response = await page.goto(`${api.url}/card#token=${token}`);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['cache-control']).toBe('no-store');
    await page.getByRole('heading', { level: 1, name: 'Ada’s card' }).waitFor();
    expect(page.url()).toBe(`${api.url}/card`);
    await page.screenshot({ path: join(screenshots, 'card.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect([...hosts]).toEqual([new URL(api.url).host]);
  });

  it(`loads one script of at most ${CARD_SCRIPT_BUDGET_BYTES / 1024} KB`, () => {
    const total = [...scriptBytes.values()].reduce((sum, bytes) => sum + bytes, 0);
    expect(scriptBytes.size).toBe(1);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(CARD_SCRIPT_BUDGET_BYTES);
  });

  it("shows a QR code that decodes to the member's id", async () => {
    const qr = page.getByRole('img', { name: new RegExp(`member number ${memberId}`) });
    const { data, width, height } = await pixelsOf(await qr.screenshot());
    const decoded = jsQR(data, width, height);
    expect(decoded?.data).toBe(memberId);
  });

  it("shows each issued code with a QR code that decodes to the code's text", async () => {
    const qr = page.getByRole('img', { name: `QR code of your code ${issuedCode} for Coffee voucher` });
    const { data, width, height } = await pixelsOf(await qr.screenshot());
    expect(jsQR(data, width, height)?.data).toBe(issuedCode);
    await expect(page.locator('#codes').textContent()).resolves.toContain(issuedCode);
  });

  it('shows the tier and the progress to the next, the balance and pending points', async () => {
    const member = (await api.call('GET', `/v1/members/${memberId}`)).body as {
      tier: { name: string; nextTier?: { name: string } };
      points: { balance: number };
    };
    await expect(page.getByRole('heading', { name: `Tier: ${member.tier.name}` }).isVisible()).resolves.toBe(true);
    const progress = page.getByRole('progressbar', { name: `Progress to ${member.tier.nextTier?.name ?? ''}` });
    expect(Number(await progress.getAttribute('value'))).toBe(12_500);
    const balance = await page.locator('#balance').textContent();
    expect(balance?.replace(/\D/g, '')).toBe(String(member.points.balance));
    expect(await page.locator('#pending').textContent()).toMatch(/^0 points$/);
  });

  it('lists the rewards the member can afford, and not the others', async () => {
    const rewards = page.locator('#rewards');
    await expect(rewards.textContent()).resolves.toContain('Espresso cup');
    await expect(rewards.textContent()).resolves.not.toContain('City bike');
  });

  it('says so, without a card, when the page has no token or an expired one', async () => {
    const fresh = await context.newPage();
    try {
      await fresh.goto(`${api.url}/card#token=${token.slice(0, -4)}AAAA`);
      await expect(fresh.getByRole('alert').textContent()).resolves.toMatch(/expired/);
      expect(await fresh.getByRole('img').count()).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
