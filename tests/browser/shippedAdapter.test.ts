// The shipped headline GvU adapter in headless Chromium, backend left on 'auto': one click loads
// public/adapters/gvu-headline through the upload's checks (its tensors come back byte for byte), the
// adapter line names it, 'auto' picks what it picks for an upload, and the before/after grid shows
// base vs adapter on one test prompt per category, same seeds, with the judge's verdicts.
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { expect, test } from 'vitest';
import { decodeSafetensors } from '../../src/core/model/weights.ts';
import { parsePromptSet } from '../../src/core/io/promptSet.ts';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=train', (a) => (app = a));

const DIR = 'public/adapters/gvu-headline';
const card = JSON.parse(readFileSync(`${DIR}/card.json`, 'utf8')) as { name: string; test_shapeseval: { base: number; adapter: number } };
const pct = (x: number) => `${(100 * x).toFixed(1)}%`; // as the card line shows them (tests/ui/store/shippedAdapter.test.ts ties them to gvu.json)
const testSpecs = parsePromptSet(readFileSync('public/data/prompts/test.jsonl', 'utf8'), 'test.jsonl').rows.flatMap((r) => (r.spec ? [r.spec] : []));
const categories = new Set(testSpecs.map((s) => s.tag));

test('one click loads the headline adapter and draws base vs adapter on the test prompts', async () => {
  const { page } = app;
  await page.getByTestId('shipped-load').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="shipped-adapter"]')?.getAttribute('data-status') === 'done', null, { timeout: 240_000 })
    .catch((err: unknown) => { throw new Error(`${String(err)}${recentLogs(app)}`); });
  expect(await page.getByTestId('shipped-error').count()).toBe(0);
  expect(await page.getByTestId('adapter-summary').innerText()).toBe(`LoRA r=8, α=32, 76,440 parameters, shipped: ${card.name}.`);
  expect(await page.getByTestId('shipped-card').innerText())
    .toContain(`test ShapesEval ${pct(card.test_shapeseval.base)} base → ${pct(card.test_shapeseval.adapter)} with the adapter`);

  // The grid: one test prompt per category, 4 seeds, base and adapter images, and the judge's counts.
  const prompts = await page.locator('[data-testid="compare-grid"] .compare-prompt').allInnerTexts();
  expect(prompts.length).toBe(categories.size);
  expect(new Set(prompts.map((p) => testSpecs.find((s) => s.prompt === p)?.tag)).size, 'one prompt per category, all from test.jsonl').toBe(categories.size);
  const pass = page.getByTestId('grid-pass');
  const [base, adapter] = [await pass.getAttribute('data-base'), await pass.getAttribute('data-adapter')];
  expect(base).toMatch(new RegExp(`^\\d+/${4 * categories.size}$`));
  expect(adapter).toMatch(new RegExp(`^\\d+/${4 * categories.size}$`));
  // Same seeds on both sides, yet the adapter draws other images: its weights are in use.
  const differing = await page.evaluate(() => [...document.querySelectorAll('[data-testid="compare-grid"] .compare-row')].map((row) => {
    const [b, a] = [...row.querySelectorAll('.compare-set')].map((set) => [...set.querySelectorAll('canvas')].map((c) => c.toDataURL()));
    return b.filter((url, i) => url !== a[i]).length;
  }).reduce((x, y) => x + y, 0));
  expect(differing, `base ${base} vs adapter ${adapter} judge passes`).toBeGreaterThan(0);
  console.log(`shipped adapter grid: ${differing} of ${4 * categories.size} images differ; judge passes base ${base}, adapter ${adapter}`);

  // It went through the upload's path: downloading it gives the shipped tensors, byte for byte.
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('adapter-download').click()]);
  const zipped = unzipSync(readFileSync(await d.path()));
  const got = decodeSafetensors(zipped['adapter_model.safetensors']).tensors;
  const want = decodeSafetensors(new Uint8Array(readFileSync(`${DIR}/adapter_model.safetensors`))).tensors;
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, t] of Object.entries(want)) expect([...got[name].data], name).toEqual([...t.data]);

  // 'auto' resolved as for an upload: WebGPU only on a hardware adapter (the Model view's probe).
  await page.getByTestId('tab-model').click();
  const gpu = await page.locator('.badge').filter({ hasText: /software adapter|available|unavailable/ }).first().innerText();
  expect(await page.getByTestId('current-backend').innerText()).toBe(gpu === 'available' ? 'webgpu' : 'wasm');
  expect(await page.getByTestId('adapter-info').innerText()).toMatch(/shipped: GvU headline/);
  await page.getByTestId('tab-train').click();
  await page.getByTestId('shipped-adapter').scrollIntoViewIfNeeded();
  await screenshot(app, 'train-shipped-adapter', { fullPage: true });
});
