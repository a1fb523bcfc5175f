// Batch history: every job is kept. A new upload adds a job and leaves the last one's rows alone;
// past jobs reopen, export and delete from the list; the export says what it holds (all rows, or
// the filtered ones when chosen). A browser holding the old single-job store (IndexedDB v1) finds
// its batch in the list after the upgrade, rows and all.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parseResultsCsv } from '../../src/core/io/results.ts';
import { type BrowserApp, screenshot } from './harness.ts';
import { waitForModel } from './playground.ts';
import { startApp } from './harness.ts';
import { afterAll, beforeAll } from 'vitest';

let app: BrowserApp;
beforeAll(async () => {
  app = await startApp({ path: '/?view=batch&backend=wasm', waitForEngine: false });
});
afterAll(() => app?.close());

const V1_ROW = {
  line: 1, prompt: 'a photo of a red circle', tag: 'single', seed: 1000, imageIndex: 0, reward: 0.5, lowestWord: 'red', lowestP: 0.4,
  perToken: [{ word: 'red', p: 0.4 }], judgePass: true, judgeStrictPass: true, judgeReasons: [],
};

test('a batch stored by the previous version (IndexedDB v1) is kept through the upgrade', async () => {
  const { page } = app;
  // A page of the same origin that does not run the app: write the v1 layout there.
  await page.goto(`${app.url}/models/tiny-umm/config.json`);
  await page.evaluate((row) => new Promise<void>((resolve, reject) => {
    indexedDB.deleteDatabase('gvu-playground');
    const r = indexedDB.open('gvu-playground', 1);
    r.onupgradeneeded = () => {
      r.result.createObjectStore('job');
      r.result.createObjectStore('results', { keyPath: 'index' });
    };
    r.onsuccess = () => {
      const tx = r.result.transaction(['job', 'results'], 'readwrite');
      tx.objectStore('job').put({
        id: '1700000000000', fileName: 'old.txt', format: 'txt', groupSize: 1, seed: 1000, state: 'done', problems: [],
        items: [{ index: 0, line: 1, prompt: row.prompt, tag: 'single', spec: null }],
      }, 'current');
      tx.objectStore('results').put({ index: 0, rows: [row], images: [new Uint8Array(48 * 48 * 3)] });
      tx.oncomplete = () => { r.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), V1_ROW);
  await page.goto(`${app.url}/?view=batch&backend=wasm`);
  await waitForModel(page);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="batch-job"]').length === 1, null, { timeout: 30_000 });
  await expect(page.getByTestId('batch-summary').innerText()).resolves.toMatch(/old\.txt/);
  expect(await page.getByTestId('batch-row').count()).toBe(1);
  expect(await page.getByTestId('batch-status').getAttribute('data-status')).toBe('done');
});

test('uploads add jobs, old rows stay, exports say what they hold, delete removes one job', async () => {
  const { page } = app;
  const upload = async (name: string, prompts: string[]) => {
    await page.getByTestId('batch-upload').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(prompts.join('\n')) });
    await page.waitForFunction((n) => (document.querySelector('[data-testid="batch-summary"]')?.textContent ?? '').includes(n), name, { timeout: 10_000 });
    await page.getByTestId('batch-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-status') === 'done', null, { timeout: 120_000 });
  };
  await page.getByLabel('G per prompt').fill('2'); // the field showed the old job's G = 1
  await upload('first.txt', ['a photo of a red circle', 'a photo of two blue squares', 'a photo of a green triangle']);
  await upload('second.txt', ['a photo of a yellow circle', 'a photo of a purple square']);
  expect(await page.getByTestId('batch-job').count()).toBe(3); // old.txt, first.txt, second.txt
  expect(await page.getByTestId('batch-row').count()).toBe(4); // second.txt x G = 2

  // Export: all rows unless the filtered scope is chosen; the label says which.
  await expect(page.getByTestId('export-what').innerText()).resolves.toBe('Exports hold all 4 rows.');
  await page.getByTestId('batch-filter').fill('yellow');
  expect(await page.getByTestId('batch-row').count()).toBe(2);
  const csvOf = async () => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    return { name: d.suggestedFilename(), rows: parseResultsCsv(readFileSync(await d.path(), 'utf8'), 'export.csv') };
  };
  const all = await csvOf();
  expect(all.rows).toHaveLength(4);
  expect(all.name).toBe('second-scores.csv');
  await page.getByTestId('export-scope').selectOption('filtered');
  await expect(page.getByTestId('export-what').innerText()).resolves.toBe('Exports hold filtered rows (2 of 4).');
  const filtered = await csvOf();
  expect(filtered.rows.map((r) => r.prompt)).toEqual(['a photo of a yellow circle', 'a photo of a yellow circle']);
  expect(filtered.name).toBe('second-filtered-scores.csv');
  await page.getByTestId('batch-filter').fill('');
  await screenshot(app, 'batch-history');

  // The first job reopens with its own rows; its export from the list holds them.
  const first = page.locator('[data-testid="batch-job"]', { hasText: 'first.txt' });
  await first.getByTestId('batch-job-open').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="batch-summary"]')?.textContent ?? '').includes('first.txt'), null, { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="batch-row"]').length === 6, null, { timeout: 10_000 });
  const [d] = await Promise.all([page.waitForEvent('download'), first.getByTestId('batch-job-export').click()]);
  expect(new Set(parseResultsCsv(readFileSync(await d.path(), 'utf8'), 'x.csv').map((r) => r.prompt)).size).toBe(3);

  // Delete the second job (confirmed): the others stay.
  page.once('dialog', (dlg) => void dlg.accept());
  await page.locator('[data-testid="batch-job"]', { hasText: 'second.txt' }).getByTestId('batch-job-delete').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="batch-job"]').length === 2, null, { timeout: 10_000 });
  expect(await page.getByTestId('batch-row').count()).toBe(6);
});
