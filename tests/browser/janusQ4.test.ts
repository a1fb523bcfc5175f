// The q4 fixture (MatMulNBits, com.microsoft, 4-bit blocks) in the playground on WASM (issue 14):
// opened by URL at dtype q4 through the files layer, G = 2 generated in Inspect; the images equal
// the Node q4 family's for the same seeds and the rewards are within 1e-4 (log) of Node's.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openJanus } from '../../src/cli/janusFolder.ts';
import { writeJanusFixture } from '../../src/cli/janusFixture/writeFixture.ts';
import { janusFamily } from '../../src/core/families/janus/family.ts';
import { type BrowserApp, recentLogs, screenshot, startApp } from './harness.ts';
import { waitForModel } from './playground.ts';

const DIR = join('test-output/fixtures', 'janus-q4');
const URL_PATH = '/fixtures/janus-q4/';
const PROMPT = 'a photo of a red cube on the left of a blue sphere';
const SAMPLING = { temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 5 }; // Inspect's defaults with Janus open

let app: BrowserApp;

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  writeJanusFixture(DIR, undefined, { q4: true });
  app = await startApp({ path: '/?view=model&backend=wasm' });
  await waitForModel(app.page);
});
afterAll(async () => {
  await app?.close();
  rmSync(DIR, { recursive: true, force: true });
});

const phase = (want: string) => app.page.waitForFunction(
  (w) => document.querySelector('[data-testid="open-model"]')?.getAttribute('data-phase') === w, want, { timeout: 60_000 },
);

test('the q4 variant opens at dtype q4 on WASM and draws the Node q4 family\'s images and rewards', async () => {
  const { page } = app;
  await page.getByTestId('model-dtype').selectOption('q4');
  await page.getByTestId('model-input').fill(URL_PATH);
  await page.getByTestId('model-list').click();
  await phase('listed');
  expect(await page.getByTestId('model-file').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')).filter((p) => p!.endsWith('_q4.onnx')).length)).toBe(6);
  await page.getByTestId('model-fetch').click();
  await page.getByTestId('model-fetch-confirm').click();
  await phase('ready');
  await page.getByTestId('model-open-engine').click();
  await page.getByTestId('engine-model-active').waitFor({ timeout: 60_000 }).catch(async (e) => {
    throw new Error(`${e}\n${await page.getByTestId('open-model').innerText()}${recentLogs(app)}`);
  });
  expect(await page.getByTestId('engine-model-active').innerText()).toMatch(/Janus \(multi_modality ONNX, q4\) from \/fixtures\/janus-q4\/ on wasm/);
  await page.getByTestId('tab-inspect').click();
  await page.getByTestId('prompt-input').fill(PROMPT);
  await page.getByLabel('G (group size)').fill('2');
  await page.getByTestId('generate').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-card"]').length === 2
    && !document.querySelector('[data-testid="generate"]')?.hasAttribute('disabled'), null, { timeout: 120_000 });
  const images = await page.$$eval('[data-testid="image-card"] canvas', (els) => els.map((el) => {
    const c = el as HTMLCanvasElement;
    const rgba = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const data: number[] = [];
    for (let i = 0; i < rgba.length; i += 4) data.push(rgba[i], rgba[i + 1], rgba[i + 2]);
    return { width: c.width, height: c.height, data };
  }));
  const rewards = await page.getByTestId('reward-value').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reward'))));
  await screenshot(app, 'janus-q4-inspect');
  const node = janusFamily(await openJanus(DIR, { dtype: 'q4' }));
  try {
    const want = await node.generate({ prompt: PROMPT, seeds: [1, 2], ...SAMPLING });
    images.forEach((x, i) => expect(Buffer.from(x.data).equals(Buffer.from(want[i].image.data)), `q4 image ${i} equals Node's`).toBe(true));
    const scores = await node.score({ prompt: PROMPT, images: want.map((x) => x.image) });
    rewards.forEach((r, i) => expect(Math.abs(Math.log(r) - Math.log(scores[i].reward)), `q4 reward ${i}: page ${r}, node ${scores[i].reward}`).toBeLessThan(1e-4));
  } finally {
    await node.release();
  }
});
