// The Batch table at scale: a real run of 5 prompts (G = 2) is scored by the engine, then copied
// through the store's own IndexedDB layer (batchDb.ts, the functions the app stores rows with) into a
// job of 2,500 prompts = 5,000 rows, which the page opens from its jobs list as any stored batch.
// The virtualised table keeps fewer than 200 row elements in the DOM while it scrolls to the end;
// a thumbnail opens the full-size detail with its heat strip and a word's occlusion map; every
// column header explains its notation.
import { expect, test } from 'vitest';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { usePlayground, waitForModel } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=batch&backend=wasm', (a) => (app = a));

const PROMPTS = ['a photo of a red circle', 'a photo of two blue squares', 'a photo of a green triangle', 'a photo of a yellow circle left of a purple square', 'a photo of three orange circles'];
const BIG_PROMPTS = 2500;
const MAX_ROWS_IN_DOM = 200;

const rowsInDom = (page: BrowserApp['page']) => page.evaluate(() => document.querySelectorAll('[data-testid="batch-row"]').length);

test('5,000 rows: fewer than 200 in the DOM while scrolling; a thumbnail opens its detail', async () => {
  const { page } = app;
  await page.getByTestId('batch-upload').setInputFiles({ name: 'small.txt', mimeType: 'text/plain', buffer: Buffer.from(PROMPTS.join('\n')) });
  await page.waitForFunction(() => (document.querySelector('[data-testid="batch-summary"]')?.textContent ?? '').includes('small.txt'), null, { timeout: 10_000 });
  await page.getByLabel('G per prompt').fill('2');
  await page.getByTestId('batch-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-status') === 'done', null, { timeout: 120_000 });

  // 2,500 prompts from the 5 scored ones (rows and images as the engine made them), lines 1..2500.
  const bigId = await page.evaluate(async (n) => {
    const db = window.__gvu!.batchDb;
    const small = (await db.listJobs()).find((j) => j.job.fileName === 'small.txt')!.job;
    const records = (await db.loadRecords(small.id)).sort((a, b) => a.index - b.index);
    const id = `big-${Date.now()}`;
    const items = Array.from({ length: n }, (_, i) => ({ ...small.items[i % small.items.length], index: i, line: i + 1 }));
    await db.saveJob({ ...small, id, fileName: 'big.txt', items, createdAt: Date.now(), state: 'done' });
    for (let i = 0; i < n; i++) {
      const r = records[i % records.length];
      await db.saveRecord({ jobId: id, index: i, rows: r.rows.map((row) => ({ ...row, line: i + 1 })), images: r.images });
    }
    return id;
  }, BIG_PROMPTS);

  // Open it as a user would: reload, then Open in the jobs list.
  await page.reload();
  await waitForModel(page);
  const big = page.locator('[data-testid="batch-job"]', { hasText: 'big.txt' });
  await big.waitFor({ timeout: 30_000 });
  expect(await big.getAttribute('data-job-id')).toBe(bigId);
  const opened = Date.now();
  await big.getByTestId('batch-job-open').click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="batch-table"]')?.getAttribute('data-rows') === String(n), 2 * BIG_PROMPTS, { timeout: 60_000 });
  const openMs = Date.now() - opened;
  const first = await rowsInDom(page);
  expect(first, recentLogs(app)).toBeGreaterThan(10); // the view is filled
  expect(first).toBeLessThan(MAX_ROWS_IN_DOM);

  // Scroll to the end in 40 steps; each step waits two frames so the rows in view are drawn.
  const scroller = page.getByTestId('batch-scroll');
  const steps = 40;
  let maxRows = first;
  const stepMs: number[] = [];
  for (let k = 1; k <= steps; k++) {
    const { rows, ms } = await scroller.evaluate((el, f) => new Promise<{ rows: number; ms: number }>((resolve) => {
      const t0 = performance.now();
      el.scrollTop = f * (el.scrollHeight - el.clientHeight);
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({
        rows: document.querySelectorAll('[data-testid="batch-row"]').length, ms: performance.now() - t0,
      })));
    }), k / steps);
    maxRows = Math.max(maxRows, rows);
    stepMs.push(ms);
  }
  expect(maxRows).toBeLessThan(MAX_ROWS_IN_DOM);
  const lines = await page.getByTestId('batch-row').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line'))));
  expect(Math.max(...lines), 'the last rows are drawn at the bottom').toBe(BIG_PROMPTS);
  const sorted = [...stepMs].sort((x, y) => x - y);
  console.log(`batch table: ${2 * BIG_PROMPTS} rows opened in ${openMs} ms, at most ${maxRows} rows in the DOM; `
    + `a scroll step (a jump of ${2 * BIG_PROMPTS / steps} rows, then 2 frames) median ${sorted[steps >> 1].toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);

  // Every header explains its notation; "2·0" is named.
  const help = await page.getByTestId('batch-column').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  expect(help).toHaveLength(7);
  for (const h of help) expect(h.length).toBeGreaterThan(10);
  expect(help[0]).toMatch(/2·0 is the first image of line 2/);

  // A thumbnail opens the detail: full-size image, heat strip, and a word's occlusion map on click.
  const row = page.getByTestId('batch-row').last();
  const prompt = await row.getAttribute('data-prompt');
  await row.getByTestId('batch-thumb').click();
  const detail = page.getByTestId('batch-detail');
  await page.waitForFunction(() => (document.querySelector('[data-testid="batch-detail"]') as HTMLDialogElement | null)?.open === true, null, { timeout: 5_000 });
  await expect(detail.locator('h3').innerText()).resolves.toBe(prompt);
  const canvas = detail.locator('canvas');
  expect((await canvas.boundingBox())!.width).toBeGreaterThanOrEqual(380);
  const words = detail.locator('.heat-cell');
  expect(await words.count()).toBe(prompt!.split(' ').length + 1); // every word, then <eos>
  await words.nth(4).click(); // "red" / "two" / ... : a content word
  await detail.getByTestId('batch-detail-map').waitFor({ timeout: 60_000 });
  expect(await detail.getByTestId('heat-overlay').locator('span').count()).toBe(16); // the tiny model's 4 x 4 token grid
  await screenshot(app, 'batch-detail', { fullPage: false });
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !(document.querySelector('[data-testid="batch-detail"]') as HTMLDialogElement | null)?.open, null, { timeout: 5_000 });
  await screenshot(app, 'batch-5000', { fullPage: false });
});
