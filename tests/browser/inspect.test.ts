// Inspect on WASM and on WebGPU (SwiftShader; G = 2 keeps it quick): generate a group, read the
// rewards, check the heat strip, click a word and see its occlusion heatmap; an unknown word is named;
// a prompt outside the shipped sets is judged with the spec read from its grammar.
import { expect, test } from 'vitest';
import { type BrowserApp, recentLogs, screenshot, startApp } from './harness.ts';
import { generateGroup, usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=inspect&backend=wasm', (a) => (app = a));

async function inspectFlow(backend: string, g: number) {
  const { page } = app;
  await expect(page.getByTestId('current-backend').count()).resolves.toBe(0); // not on the Inspect view
  const rewards = await generateGroup(app, 'a photo of a red circle', g);
  expect(rewards, recentLogs(app)).toHaveLength(g);
  for (const r of rewards) expect(r > 0 && r <= 1, `${backend} reward ${r}`).toBe(true);
  // heat strip: one cell per word plus <eos> (shown dimmed unless counted), p in (0, 1]
  const cells = page.getByTestId('image-card').first().locator('.heat-cell');
  expect(await cells.count()).toBe(7);
  const p = Number(await cells.first().getAttribute('data-p'));
  expect(p > 0 && p <= 1).toBe(true);
  // verdict: the prompt is in the shipped sets, so ShapesEval judges it
  await expect(page.getByTestId('verdict').first().innerText()).resolves.toMatch(/ShapesEval/);
  // click "circle": its heatmap appears over the first image
  await cells.nth(5).click();
  await page.getByTestId('heat-overlay').first().waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('heat-overlay').count()).toBe(1);
}

test('inspect on WASM: generate, rewards, heat strip, word heatmap, reward variant', async () => {
  await inspectFlow('wasm', 4);
  const { page } = app;
  const before = await page.getByTestId('reward-value').allInnerTexts();
  await page.getByTestId('reward-variant').selectOption('min_p');
  await page.waitForFunction((b) => {
    const now = [...document.querySelectorAll('[data-testid="reward-value"]')].map((e) => e.textContent);
    return now.join() !== b.join();
  }, before, { timeout: 30_000 });
  await page.getByTestId('reward-variant').selectOption('geomean');
  await screenshot(app, 'inspect-wasm');
  // the URL now reproduces the view: prompt, seed, G and the sampling settings
  const url = new URL(page.url());
  expect(Object.fromEntries(['prompt', 'seed', 'g', 't', 'minp', 'cfg'].map((k) => [k, url.searchParams.get(k)])))
    .toEqual({ prompt: 'a photo of a red circle', seed: '1', g: '4', t: '1', minp: '0.03', cfg: '1' });
  // an unknown word is named inline
  await page.getByTestId('prompt-input').fill('a photo of a red hexagon');
  await expect(page.getByTestId('prompt-problem').innerText()).resolves.toBe('unknown word "hexagon" at word 6; the model knows only ShapesWorld words');
});

test('a grammatical prompt outside the shipped sets is judged from its own grammar; an ungrammatical one says why not', async () => {
  const { page } = app;
  // "a large red circle": no category asks for a size without a relation, so no shipped set holds it
  await generateGroup(app, 'a photo of a large red circle', 2);
  await expect(page.getByTestId('spec-note').innerText()).resolves.toBe('ShapesEval: colors (spec read from the prompt)');
  for (const v of await page.getByTestId('verdict').allInnerTexts()) expect(v).toMatch(/^ShapesEval: (pass|fail)/);
  await screenshot(app, 'inspect-parsed-spec');
  // every word known, but the grammar names each shape once: no spec, and the note says why
  await generateGroup(app, 'a photo of a circle and a circle', 1);
  await expect(page.getByTestId('verdict').innerText()).resolves.toBe('no spec');
  await expect(page.getByTestId('spec-note').innerText()).resolves.toMatch(/^no spec: word 8 "circle": circle is named twice/);
});

test('a shared URL restores the prompt and the sampling settings', async () => {
  const other = await startApp({ path: '/?view=inspect&backend=wasm&prompt=a+photo+of+two+squares&seed=9&g=3&t=0.7&minp=0.1' });
  try {
    await expect(other.page.getByTestId('prompt-input').inputValue()).resolves.toBe('a photo of two squares');
    await expect(other.page.getByLabel('Temperature').inputValue()).resolves.toBe('0.7');
    await expect(other.page.getByLabel('Min-p').inputValue()).resolves.toBe('0.1');
    await expect(other.page.getByLabel('G (group size)').inputValue()).resolves.toBe('3');
  } finally {
    await other.close();
  }
});

test('inspect on WebGPU (G = 2)', async () => {
  const { page } = app;
  await page.getByTestId('tab-model').click();
  await page.getByTestId('backend-choice-webgpu').check();
  await page.waitForFunction(() => document.querySelector('[data-testid="current-backend"]')?.textContent === 'webgpu', null, { timeout: 60_000 });
  await page.getByTestId('tab-inspect').click();
  await inspectFlow('webgpu', 2);
  await screenshot(app, 'inspect-webgpu');
});
