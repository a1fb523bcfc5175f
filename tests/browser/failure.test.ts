// Worker failure: a forced crash (test hook) shows a clear message with restart buttons; restarting
// (on WASM) brings a working engine back and the finished results stay on the page.
import { expect, test } from 'vitest';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { generateGroup, usePlayground, waitForModel } from './playground.ts';
import { batchRowKeys } from './batchRows.ts';
import { BATCH_PROMPTS } from './jobControlSteps.ts';
import { recordMeasurement } from './measurements.ts';


let app: BrowserApp;
usePlayground('/?view=inspect&backend=wasm', (a) => (app = a));

test('a crashed worker is reported, restart recovers, results are kept', async () => {
  const { page } = app;
  const rewards = await generateGroup(app, 'a photo of a blue square', 2);
  await page.evaluate(() => window.__gvu!.engine.crash());
  // The next engine call fails; so does the error listener: either way the banner shows.
  await page.getByTestId('failure-banner').waitFor({ timeout: 30_000 });
  await expect(page.getByTestId('failure-banner').innerText()).resolves.toMatch(/engine stopped.*EngineCrash/s);
  await screenshot(app, 'failure');
  // Finished results are still shown while the engine is down.
  expect((await page.getByTestId('reward-value').allInnerTexts()).map(Number)).toEqual(rewards);

  await page.getByTestId('restart-wasm').click();
  await waitForModel(page);
  expect(await page.getByTestId('failure-banner').count()).toBe(0);
  expect((await page.getByTestId('reward-value').allInnerTexts()).map(Number)).toEqual(rewards);
  // The new worker works: the same seeds give the same group.
  const again = await generateGroup(app, 'a photo of a blue square', 2);
  expect(again, recentLogs(app)).toEqual(rewards);
});

test('a crash mid-batch loses no finished row; after a restart the batch resumes to the end', async () => {
  const { page } = app;
  await page.getByTestId('tab-batch').click();
  await page.getByLabel('G per prompt').fill('2');
  await page.getByTestId('batch-upload').setInputFiles({ name: 'crash.txt', mimeType: 'text/plain', buffer: Buffer.from(BATCH_PROMPTS.join('\n')) });
  await page.waitForFunction(() => (document.querySelector('[data-testid="batch-summary"]')?.textContent ?? '').includes('crash.txt'), null, { timeout: 10_000 });
  await page.getByTestId('batch-run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-done')) >= 4, null, { timeout: 60_000 });
  await page.evaluate(() => window.__gvu!.engine.crash());
  await page.getByTestId('failure-banner').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-status') === 'interrupted', null, { timeout: 30_000 });
  const shownAtCrash = await batchRowKeys(page);
  expect(shownAtCrash.length, 'the batch finished before the crash: make it longer').toBeLessThan(BATCH_PROMPTS.length * 2);

  await page.getByTestId('restart-wasm').click();
  await waitForModel(page);
  // Every row shown at the crash is still there (it was stored before it was shown).
  const afterRestart = await batchRowKeys(page);
  const lost = shownAtCrash.filter((k) => !afterRestart.includes(k)).length;
  recordMeasurement('rows_lost.crash', lost);
  expect(lost).toBe(0);
  await page.getByTestId('batch-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-status') === 'done', null, { timeout: 120_000 });
  const all = await batchRowKeys(page);
  expect(all, recentLogs(app)).toHaveLength(BATCH_PROMPTS.length * 2);
  expect(new Set(all).size).toBe(all.length);
});
