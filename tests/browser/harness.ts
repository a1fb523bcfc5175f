// Browser-test harness: the app on a fresh vite dev server, in a fresh headless Chromium profile.
// The launch code is shared with the bench CLI (src/cli/browser.ts); this file adds what tests need.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type BrowserApp, type BrowserAppOptions, launchBrowserApp } from '../../src/cli/browser.ts';

export type { BrowserApp };
export { runModelInPage, probeInPage } from '../../src/cli/pageEngine.ts';

export const SCREENSHOT_DIR = 'test-output/screenshots';

export function startApp(opts: BrowserAppOptions = {}): Promise<BrowserApp> {
  return launchBrowserApp(opts);
}

/** The whole page by default; `fullPage: false` for the viewport (a page with a long table). */
export async function screenshot(app: Pick<BrowserApp, 'page'>, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  const path = `${SCREENSHOT_DIR}/${name}.png`;
  mkdirSync(dirname(path), { recursive: true });
  await app.page.screenshot({ path, fullPage: opts.fullPage ?? true });
  return path;
}

/** The last browser console lines, to append to an assertion message. */
export const recentLogs = (app: BrowserApp, n = 30) => `\n--- browser console ---\n${app.logs.slice(-n).join('\n')}`;
