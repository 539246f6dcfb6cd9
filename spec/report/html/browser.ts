/**
 * Headless Chromium for the HTML report's end-to-end tests: Debian's /usr/bin/chromium (or PRUNEPROOF_CHROMIUM)
 * driven by playwright-core, which downloads no browser. A missing browser is an error that says how to install
 * it, never a skipped test.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PRUNEPROOF_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Chromium off the network at start (updates, sync, field trials) and working as root. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile; throws with the install command when it is missing. */
export async function startBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `The HTML report's browser test needs Chromium at ${CHROMIUM} and it is missing: ` +
        'install it with `apt-get update && apt-get install -y chromium` (or set PRUNEPROOF_CHROMIUM to a Chromium binary).',
    );
  const profile = mkdtempSync(join(tmpdir(), 'pruneproof-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What loading a page did besides rendering: requests refused for leaving file:, console errors, page errors. */
export interface PageLoad {
  page: Page;
  blocked: string[];
  errors: string[];
}

/** Opens a local file with every non-file: request blocked and recorded, and console errors collected. */
export async function openFile(browser: Browser, file: string): Promise<PageLoad> {
  const page = await browser.context.newPage();
  const blocked: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) await route.continue();
    else {
      blocked.push(url);
      await route.abort();
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, blocked, errors };
}
