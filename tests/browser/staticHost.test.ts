// dist/ on the plainest static host: the production build served by a static file server that sends
// no COOP/COEP and no CSP (src/cli/staticServer.ts), under a sub-path. The page, the engine worker,
// ORT's files, the model and the prompt sets all resolve under that path; the page generates a
// group on single-threaded WASM, and the Model view says it runs single-threaded and why.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type BrowserApp, recentLogs, screenshot, startApp } from './harness.ts';
import { generateGroup, waitForModel } from './playground.ts';

const BASE = '/some/path/';
let app: BrowserApp;
const outside: string[] = []; // requests that left the sub-path or failed

beforeAll(async () => {
  app = await startApp({ server: 'static', basePath: BASE, path: '/?view=inspect&backend=wasm', waitForEngine: false });
  app.page.on('response', (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith(BASE) || r.status() >= 400) outside.push(`${r.status()} ${u.pathname}`);
  });
}, 300_000);
afterAll(() => app?.close());

test('dist/ under a sub-path without COOP/COEP: generates on single-threaded WASM and says so', async () => {
  const { page } = app;
  expect(new URL(page.url()).pathname).toBe(BASE);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await page.reload(); // the listener above sees every request from the start
  await waitForModel(page).catch((e) => { throw new Error(`${e}${recentLogs(app)}`); });
  const rewards = await generateGroup(app, 'a photo of a red circle', 4);
  expect(rewards).toHaveLength(4);
  for (const r of rewards) expect(r).toBeGreaterThan(0);

  await page.getByTestId('tab-model').click();
  await expect(page.getByTestId('backend-single-thread').innerText()).resolves.toMatch(/WASM runs single-threaded/);
  await page.getByTestId('backend-wasm').waitFor({ timeout: 30_000 });
  await expect(page.getByTestId('wasm-coi').innerText()).resolves.toBe('no');
  await expect(page.getByTestId('backend-wasm').innerText()).resolves.toMatch(/single thread/);
  await expect(page.getByTestId('wasm-single-thread').innerText()).resolves.toMatch(/single-threaded here: this host sends no COOP\/COEP/);
  expect(outside, 'every file came from under the sub-path').toEqual([]);
  await screenshot(app, 'static-host-model', { fullPage: false });
});
