// Batch: upload a TXT prompt set with a malformed line (listed with its line number), run it, reload
// the tab mid-run and see it resume from IndexedDB with no finished row lost, then export CSV and
// check its rows match the table.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parseResultsCsv } from '../../src/core/io/results.ts';
import { batchRowKeys, batchRows } from './batchRows.ts';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { usePlayground, waitForModel } from './playground.ts';
import { recordMeasurement } from './measurements.ts';

let app: BrowserApp;
usePlayground('/?view=batch&backend=wasm', (a) => (app = a));

const PROMPTS = [
  'a photo of a red circle', 'a photo of a blue square', 'a photo of two green triangles', 'a photo of a yellow circle',
  'a photo of a hexagon', // line 5: unknown word
  'a photo of a purple square', 'a photo of three orange circles', 'a photo of a large red triangle', 'a photo of a small blue circle',
  'a photo of a green square', 'a photo of two red circles', 'a photo of a blue triangle', 'a photo of four yellow squares',
];

const status = (page: BrowserApp['page']) => page.getByTestId('batch-status');
const done = async (page: BrowserApp['page']) => Number(await status(page).getAttribute('data-done'));

test('batch: problems by line, resume after reload, export matches the table', async () => {
  const { page } = app;
  await page.getByTestId('batch-upload').setInputFiles({ name: 'mixed.txt', mimeType: 'text/plain', buffer: Buffer.from(PROMPTS.join('\n') + '\n') });
  await expect(page.getByTestId('batch-problems').innerText()).resolves.toMatch(/line 5.*hexagon/s);
  await expect(page.getByTestId('batch-summary').innerText()).resolves.toMatch(/12 valid prompt/);

  await page.getByTestId('batch-run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-done')) >= 4, null, { timeout: 120_000 });
  const before = await done(page);
  expect(before, 'the run finished before the reload; make the set longer').toBeLessThan(12);
  const rowsBefore = await batchRowKeys(page);

  await page.reload();
  await waitForModel(page);
  // Restored from IndexedDB: every finished row is back, and the run resumes by itself.
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-done')) >= n, before, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-status') === 'done', null, { timeout: 180_000 });
  expect(await done(page), recentLogs(app)).toBe(12);
  const rows = await batchRowKeys(page);
  expect(rows).toHaveLength(24); // 12 prompts x G = 2
  expect(new Set(rows).size).toBe(24);
  recordMeasurement('rows_lost.reload', rowsBefore.filter((r) => !rows.includes(r)).length);
  for (const r of rowsBefore) expect(rows).toContain(r);
  await screenshot(app, 'batch');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  const exported = parseResultsCsv(csv, 'export.csv');
  expect(exported.map((r) => `${r.line}:${r.seed}`)).toEqual(rows);
  expect(exported.every((r) => r.cfgScale === 1), 'the tiny model\'s batch samples without guidance').toBe(true);
  const tablePrompts = (await batchRows(page)).map((r) => r.prompt);
  expect(exported.map((r) => r.prompt)).toEqual(tablePrompts);
});
