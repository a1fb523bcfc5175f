// Train: two GvU steps in the tab on WASM change the adapter and the curves; pause/resume keeps the
// run; the before/after grid is drawn; the adapter downloads in the PEFT layout.
import { expect, test } from 'vitest';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=train&backend=wasm', (a) => (app = a));

const statusIs = (s: string, timeout = 240_000) => app.page.waitForFunction(
  (want) => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-status') === want, s, { timeout });

test('two training steps change the adapter and the charts', async () => {
  const { page } = app;
  for (const [k, v] of [['steps', 2], ['promptsPerStep', 2], ['groupSize', 2], ['evalEvery', 1]] as const) {
    await page.getByTestId(`train-${k}`).fill(String(v));
  }
  await page.getByTestId('train-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-reward"]')?.getAttribute('data-points')) >= 1, null, { timeout: 240_000 });
  await page.getByTestId('train-pause').click().catch(() => {}); // may already be past step 1
  await page.waitForFunction(() => ['paused', 'finished'].includes(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-status') ?? ''), null, { timeout: 240_000 });
  if (await page.getByTestId('train-status').getAttribute('data-status') === 'paused') {
    expect(await page.getByTestId('train-step').innerText()).toBe('1');
    await page.getByTestId('train-resume').click();
  }
  await statusIs('finished');
  expect(await page.getByTestId('train-step').innerText(), recentLogs(app)).toBe('2');
  for (const id of ['chart-reward', 'chart-kl', 'chart-loss', 'chart-judge']) {
    expect(Number(await page.getByTestId(id).getAttribute('data-points')), id).toBe(2);
  }
  expect(Number(await page.getByTestId('chart-val').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
  // The adapter is trained: B moved off zero, so KL > 0 after the first update.
  await expect(page.getByTestId('adapter-summary').innerText()).resolves.toMatch(/trained at step 2/);
  await page.getByTestId('compare-grid').waitFor({ timeout: 120_000 });
  await screenshot(app, 'train');

  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  await page.getByTestId('adapter-download').click();
  await expect.poll(() => downloads.length, { timeout: 10_000 }).toBe(2);
  expect(downloads.sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
});

test('a bad adapter upload shows an error naming the problem', async () => {
  const { page } = app;
  await page.getByTestId('adapter-upload').setInputFiles([
    { name: 'adapter_config.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ peft_type: 'PREFIX_TUNING', r: 8 })) },
    { name: 'adapter_model.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from([1, 2, 3]) },
  ]);
  const err = page.getByTestId('adapter-error');
  await err.waitFor({ timeout: 30_000 });
  await expect(err.innerText()).resolves.toMatch(/InputError: .*peft_type/);
  await screenshot(app, 'train-bad-adapter');
});
