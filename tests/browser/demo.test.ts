// The one-click demo on WASM: four prompts the base model mostly gets wrong, trained in the tab.
// It finishes within two and a half minutes even on a shared, loaded 2-core machine (the target is
// a minute; test-output/demo.json has the time measured), the live pass-rate counter shows validation on the demo prompts rising, and
// the before/after grid shows the demo prompts, and the charts grow without being rebuilt. The
// time and pass rates go to test-output/demo.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=train&backend=wasm', (a) => (app = a));

test('the demo trains on its prompts, the validation pass rate rises, the grid shows them', async () => {
  const { page } = app;
  const t0 = Date.now();
  await page.getByTestId('train-demo').click();
  // Live charts append: the uPlot canvas drawn at step 1 is the one still there at the end (no
  // chart rebuilt per step).
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-reward"]')?.getAttribute('data-points')) >= 1, null, { timeout: 120_000 });
  await page.evaluate(() => { document.querySelector<HTMLElement>('[data-testid="chart-reward"] canvas')!.dataset.mark = 'step1'; });
  await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-status') === 'finished', null, { timeout: 300_000 });
  const trainedMs = Date.now() - t0;
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid="train-start"]')?.disabled, null, { timeout: 120_000 });
  const totalMs = Date.now() - t0;

  expect(await page.locator('[data-testid="chart-reward"] canvas').getAttribute('data-mark'), 'the chart was rebuilt during the run').toBe('step1');
  expect(Number(await page.getByTestId('chart-reward').getAttribute('data-points'))).toBe(16);
  expect(await page.getByTestId('train-prompts').innerText()).toMatch(/demo: 4 prompts the base model gets wrong/);
  const counter = page.getByTestId('pass-rate');
  const start = Number(await counter.getAttribute('data-val-start'));
  const end = Number(await counter.getAttribute('data-val'));
  expect(await counter.innerText()).toMatch(/validation \d+% at step 16 \(was \d+% at step 0\)/);
  expect(end, `validation pass rate on the demo prompts ${start} -> ${end}${recentLogs(app)}`).toBeGreaterThan(start + 0.25);
  const grid = page.getByTestId('compare-grid');
  expect(await grid.innerText()).toMatch(/a photo of a red circle left of a blue square/);
  mkdirSync('test-output', { recursive: true });
  writeFileSync('test-output/demo.json', JSON.stringify({ trained_ms: trainedMs, total_ms: totalMs, val_start: start, val_end: end, measured_at: new Date().toISOString() }, null, 2) + '\n');
  // The target is a minute; this bound holds on the shared 2-core test machine under other jobs' load.
  expect(totalMs, 'the demo, grid included').toBeLessThan(150_000);
  await screenshot(app, 'train-demo');
});
