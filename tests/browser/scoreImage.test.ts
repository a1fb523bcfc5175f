// Score your own image (Inspect): a PNG the user uploads is judged and scored against the prompt as
// a group without sampling, with the same reward the core computes in Node for the same pixels;
// its words open occlusion heatmaps like a generated image's; an image of another size is scaled
// to the model's 48 x 48; a file that is not an image is named and the group on screen stays.
import { encode } from 'fast-png';
import { expect, test } from 'vitest';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { serializeModel } from '../../src/core/graph/index.ts';
import { scoreImages } from '../../src/core/gvu/scoreImages.ts';
import { buildUnderstandingScoreGraph } from '../../src/core/model/umm.ts';
import { createNodeSession } from '../../src/core/runtime/node.ts';
import { IMAGE_SIZE, renderScene } from '../../src/core/world/index.ts';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=inspect&backend=wasm', (a) => (app = a));

const PROMPT = 'a photo of a red circle';
const image = renderScene({ objects: [{ shape: 'circle', colour: 'red', size: 'large', cell: 5 }] });

/** RGB HWC -> PNG bytes, optionally scaled up by an integer factor (nearest). */
function png(rgb: Uint8Array, scale = 1): Buffer {
  const n = IMAGE_SIZE * scale;
  const data = new Uint8Array(n * n * 3);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) data.set(rgb.subarray(((Math.floor(y / scale) * IMAGE_SIZE) + Math.floor(x / scale)) * 3, ((Math.floor(y / scale) * IMAGE_SIZE) + Math.floor(x / scale)) * 3 + 3), (y * n + x) * 3);
  return Buffer.from(encode({ width: n, height: n, data, channels: 3, depth: 8 }));
}

test('an uploaded PNG gets the reward the core computes for the same pixels, a verdict and heatmaps', async () => {
  const { page } = app;
  const { cfg, weights } = loadModel('public/models/tiny-umm');
  const scorer = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(cfg)));
  const [want] = await scoreImages(cfg, weights, scorer, [{ image, prompt: PROMPT }]);
  await scorer.release();

  await page.getByTestId('prompt-input').fill(PROMPT);
  await page.getByTestId('score-image-upload').setInputFiles({ name: 'circle.png', mimeType: 'image/png', buffer: png(image) });
  await page.waitForFunction(() => document.querySelector('[data-testid="image-origin"]')?.textContent === 'circle.png', null, { timeout: 60_000 });
  const rewards = (await page.getByTestId('reward-value').allInnerTexts()).map(Number);
  expect(rewards, recentLogs(app)).toHaveLength(1);
  expect(Math.abs(rewards[0] - want.reward)).toBeLessThan(1e-4); // shown to 4 decimals
  await expect(page.getByTestId('verdict').innerText()).resolves.toBe('ShapesEval: pass (strict)');
  // One image is a group of one: its advantage is zero, shown neutral (never a red "-0.00").
  await expect(page.getByTestId('advantage-value').innerText()).resolves.toBe('±0.00');
  expect(await page.getByTestId('advantage-value').getAttribute('class')).toBe('stat ');
  // A word's heatmap, as for a generated image.
  await page.locator('[data-testid="image-card"] .heat-cell').nth(5).click();
  await page.locator('.map-note').waitFor({ timeout: 60_000 });
  await expect(page.locator('.map-note').innerText()).resolves.toMatch(/^Heatmap of circle/);
  await screenshot(app, 'inspect-uploaded-image');
});

test('a larger image is scaled to 48 x 48 (a 2x nearest upscale comes back to the same pixels and reward)', async () => {
  const { page } = app;
  const before = (await page.getByTestId('reward-value').allInnerTexts()).map(Number);
  await page.getByTestId('score-image-upload').setInputFiles({ name: 'circle-96.png', mimeType: 'image/png', buffer: png(image, 2) });
  await page.waitForFunction(() => document.querySelector('[data-testid="image-origin"]')?.textContent === 'circle-96.png', null, { timeout: 60_000 });
  const after = (await page.getByTestId('reward-value').allInnerTexts()).map(Number);
  expect(Math.abs(after[0] - before[0])).toBeLessThan(0.02);
});

test('a file that is not an image is named, and the group on screen stays', async () => {
  const { page } = app;
  const before = await page.getByTestId('reward-value').allInnerTexts();
  await page.getByTestId('score-image-upload').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
  await page.getByTestId('inspect-error').waitFor({ timeout: 30_000 });
  await expect(page.getByTestId('inspect-error').innerText()).resolves.toBe('notes.png: could not be decoded as an image (damaged, or not really PNG, JPEG or WebP)');
  expect(await page.getByTestId('reward-value').allInnerTexts()).toEqual(before);
});
