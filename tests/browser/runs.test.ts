// Runs on WASM in headless Chromium: two tab runs are both kept (a second Start never removes the
// first), overlaid on the uPlot curves with a hover read-out of both at a step, compared (settings
// diffed, final ShapesEval side by side); after a reload the runs are listed, one reopens with its
// curves, and the older run's adapter downloads byte for byte as it was trained. A run folder the
// real CLI writes is imported with its curves and adapter.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, expect, test } from 'vitest';
import type { GvuLogRow } from '../../src/core/gvu/trainer.ts';
import { parseRunLog } from '../../src/core/io/runFolder.ts';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { usePlayground, waitForModel } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=train&backend=wasm', (a) => (app = a));

const tmp = mkdtempSync(join(tmpdir(), 'gvu-runs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const statusIs = (s: string, timeout = 240_000) => app.page.waitForFunction(
  (want) => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-status') === want, s, { timeout });
const idle = (timeout = 180_000) => app.page.waitForFunction(
  () => !document.querySelector<HTMLButtonElement>('[data-testid="train-start"]')?.disabled, null, { timeout });
const rows = () => app.page.getByTestId('run-row');

/** A tiny tab run: two steps of one prompt, G = 2, validated at steps 0 and 2. */
async function tabRun(lr: string): Promise<void> {
  const { page } = app;
  for (const [k, v] of [['steps', '2'], ['promptsPerStep', '1'], ['groupSize', '2'], ['evalEvery', '2'], ['lr', lr]] as const) {
    await page.getByTestId(`train-${k}`).fill(v);
  }
  await page.getByTestId('train-start').click();
  await statusIs('finished');
  await page.getByTestId('compare-grid').waitFor({ timeout: 120_000 });
  await idle();
}

async function downloadBytes(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([app.page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

let firstAdapter: Buffer;
let firstRunId: string;

test('a second run keeps the first; both overlay on the charts, hover reads each at a step, settings and scores compare', async () => {
  const { page } = app;
  await tabRun('0.0002');
  expect(await rows().count(), recentLogs(app)).toBe(1);
  firstRunId = (await rows().first().getAttribute('data-run-id'))!;
  firstAdapter = unzipSync((await downloadBytes(() => page.getByTestId('adapter-download').click())).bytes)['adapter_model.safetensors'] as unknown as Buffer;

  await tabRun('0.003');
  expect(await rows().count()).toBe(2);
  const old = page.locator(`[data-testid="run-row"][data-run-id="${firstRunId}"]`);
  expect(await old.getAttribute('data-current')).toBe('false');
  expect(await old.getByTestId('run-steps').innerText()).toBe('2');
  expect(await old.getByTestId('run-export-adapter').isEnabled(), 'the first run still has its adapter').toBe(true);

  // Overlay the first run: every chart now draws two runs.
  await old.getByTestId('run-compare').check();
  for (const id of ['chart-reward', 'chart-kl', 'chart-loss', 'chart-judge', 'chart-val']) {
    await page.waitForFunction((t) => document.querySelector(`[data-testid="${t}"]`)?.getAttribute('data-runs') === '2', id, { timeout: 10_000 });
  }
  // The comparison: lr differs (0.003 vs 0.0002), the other form settings do not.
  const cmp = page.getByTestId('runs-compare');
  await cmp.waitFor();
  expect(await cmp.getByTestId('compare-run').count()).toBe(2);
  const lrRow = cmp.locator('[data-testid="compare-setting"][data-key="lr"]');
  expect(await lrRow.getAttribute('data-differs')).toBe('true');
  expect((await lrRow.innerText()).replace(/\s+/g, ' ')).toBe('lr 0.003 0.0002');
  expect(await cmp.locator('[data-testid="compare-setting"][data-key="steps"]').count(), 'equal settings are hidden').toBe(0);
  expect(await cmp.getByTestId('compare-score-row').first().innerText()).toMatch(/^prompts/);

  // Hover the reward chart at step 2 (the right end of the step axis): the legend reads both runs'
  // logged rewards at step 2, as their exported log.jsonl has them (step 1 is the same for both:
  // its rollouts come before any update).
  const logs: GvuLogRow[][] = [];
  for (const row of [rows().first(), old]) {
    const { bytes } = await downloadBytes(() => row.getByTestId('run-export-log').click());
    logs.push(parseRunLog(bytes.toString('utf8'), 'log.jsonl'));
  }
  const over = page.locator('[data-testid="chart-reward"] .u-over');
  await over.scrollIntoViewIfNeeded();
  const box = (await over.boundingBox())!;
  await over.hover({ position: { x: box.width - 2, y: box.height / 2 } });
  const legend = page.locator('[data-testid="chart-reward"] .u-legend');
  await page.waitForFunction(() => document.querySelector('[data-testid="chart-reward"] .u-legend .u-series .u-value')?.textContent === '2', null, { timeout: 5_000 });
  const values = await legend.locator('.u-series .u-value').allInnerTexts();
  expect(values, recentLogs(app)).toEqual(['2', logs[0][1].rewardMean.toFixed(3), logs[1][1].rewardMean.toFixed(3)]);
  expect(logs[0][1].rewardMean).not.toBe(logs[1][1].rewardMean);
  await screenshot(app, 'train-runs-compare');

  // Smoothing 0.5: each run gets its raw points (faint) and the debiased EMA; at step 2 the EMA of
  // [r1, r2] is (0.25 r1 + 0.5 r2) / 0.75.
  await page.getByTestId('chart-smoothing').fill('0.5');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="chart-reward"] .u-legend .u-series').length === 5, null, { timeout: 5_000 });
  await over.hover({ position: { x: box.width - 3, y: box.height / 2 } });
  await over.hover({ position: { x: box.width - 2, y: box.height / 2 } });
  const ema = (l: GvuLogRow[]) => ((0.25 * l[0].rewardMean + 0.5 * l[1].rewardMean) / 0.75).toFixed(3);
  expect(await legend.locator('.u-series .u-value').allInnerTexts()).toEqual([
    '2', logs[0][1].rewardMean.toFixed(3), ema(logs[0]), logs[1][1].rewardMean.toFixed(3), ema(logs[1]),
  ]);
  await page.getByTestId('chart-smoothing').fill('0');

  // Zoom: a drag across the KL chart zooms; reset unzooms.
  const kl = page.locator('[data-testid="chart-kl"] .u-over');
  await kl.scrollIntoViewIfNeeded();
  const kb = (await kl.boundingBox())!;
  await page.mouse.move(kb.x + kb.width * 0.2, kb.y + 20);
  await page.mouse.down();
  await page.mouse.move(kb.x + kb.width * 0.8, kb.y + 20, { steps: 5 });
  await page.mouse.up();
  expect(await page.getByTestId('chart-kl').getAttribute('data-zoomed')).toBe('true');
  await page.getByTestId('chart-kl-reset').click();
  expect(await page.getByTestId('chart-kl').getAttribute('data-zoomed')).toBe('false');
});

test('after a reload the runs are listed; the first reopens with its curves and its adapter downloads unchanged', async () => {
  const { page } = app;
  await page.reload();
  await waitForModel(page);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 2, null, { timeout: 30_000 });
  const old = page.locator(`[data-testid="run-row"][data-run-id="${firstRunId}"]`);
  await old.getByTestId('run-open').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="chart-reward"]')?.getAttribute('data-points') === '2', null, { timeout: 30_000 });
  expect(await old.getAttribute('data-current')).toBe('true');
  expect(await page.getByTestId('train-status').getAttribute('data-status')).toBe('finished');
  // Its grid and adapter came back with it.
  await page.getByTestId('compare-grid').waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => /LoRA r=8/.test(document.querySelector('[data-testid="adapter-summary"]')?.textContent ?? ''), null, { timeout: 30_000 });
  const runName = await old.getByTestId('run-open').innerText();
  expect(await page.getByTestId('adapter-run').innerText()).toBe(`The adapter of run ${runName} (Runs below).`);

  const { name, bytes } = await downloadBytes(() => old.getByTestId('run-export-adapter').click());
  expect(name).toMatch(/-adapter-step2\.zip$/);
  const files = unzipSync(bytes);
  expect(Object.keys(files).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
  expect(Buffer.compare(Buffer.from(files['adapter_model.safetensors']), Buffer.from(firstAdapter)), 'the adapter as trained').toBe(0);
  // The engine names the adapter by its run (not "uploaded"), in the Train and the Model view.
  expect(await page.getByTestId('adapter-summary').innerText()).toMatch(new RegExp(`, from the kept run ${runName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.$`));
  await screenshot(app, 'train-reopened');

  // Reopening (the other run) under backend 'auto' picks the backend an upload picks: WebGPU on a
  // hardware adapter, else WASM (headless Chromium here has SwiftShader or none: WASM).
  await page.getByTestId('adapter-remove').click();
  await page.waitForFunction(() => /No adapter/.test(document.querySelector('[data-testid="adapter-summary"]')?.textContent ?? ''), null, { timeout: 30_000 });
  await page.getByTestId('tab-model').click();
  await page.getByTestId('backend-choice-auto').check();
  await page.waitForFunction(() => document.querySelector('[data-testid="current-backend"]')?.textContent === 'wasm', null, { timeout: 30_000 });
  const gpu = await page.locator('.badge').filter({ hasText: /software adapter|available|unavailable/ }).first().innerText();
  await page.getByTestId('tab-train').click();
  const other = page.locator(`[data-testid="run-row"]:not([data-run-id="${firstRunId}"])`);
  await other.getByTestId('run-open').click();
  await page.waitForFunction(() => /from the kept run/.test(document.querySelector('[data-testid="adapter-summary"]')?.textContent ?? ''), null, { timeout: 30_000 });
  await page.getByTestId('tab-model').click();
  expect(await page.getByTestId('adapter-info').innerText()).toMatch(/from the kept run/);
  expect(await page.getByTestId('current-backend').innerText()).toBe(gpu === 'available' ? 'webgpu' : 'wasm');
  await page.getByTestId('backend-choice-wasm').check();
  await page.getByTestId('tab-train').click();
});

test('a run folder written by the CLI imports with its curves, validation and adapter; rename and delete last across a reload', async () => {
  const { page } = app;
  const out = join(tmp, 'cli-run');
  const cli = spawnSync('npx', ['tsx', 'src/cli/gvu.ts', 'train', `--out=${out}`, '--steps=2', '--promptsPerStep=1', '--groupSize=2',
    '--evalEvery=2', '--evalGroupSize=1', '--checkpointEvery=1', '--val=demo', '--lr=0.001'], { encoding: 'utf8', env: { ...process.env, GVU_ORT_THREADS: '1' } });
  expect(cli.status, cli.stderr).toBe(0);
  const cliLog = parseRunLog(readFileSync(join(out, 'log.jsonl'), 'utf8'), 'log.jsonl');

  await page.getByTestId('runs-import-folder').setInputFiles(out);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 3, null, { timeout: 30_000 });
  expect(await page.getByTestId('runs-error').count(), recentLogs(app)).toBe(0);
  const imported = rows().first();
  // Import keeps the run, then opens it (its adapter into the engine).
  await page.waitForFunction(() => document.querySelector('[data-testid="run-row"]')?.getAttribute('data-current') === 'true', null, { timeout: 30_000 });
  expect(await imported.innerText()).toMatch(/cli-run[\s\S]*CLI/);
  expect(await imported.getByTestId('run-steps').innerText()).toBe('2');
  expect(Number(await page.getByTestId('chart-reward').getAttribute('data-last'))).toBeCloseTo(cliLog[1].rewardMean, 12);
  expect(Number(await page.getByTestId('chart-val').getAttribute('data-points'))).toBe(2); // eval.jsonl: steps 0 and 2
  await page.waitForFunction(() => /LoRA r=8/.test(document.querySelector('[data-testid="adapter-summary"]')?.textContent ?? ''), null, { timeout: 30_000 });
  // The adapter kept is the CLI's, byte for byte.
  const { bytes } = await downloadBytes(() => imported.getByTestId('run-export-adapter').click());
  expect(Buffer.compare(Buffer.from(unzipSync(bytes)['adapter_model.safetensors']), readFileSync(join(out, 'adapter', 'adapter_model.safetensors')))).toBe(0);

  // Rename it; delete the oldest run: after a reload the list is what was left, named as renamed.
  await imported.getByTestId('run-rename').click();
  await imported.getByTestId('run-name-input').fill('cli baseline');
  await imported.getByTestId('run-name-input').press('Enter');
  expect(await imported.getByTestId('run-open').innerText()).toBe('cli baseline');
  const oldest = rows().last();
  await oldest.getByTestId('run-delete').click();
  await oldest.getByTestId('run-delete-confirm').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 2, null, { timeout: 10_000 });
  await page.reload();
  await waitForModel(page);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 2, null, { timeout: 30_000 });
  expect(await rows().first().getByTestId('run-open').innerText()).toBe('cli baseline');
  expect(await page.locator(`[data-testid="run-row"][data-run-id="${firstRunId}"]`).count(), 'the deleted run').toBe(0);

  // A folder without a log is refused with what it holds.
  await page.getByTestId('runs-import-files').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
  await page.getByTestId('runs-error').waitFor({ timeout: 10_000 });
  expect(await page.getByTestId('runs-error').innerText()).toMatch(/^import: no log\.jsonl among the 1 picked file\(s\) \(notes\.txt\)/);
  await screenshot(app, 'train-cli-import');
});

test('a paused run is stopped, not lost, when a new run starts', async () => {
  const { page } = app;
  // 20 steps: at 0.3 s a step a 3-step run could finish before the pause lands.
  for (const [k, v] of [['steps', '20'], ['promptsPerStep', '1'], ['groupSize', '2'], ['evalEvery', '10']] as const) {
    await page.getByTestId(`train-${k}`).fill(v);
  }
  await page.getByTestId('train-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-reward"]')?.getAttribute('data-points')) >= 1, null, { timeout: 120_000 });
  await page.getByTestId('train-pause').click();
  await statusIs('paused', 30_000);
  await idle();
  const paused = rows().first();
  const pausedId = (await paused.getAttribute('data-run-id'))!;
  expect(await paused.getByTestId('run-status').innerText()).toBe('paused');
  expect(await paused.getByTestId('run-export-adapter').isEnabled(), 'its adapter was kept at the pause').toBe(true);

  await page.getByTestId('train-steps').fill('1');
  await page.getByTestId('train-start').click();
  await statusIs('finished');
  const before = page.locator(`[data-testid="run-row"][data-run-id="${pausedId}"]`);
  expect(await before.getByTestId('run-status').innerText()).toBe('stopped');
  expect(Number(await before.getByTestId('run-steps').innerText())).toBeGreaterThanOrEqual(1);
});
