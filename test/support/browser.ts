import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** Where browser tests leave their screenshots. */
export const screenshots = join(import.meta.dirname, '..', 'output', 'console');

export interface HeadlessBrowser {
  page: Page;
  /** Uncaught errors of the page's scripts. */
  pageErrors: string[];
  /** Console messages of Content Security Policy refusals. */
  cspViolations: string[];
  close(): Promise<void>;
}

/**
 * Debian's chromium, headless, driven by playwright-core, with one page whose script errors and CSP
 * refusals are recorded for the test to assert none. No chromium is a failure, not a skip.
 */
export async function launchBrowser(name: string): Promise<HeadlessBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(screenshots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), `${name}-chromium-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  return {
    page,
    pageErrors,
    cspViolations,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
