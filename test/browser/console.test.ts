import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '@infra/local/demo';
import { matchPath, routes } from '@shared/http/routes';
import { startTestApi, type TestApi } from '../support/api';
import { importFile } from '../support/import-file';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * The console in a real browser (Debian's chromium, driven by playwright-core) against the local
 * stack with its test clock, seeded by the demo generator (`npm run demo`, in a reduced size). No
 * chromium is a failure, not a skip: CI installs it (.ci/run).
 */
const CHROMIUM = '/usr/bin/chromium';
const DAY = 86_400_000;
const DEMO_MEMBERS = 40;
const DEMO_DAYS = 6;
const screenshots = join(import.meta.dirname, '..', 'output', 'console');

let api: TestApi;
let context: BrowserContext;
let page: Page;
let profile: string;
let memberId: string;
let demo: DemoResult;
let receiver: Receiver;
/** The support desk's partner id (created by a test, checked in the audit log). */
let supportDesk = '';
const cspViolations: string[] = [];
const pageErrors: string[] = [];
const scriptBytes = new Map<string, number>();
/** Every call the page made to the API (method and path). */
const apiCalls = new Set<string>();

/**
 * The demo's history, small: members enrolling over a week of simulated days with the test clock,
 * purchases, redemptions, refunds, NPS answers and a snapshot at the end of each day.
 */
async function seed(): Promise<void> {
  demo = await runDemo({
    url: api.url,
    adminKey: api.adminKey,
    members: DEMO_MEMBERS,
    days: DEMO_DAYS,
    seed: 3,
    concurrency: 6,
  });
  memberId = demo.members[0] ?? '';
}

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Clicks something that downloads a file; the file's text (and, for CSV, its parsed rows). */
async function downloaded(click: () => Promise<void>) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const text = readFileSync((await file.path()) ?? '', 'utf8');
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  return { name: file.suggestedFilename(), text, rows: parsed.data, fields: parsed.meta.fields ?? [] };
}

async function open(section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { level: 1, name: section }).waitFor();
}

beforeAll(async () => {
  // Checked first and loudly: without the browser these tests must fail, never pass by skipping.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(screenshots, { recursive: true });
  const clockStart = new Date(Date.now() - (DEMO_DAYS + 1) * DAY);
  process.env.METRICS_EPOCH = new Date(clockStart.getTime() - 3_600_000).toISOString();
  api = await startTestApi({}, { testClock: true, testClockStart: clockStart });
  receiver = await startReceiver();
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
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/v1/')) apiCalls.add(`${request.method()} ${url.pathname}`);
  });
  page.on('response', async (response) => {
    if (response.request().resourceType() === 'script') scriptBytes.set(response.url(), (await response.body()).length);
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await api?.stop();
  await receiver?.close();
  delete process.env.METRICS_EPOCH;
});

describe('the console in a browser', () => {
  it('serves the page with a strict Content-Security-Policy and less than 300 KB of script', async () => {
    const response = await page.goto(`${api.url}/console`);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['content-type']).toContain('text/html');
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    await page.getByLabel('API key').waitFor();
    const total = [...scriptBytes.values()].reduce((sum, bytes) => sum + bytes, 0);
    expect(scriptBytes.size).toBe(1);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(300 * 1024);
    await shoot('sign-in');
  });

  it('refuses a key the API does not know, then signs in with an admin key kept only in session storage', async () => {
    await page.getByLabel('API key').fill('rk_not_a_key_of_this_api');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('This key is not known to this API.').isVisible()).toBe(true);
    await page.getByLabel('API key').fill(api.adminKey);
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
    // Members (total and active) over a snapshot a day: two points a day, drawn on a canvas with a size.
    expect(await page.locator('figure.chart[aria-label="Members"]').getAttribute('data-points')).toBe(
      String(2 * DEMO_DAYS),
    );
    expect(await page.locator('figure.chart[aria-label="Points outstanding"]').getAttribute('data-points')).toBe(
      String(DEMO_DAYS),
    );
    const canvas = page.locator('figure.chart[aria-label="Members"] canvas');
    expect(Number(await canvas.getAttribute('width'))).toBeGreaterThan(200);
    expect(Number(await canvas.getAttribute('height'))).toBeGreaterThan(100);
    // The measures as CSV: a snapshot a row, oldest first, as the API has them.
    const measures = await downloaded(() => page.getByRole('button', { name: 'Export the measures as CSV' }).click());
    expect(measures.rows).toHaveLength(DEMO_DAYS);
    expect(Number(measures.rows.at(-1)?.membersTotal)).toBe(members.body.members.total);
    expect(measures.fields).toEqual(
      expect.arrayContaining(['computedAt', 'clv', 'retentionRate', 'cashbackOutstanding']),
    );
    await shoot('overview');
  });

  it('looks up a member by e-mail: balances, tier and the ledger as the API has them', async () => {
    await open('Members');
    const member = await api.call<{ email: string; points: { balance: number } }>('GET', `/v1/members/${memberId}`);
    await page.getByLabel('Look up by').selectOption('email');
    await page.getByLabel('Value').fill(member.body.email.toUpperCase());
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect
      .poll(() => page.getByTestId('points-balance').textContent())
      .toBe(new Intl.NumberFormat('en-US').format(member.body.points.balance));
    expect(page.url()).toContain(`#/members/${memberId}`);
    const ledger = await api.call<{ items: unknown[] }>('GET', `/v1/members/${memberId}/transactions?limit=20`);
    // The ledger arrives in its own request, after the balances: wait for it.
    await expect.poll(() => page.locator('table.ledger tbody tr').count()).toBe(ledger.body.items.length);
    // Each entry names the partner that made it (the demo's tills or web shop).
    await expect.poll(() => page.locator('table.ledger tbody').textContent()).toMatch(/(Shop tills|Web shop) \(demo\)/);
    await shoot('members');
  });

  it('posts an adjustment with a reason and shows it on top of the ledger, the balance updated', async () => {
    const before = await api.call<{ points: { balance: number } }>('GET', `/v1/members/${memberId}`);
    await page.getByLabel('Points (negative to debit)').fill('250');
    await page.getByLabel('Reason').fill('Goodwill: parcel arrived late');
    await page.getByRole('button', { name: 'Post adjustment' }).click();
    const balance = before.body.points.balance + 250;
    await page.getByText(`Balance now ${new Intl.NumberFormat('en-US').format(balance)}.`).waitFor();
    await expect
      .poll(() => page.getByTestId('points-balance').textContent())
      .toBe(new Intl.NumberFormat('en-US').format(balance));
    const first = page.locator('table.ledger tbody tr').first();
    await expect.poll(() => first.textContent()).toContain('Goodwill: parcel arrived late');
    expect(await first.textContent()).toContain('adjustment');
    const after = await api.call<{ points: { balance: number } }>('GET', `/v1/members/${memberId}`);
    expect(after.body.points.balance).toBe(balance);
    await shoot('member-adjusted');
  });

  it("exports the member's ledger as CSV: every entry with its rules, the adjustment's reason on top", async () => {
    const ledger = await api.call<{ items: { type: string; breakdown?: unknown[] }[] }>(
      'GET',
      `/v1/members/${memberId}/transactions?limit=100`,
    );
    const csv = await downloaded(() => page.getByRole('button', { name: 'Export the ledger as CSV' }).click());
    expect(csv.name).toBe(`ledger-${memberId}.csv`);
    expect(csv.rows).toHaveLength(ledger.body.items.length);
    // The console says whether the file holds the whole ledger (a cut file says where it stops).
    expect(await page.getByTestId('ledger-export-status').textContent()).toBe(
      `Exported the whole ledger: ${ledger.body.items.length} ${ledger.body.items.length === 1 ? 'entry' : 'entries'}.`,
    );
    expect(csv.rows[0]).toMatchObject({ type: 'adjustment', points: '250', reason: 'Goodwill: parcel arrived late' });
    const withRules = ledger.body.items.filter((t) => (t.breakdown?.length ?? 0) > 0).length;
    expect(withRules).toBeGreaterThan(0);
    expect(csv.rows.filter((row) => row.rules !== '')).toHaveLength(withRules);
  });

  it('lists members newest first with tier names, filters them by tier and exports the list as CSV', async () => {
    await open('Members');
    const rows = page.locator('table.members tbody tr');
    const newest = await api.call<{ items: { memberId: string }[] }>('GET', '/v1/admin/members?limit=25', {
      as: 'admin',
    });
    await expect.poll(() => rows.count()).toBe(newest.body.items.length);
    const links = await rows
      .locator('td:first-child a')
      .evaluateAll((as) =>
        as.map((a) => decodeURIComponent((a as unknown as { hash: string }).hash.replace('#/members/', ''))),
      );
    expect(links).toEqual(newest.body.items.map((m) => m.memberId));
    // By tier: the API's members of the tier, each row naming the tier (its name, not its id).
    const ofTier = await api.call<{ items: { memberId: string }[] }>('GET', '/v1/admin/members?limit=100&tier=member', {
      as: 'admin',
    });
    await page.getByLabel('Tier').selectOption('member');
    await page.getByRole('button', { name: 'Show members' }).click();
    await expect.poll(() => rows.count()).toBe(Math.min(25, ofTier.body.items.length));
    expect(new Set(await rows.locator('td:nth-child(3)').allTextContents())).toEqual(new Set(['Member']));
    const csv = await downloaded(() => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(csv.rows.map((row) => row.memberId)).toEqual(ofTier.body.items.map((m) => m.memberId));
    expect(new Set(csv.rows.map((row) => row.tier))).toEqual(new Set(['Member']));
    expect(csv.fields).toEqual(expect.arrayContaining(['memberId', 'email', 'tier', 'pointsBalance', 'enrolledAt']));
    await page.getByText(`Exported ${ofTier.body.items.length} members.`).waitFor();
    // By segment: a list segment of two of the demo's members.
    const vip = demo.members.slice(1, 3);
    const segment = await api.call('PUT', '/v1/admin/segments/vip', { as: 'admin', body: { name: 'VIP', list: true } });
    expect(segment.status).toBeLessThan(300);
    for (const id of vip) {
      const added = await api.call('POST', '/v1/admin/segments/vip/members', {
        as: 'admin',
        body: { memberId: id, action: 'add' },
      });
      expect(added.status).toBeLessThan(300);
    }
    await page.reload();
    await page.getByLabel('Segment').selectOption('vip');
    await page.getByLabel('Tier').selectOption('');
    await page.getByRole('button', { name: 'Show members' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    const inSegment = await rows
      .locator('td:first-child a')
      .evaluateAll((as) =>
        as.map((a) => decodeURIComponent((a as unknown as { hash: string }).hash.replace('#/members/', ''))),
      );
    expect(new Set(inSegment)).toEqual(new Set(vip));
    await shoot('members-list');
  });

  it('enrols a member whose long values never overflow, edits profile and consent, exports and erases them', async () => {
    const longName = `Maximiliane-${'Wolfeschlegelsteinhausenbergerdorff'.repeat(3)}`;
    const email = `${'x'.repeat(60)}@example.com`;
    await page.getByLabel('Name (optional)').fill(longName);
    await page.getByLabel('E-mail (optional)').fill(email);
    await page.locator('#enrol-consent-marketing').check();
    await page.getByRole('button', { name: 'Enrol member' }).click();
    await page.getByRole('heading', { level: 2, name: new RegExp(longName) }).waitFor();
    const enrolled = decodeURIComponent(page.url().split('#/members/')[1] ?? '');
    expect(enrolled).toMatch(/^mem_/);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot('member-long-values');
    // A merge patch of what changed: a new e-mail, marketing consent withdrawn.
    await page.getByLabel('E-mail', { exact: true }).fill('maxi@example.com');
    await page.locator('#profile-consent-marketing').uncheck();
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    const patched = await api.call<{ email: string; consent: { marketing: boolean } }>(
      'GET',
      `/v1/members/${enrolled}`,
    );
    expect(patched.body.email).toBe('maxi@example.com');
    expect(patched.body.consent.marketing).toBe(false);
    const exported = await downloaded(() =>
      page.getByRole('button', { name: 'Export everything stored (JSON)' }).click(),
    );
    expect(exported.name).toBe(`member-${enrolled}.json`);
    expect(exported.text).toContain('maxi@example.com');
    // Erasure asks first; keeping the member changes nothing.
    await page.getByRole('button', { name: 'Erase this member…' }).click();
    await page.getByRole('button', { name: 'Keep the member' }).click();
    expect((await api.call('GET', `/v1/members/${enrolled}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Erase this member…' }).click();
    await page.getByRole('alertdialog').getByText('for good?').waitFor();
    await page.getByRole('button', { name: 'Erase for good' }).click();
    await page.getByRole('heading', { level: 2, name: 'All members, newest first' }).waitFor();
    expect([404, 409]).toContain((await api.call('GET', `/v1/members/${enrolled}`)).status);
  });

  it('shows the program as a form: money in major units with the currency, rates as percentages, help per field', async () => {
    const program = await api.call<{
      currency: string;
      updatedAt: string;
      tiers: { name: string; minQualifyingSpend: { value: number }; cashbackRate: number }[];
    }>('GET', '/v1/admin/program', { as: 'admin' });
    await open('Program');
    const silver = program.body.tiers[1];
    const threshold = page.getByLabel(`Minimum qualifying spend (${program.body.currency})`).nth(1);
    expect(await threshold.inputValue()).toBe((Number(silver?.minQualifyingSpend.value) / 100).toFixed(2));
    expect(await page.getByLabel('Cashback (%)').nth(1).inputValue()).toBe(String(Number(silver?.cashbackRate) / 100));
    // Each field says what it means, announced with it.
    const describedBy = await threshold.getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).toContain('rolling 12 months');
    expect(await page.locator('section[aria-labelledby="program-title"] > p.muted').textContent()).not.toContain(
      '1970',
    );
  });

  it('shows a refused program at the field that is wrong, and saves nothing', async () => {
    const before = await api.call<{ version: number }>('GET', '/v1/admin/program', { as: 'admin' });
    const silverThreshold = page.locator('#program-tiers-1-minQualifyingSpend-value');
    // What the console can tell by itself (not an amount) is shown before anything is sent…
    await page.locator('#program-tiers-1-cashbackRate').fill('2,555');
    await page.getByRole('button', { name: 'Save program' }).click();
    await expect.poll(() => page.locator('#program-tiers-1-cashbackRate').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#program-tiers-1-cashbackRate').fill('2.5');
    // …and what the server refuses is shown at the same place.
    await silverThreshold.fill('0');
    await page.getByRole('button', { name: 'Save program' }).click();
    await expect.poll(() => silverThreshold.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await silverThreshold.getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy?.split(' ').pop()}`).textContent()).toContain('tiers must rise');
    await shoot('program');
    const after = await api.call<{ version: number }>('GET', '/v1/admin/program', { as: 'admin' });
    expect(after.body.version).toBe(before.body.version);
  });

  it('saves with If-Match, shows what changed between two versions, and refuses a save over a newer version', async () => {
    const before = await api.call<{ version: number; tiers: { cashbackRate: number }[] }>('GET', '/v1/admin/program', {
      as: 'admin',
    });
    const silverThreshold = page.locator('#program-tiers-1-minQualifyingSpend-value');
    await silverThreshold.fill('600');
    await page.getByRole('button', { name: 'Save program' }).click();
    await page.getByText(`Saved as version ${before.body.version + 1}.`).waitFor();
    const saved = await api.call<{
      version: number;
      updatedAt: string;
      tiers: { minQualifyingSpend: { value: number }; cashbackRate: number }[];
    }>('GET', '/v1/admin/program', { as: 'admin' });
    expect(saved.body.version).toBe(before.body.version + 1);
    expect(saved.body.tiers[1]?.minQualifyingSpend.value).toBe(60_000);
    expect(saved.body.tiers[1]?.cashbackRate).toBe(250);
    // The history compares the version before with this one, field by field, in the form's units.
    const diff = page.locator('table.diff');
    await expect.poll(() => diff.locator('tbody tr').count()).toBe(2);
    const spendRow = diff.getByRole('row', { name: /tiers\.1\.minQualifyingSpend/ });
    expect(await spendRow.textContent()).toMatch(/500\.00.*600\.00/);
    expect(await diff.getByRole('row', { name: /tiers\.1\.cashbackRate/ }).textContent()).toContain('2.5 %');
    // Someone else saves meanwhile: this page's If-Match no longer holds, and nothing is overwritten.
    const { version: _version, updatedAt: _updatedAt, ...rules } = saved.body;
    const changed = structuredClone(rules);
    if (changed.tiers[1]) changed.tiers[1].minQualifyingSpend.value = 65_000;
    const other = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: changed,
      headers: { 'If-Match': saved.headers.get('etag') ?? '' },
    });
    expect(other.status).toBe(200);
    await silverThreshold.fill('700');
    await page.getByRole('button', { name: 'Save program' }).click();
    await page.getByText('The program changed since you opened it').waitFor();
    const after = await api.call<{ version: number }>('GET', '/v1/admin/program', { as: 'admin' });
    expect(after.body.version).toBe(before.body.version + 2);
    await shoot('program-history');
  });

  it('adds a promotion by form, keeps every field in its place after the save, then restores the version before', async () => {
    await page.getByRole('button', { name: 'Discard changes' }).click();
    const start = await api.call<{ version: number; promotions: unknown[] }>('GET', '/v1/admin/program', {
      as: 'admin',
    });
    await page.getByText(`Version ${start.body.version}, saved`).waitFor();
    await page.getByRole('button', { name: 'Add a promotion' }).click();
    const index = start.body.promotions.length;
    await page.locator(`#program-promotions-${index}-id`).fill('double-december');
    await page.locator(`#program-promotions-${index}-name`).fill('Double points in December');
    await page.locator(`#program-promotions-${index}-startsAt`).fill('2026-12-01T00:00:00');
    await page.locator(`#program-promotions-${index}-endsAt`).fill('2027-01-01T00:00:00');
    await page.locator(`#program-promotions-${index}-pointsMultiplier`).fill('2');
    // The ids of the form's controls in page order (a string expression: it runs in the page).
    const fieldOrder = () =>
      page.evaluate<string[]>(
        "[...document.querySelectorAll('form.program-form input, form.program-form select, form.program-form textarea')].map((e) => e.id)",
      );
    const before = await fieldOrder();
    await page.getByRole('button', { name: 'Save program' }).click();
    await page.getByText(`Saved as version ${start.body.version + 1}.`).waitFor();
    const saved = await api.call<{ promotions: Record<string, unknown>[] }>('GET', '/v1/admin/program', {
      as: 'admin',
    });
    expect(saved.body.promotions[index]).toEqual({
      id: 'double-december',
      name: 'Double points in December',
      startsAt: '2026-12-01T00:00:00.000Z',
      endsAt: '2027-01-01T00:00:00.000Z',
      pointsMultiplier: 2,
    });
    expect(await fieldOrder()).toEqual(before);
    expect(await page.locator(`#program-promotions-${index}-name`).inputValue()).toBe('Double points in December');
    // Restore: the version before, saved again as the next one; the history keeps both.
    await page.getByLabel('Compare version').selectOption(String(start.body.version));
    await expect.poll(() => page.locator('table.diff').textContent()).toContain(`promotions.${index}.id`);
    await page.getByRole('button', { name: `Restore version ${start.body.version}` }).click();
    await page.getByText(`Restored version ${start.body.version} as version ${start.body.version + 2}.`).waitFor();
    const restored = await api.call<{ version: number; promotions: unknown[] }>('GET', '/v1/admin/program', {
      as: 'admin',
    });
    expect(restored.body.version).toBe(start.body.version + 2);
    expect(restored.body.promotions).toEqual(start.body.promotions);
    await expect.poll(() => page.locator(`#program-promotions-${index}-id`).count()).toBe(0);
    await shoot('program-restored');
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

  it('lists rewards, creates one, edits one in place (the tier picked by name) and deactivates one', async () => {
    await open('Rewards');
    await page.getByRole('cell', { name: 'Espresso cup', exact: true }).waitFor();
    await page.getByLabel('Reward id').fill('tote-bag');
    await page.getByLabel('Name', { exact: true }).fill('Tote bag');
    await page.getByLabel('Points cost').fill('800');
    await page.getByRole('button', { name: 'Save reward' }).click();
    await page.getByText('Created tote-bag.').waitFor();

    await page.getByRole('button', { name: 'Edit Espresso cup' }).click();
    const edit = page.getByRole('region', { name: 'Edit Espresso cup' });
    await edit.getByLabel('Stock (empty: unlimited)').fill('3');
    await edit.getByLabel('Lowest tier').selectOption({ label: 'Silver' });
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved espresso-cup.').waitFor();
    await expect
      .poll(() => page.getByRole('row', { name: /Espresso cup/ }).textContent(), { timeout: 10_000 })
      .toContain('Silver');

    await page.getByRole('button', { name: 'Edit Tote bag' }).click();
    await page
      .getByRole('region', { name: 'Edit Tote bag' })
      .getByLabel(/^Active/)
      .uncheck();
    await page.getByRole('region', { name: 'Edit Tote bag' }).getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved tote-bag: deactivated, out of the catalog.').waitFor();
    await expect
      .poll(() => page.getByRole('cell', { name: 'Tote bag', exact: true }).count(), { timeout: 10_000 })
      .toBe(0);
    const rewards = await api.call<{ items: { rewardId: string; stock?: number; minTier?: string }[] }>(
      'GET',
      '/v1/rewards',
    );
    expect(rewards.body.items.find((r) => r.rewardId === 'espresso-cup')).toMatchObject({
      stock: 3,
      minTier: 'silver',
    });
    expect(rewards.body.items.map((r) => r.rewardId)).not.toContain('tote-bag');
    await shoot('rewards');
  });

  it('adds a webhook endpoint (secret shown once), sends it a test event and lists the delivery', async () => {
    await open('Webhooks');
    await page.getByLabel('URL').fill(receiver.url);
    // The types are picked from the catalogue: not every type, two of them.
    await page.getByLabel('Every event type, new ones included (*)').uncheck();
    await page.getByLabel('points.earned', { exact: true }).check();
    await page.getByLabel('tier.changed', { exact: true }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByTestId('secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    const endpoints = await api.call<{ items: { url: string; types: string[] }[] }>('GET', '/v1/admin/webhooks', {
      as: 'admin',
    });
    expect(endpoints.body.items.find((w) => w.url === receiver.url)?.types).toEqual(['points.earned', 'tier.changed']);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText('A webhook.test event is on its way.').waitFor();
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBeGreaterThan(0);
    // The list is read when opened: open it until the delivery is there.
    await expect
      .poll(
        async () => {
          const toggle = page.getByRole('button', { name: 'Deliveries' });
          if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
          await toggle.click();
          await page.waitForTimeout(300);
          return page.locator('.deliveries tbody').textContent();
        },
        { timeout: 20_000 },
      )
      .toContain('webhook.test');
    await shoot('webhooks');
  });

  it('starts an import from pasted NDJSON, follows it to the end and shows the refused line', async () => {
    await open('Imports');
    const lines = [
      { kind: 'member', externalId: 'imported-1', consent: { marketing: false, analytics: true } },
      { kind: 'member', externalId: 'imported-2' },
    ];
    await page.getByLabel('Or paste NDJSON lines').fill(lines.map((line) => JSON.stringify(line)).join('\n'));
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByText('2 of 2 lines: 1 applied, 1 refused.').waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Refused lines' }).waitFor();
    await expect.poll(() => page.locator('table tbody tr').first().textContent()).toMatch(/^2/);
    // The refused line names its field at fault, as a request with that line would.
    expect(await page.locator('table tbody tr').first().locator('ul.field-errors').textContent()).toContain('consent');
    const found = await api.call<{ items: { memberId: string }[] }>('GET', '/v1/members?externalId=imported-1');
    expect(found.body.items).toHaveLength(1);
    await shoot('imports');
  });

  it('lists every import newest first with its status; one that stopped says why, with its refused lines', async () => {
    // Every other line bad: past 100 lines, more than 10 % bad stops the import.
    const stopped = await api.call<{ importId: string }>('POST', '/v1/admin/imports', {
      as: 'admin',
      rawBody: importFile({ lines: 150, badEvery: 2, purchaseShare: 0, prefix: 'stopped' }).text,
      headers: { 'Content-Type': 'application/x-ndjson' },
    });
    await api.imports.idle();
    const progress = await api.call<{ status: string; stopReason: string }>(
      'GET',
      `/v1/admin/imports/${stopped.body.importId}`,
      { as: 'admin' },
    );
    expect(progress.body.status).toBe('failed');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();
    const rows = page.locator('table.import-list tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    expect(await rows.first().textContent()).toContain(stopped.body.importId);
    expect(await rows.first().textContent()).toContain('failed');
    expect(await rows.first().locator('td').last().textContent()).toBe(progress.body.stopReason);
    expect(await rows.nth(1).textContent()).toContain('done');
    await page.getByRole('button', { name: `Show import ${stopped.body.importId}` }).click();
    await expect
      .poll(() => page.getByTestId('stop-reason').textContent(), { timeout: 10_000 })
      .toBe(progress.body.stopReason);
    await page.getByRole('heading', { name: 'Refused lines' }).waitFor();
    await shoot('imports-stopped');
  });

  it('creates a raffle, lists the entries members bought, draws it and checks the draw in the browser', async () => {
    const clock = api.testClock;
    if (!clock) throw new Error('the console tests run with the test clock');
    const now = clock.now();
    /** The value of an <input type="datetime-local">: the browser's local time, as this process's. */
    const local = (date: Date) =>
      `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}T` +
      `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    const closesAt = new Date(now.getTime() + 3_600_000);
    await open('Raffles');
    await page.getByLabel('Raffle id').fill('spring-draw');
    await page.getByLabel('Name', { exact: true }).fill('Spring draw');
    await page.getByLabel('Opens at').fill(local(new Date(now.getTime() - 3_600_000)));
    await page.getByLabel('Closes at').fill(local(closesAt));
    await page.getByLabel('Points per entry (optional)').fill('10');
    await page.getByLabel('Prize 1 id').fill('bike');
    await page.getByLabel('Prize 1 name').fill('City bike');
    await page.getByRole('button', { name: 'Add a prize' }).click();
    await page.getByLabel('Prize 2 id').fill('mug');
    await page.getByLabel('Prize 2 name').fill('Mug');
    await page.getByLabel('Prize 2 units').fill('2');
    await page.getByRole('button', { name: 'Create raffle' }).click();
    await expect.poll(() => page.getByTestId('raffle-status').textContent(), { timeout: 10_000 }).toBe('open');
    expect(page.url()).toContain('#/raffles/spring-draw');

    // Three of the demo's members with points buy entries, as a till would.
    const buyers: string[] = [];
    for (const candidate of demo.members) {
      const member = await api.call<{ points: { available?: number; balance: number } }>(
        'GET',
        `/v1/members/${candidate}`,
      );
      if (member.status !== 200 || member.body.points.balance < 100) continue;
      const bought = await api.call('POST', `/v1/members/${candidate}/raffles/spring-draw/entries`, {
        body: { count: 3 },
      });
      if (bought.status === 201) buyers.push(candidate);
      if (buyers.length === 3) break;
    }
    expect(buyers).toHaveLength(3);
    await page.reload();
    await expect.poll(() => page.locator('table.raffle-entries tbody tr').count(), { timeout: 10_000 }).toBe(3);
    expect(await page.getByRole('button', { name: 'Draw the winners' }).count()).toBe(0);

    // Entries close: the list shows it waiting for its draw first, and the draw is one click.
    clock.moveTo(new Date(closesAt.getTime() + 60_000));
    await page.getByRole('link', { name: 'All raffles' }).click();
    await expect
      .poll(() => page.locator('table tbody tr').first().textContent(), { timeout: 10_000 })
      .toContain('closed, waiting for the draw');
    await page.getByRole('link', { name: 'Spring draw' }).click();
    await page.getByRole('button', { name: 'Draw the winners' }).click();
    await expect.poll(() => page.locator('table.winners tbody tr').count(), { timeout: 10_000 }).toBe(3);
    const drawn = await api.call<{ seed: string; winners: { prizeId: string; memberId: string; entry: number }[] }>(
      'GET',
      '/v1/raffles/spring-draw',
    );
    expect(await page.getByTestId('raffle-seed').textContent()).toBe(drawn.body.seed);
    const rows = await page.locator('table.winners tbody tr').allTextContents();
    expect(rows).toEqual(
      drawn.body.winners.map((w) => `${w.prizeId === 'bike' ? 'City bike' : 'Mug'}${w.memberId}${w.entry}`),
    );
    for (const winner of drawn.body.winners) expect(buyers).toContain(winner.memberId);
    await page.getByRole('button', { name: 'Check the draw in this browser' }).click();
    const check = page.getByTestId('raffle-check');
    await expect.poll(() => check.textContent(), { timeout: 10_000 }).toContain('matches the seed hash');
    expect(await check.textContent()).toContain('over 9 entries, the winners match the published winners');
    await shoot('raffles');
  });

  it("gives a support desk's key (members:read + points:adjust) members and adjustments only", async () => {
    const created = await api.call<{ partnerId: string; apiKey: string }>('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Support desk', scopes: ['members:read', 'points:adjust'] },
    });
    expect(created.status).toBe(201);
    supportDesk = created.body.partnerId;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(created.body.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Console' }).getByRole('link');
    expect(await nav.allTextContents()).toEqual(['Members']);
    // No list (admin only) and no enrolment (members:write): only the lookup.
    expect(await page.getByRole('heading', { name: 'All members, newest first' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Enrol a member' }).count()).toBe(0);
    const member = await api.call<{ email: string; points: { balance: number } }>('GET', `/v1/members/${memberId}`);
    await page.getByLabel('Look up by').selectOption('email');
    await page.getByLabel('Value').fill(member.body.email);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByTestId('points-balance').waitFor();
    expect(await page.getByRole('heading', { name: 'Edit profile and consent' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Erase this member…' }).count()).toBe(0);
    await page.getByLabel('Points (negative to debit)').fill('-10');
    await page.getByLabel('Reason').fill('Support: duplicate welcome bonus');
    await page.getByRole('button', { name: 'Post adjustment' }).click();
    const balance = new Intl.NumberFormat('en-US').format(member.body.points.balance - 10);
    await page.getByText(`Balance now ${balance}.`).waitFor();
    await shoot('support-desk');
    // A page the key cannot use is not there even at its address.
    await page.goto(`${api.url}/console#/program`);
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    expect(await page.getByRole('heading', { level: 1, name: 'Program' }).count()).toBe(0);
    expect(await nav.allTextContents()).toEqual(['Members']);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(api.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Audit' }).waitFor();
  });

  it('lists the changes this test made in the audit log, filtered by what and by who', async () => {
    await open('Audit');
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    // Newest first: the partner this test deleted, made by the admin key the console signed in with.
    const deleted = rows.filter({ hasText: 'partner.deleted' }).first();
    expect(await deleted.textContent()).toContain('Local admin');
    await page.getByLabel('What').selectOption('program.saved');
    await page.getByRole('button', { name: 'Show changes' }).click();
    const program = await api.call<{ version: number }>('GET', '/v1/admin/program', { as: 'admin' });
    await expect.poll(() => rows.first().textContent()).toContain(`Program version ${program.body.version} saved`);
    const kinds = await rows.locator('td:nth-child(3)').allTextContents();
    expect(new Set(kinds)).toEqual(new Set(['program.saved']));
    // The adjustment posted on the member page: by the admin key, with the amount but not the reason.
    await page.getByLabel('What').selectOption('points.adjusted');
    await page.getByLabel('Who').selectOption('local-admin');
    await page.getByRole('button', { name: 'Show changes' }).click();
    await expect.poll(() => rows.first().textContent()).toContain(`Member ${memberId} adjusted by +250 points`);
    expect(await page.locator('table').textContent()).not.toContain('parcel arrived late');
    // The support desk's adjustment, by its own key and name; and the member this test erased.
    await page.getByLabel('Who').selectOption(supportDesk);
    await page.getByRole('button', { name: 'Show changes' }).click();
    await expect.poll(() => rows.first().textContent()).toContain('Support desk');
    expect(await rows.first().textContent()).toContain(`Member ${memberId} adjusted by -10 points`);
    await page.getByLabel('Who').selectOption('');
    await page.getByLabel('What').selectOption('member.erased');
    await page.getByRole('button', { name: 'Show changes' }).click();
    await expect.poll(() => rows.first().textContent()).toContain('member.erased');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Local admin');
    await shoot('audit');
  });

  it('labels every control on every page, and the keyboard reaches the content first', async () => {
    const unlabelled = `[...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => el.type !== 'hidden')
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
        || (el.tagName === 'BUTTON' && el.textContent.trim())))
      .map((el) => el.outerHTML.slice(0, 120))`;
    for (const section of [
      'Overview',
      'Members',
      'Program',
      'Rewards',
      'Raffles',
      'Partners',
      'Webhooks',
      'Imports',
      'Audit',
    ]) {
      await open(section);
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate<string[]>(unlabelled), section).toEqual([]);
    }
    // A fresh load (the session keeps the key): focus starts at the top of the document.
    await page.goto(`${api.url}/console#/members/${memberId}`);
    await page.reload();
    await page.getByTestId('points-balance').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('main');
  });

  it('no page broke the CSP or threw, and every call the pages made is a route of the API (same origin)', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(apiCalls.size).toBeGreaterThan(10);
    for (const call of apiCalls) {
      const [method, path] = call.split(' ') as [string, string];
      const routeMethods = (matchPath(path)?.candidates ?? []).map((c) => routes[c.routeId].method as string);
      expect(routeMethods, call).toContain(method);
    }
  });
});
