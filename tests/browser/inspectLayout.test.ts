// Inspect's grid for any G: the cards of a row span the grid's width (no empty third of the page),
// for a group of 1, 4 and 7 uploaded images (a group without sampling, so the test is quick); a
// failed verdict is one short badge with the reasons on hover, a long file name stays inside its
// card, and an advantage of zero is neutral.
import { encode } from 'fast-png';
import { expect, test } from 'vitest';
import { IMAGE_SIZE, renderScene } from '../../src/core/world/index.ts';
import { type BrowserApp, screenshot } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=inspect&backend=wasm', (a) => (app = a));

const PROMPT = 'a photo of a red circle left of a blue square';
// Not the prompt's scene (colours and places swapped): ShapesEval fails it, with a reason.
const swapped = renderScene({ objects: [{ shape: 'circle', colour: 'blue', size: 'large', cell: 3 }, { shape: 'square', colour: 'red', size: 'large', cell: 5 }] });
const png = (rgb: Uint8Array) => Buffer.from(encode({ width: IMAGE_SIZE, height: IMAGE_SIZE, data: rgb, channels: 3, depth: 8 }));

/** Left and right edges of the grid and of its cards, in px. */
const edges = (page: BrowserApp['page']) => page.evaluate(() => {
  const grid = document.querySelector('.image-grid')!.getBoundingClientRect();
  const cards = [...document.querySelectorAll('[data-testid="image-card"]')].map((c) => c.getBoundingClientRect());
  // How far any stat (a long file name) reaches past its card's right edge.
  const overflow = Math.max(...[...document.querySelectorAll('[data-testid="image-card"]')].flatMap((card) =>
    [...card.querySelectorAll('.card-stats > div')].map((d) => d.getBoundingClientRect().right - card.getBoundingClientRect().right)));
  return { grid: [grid.left, grid.right], left: Math.min(...cards.map((c) => c.left)), right: Math.max(...cards.map((c) => c.right)), n: cards.length, overflow };
});

test.each([1, 4, 7])('G = %i uploaded images fill the row; a failed verdict is a short badge', async (g) => {
  const { page } = app;
  await page.getByTestId('prompt-input').fill(PROMPT);
  const files = Array.from({ length: g }, (_, i) => ({ name: `swapped-${i}.png`, mimeType: 'image/png', buffer: png(swapped) }));
  await page.getByTestId('score-image-upload').setInputFiles(files);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="image-card"]').length === n
    && document.querySelector('[data-testid="image-origin"]')?.textContent === 'swapped-0.png', g, { timeout: 60_000 });
  const e = await edges(page);
  expect(e.n).toBe(g);
  expect(Math.abs(e.left - e.grid[0])).toBeLessThan(2);
  expect(Math.abs(e.right - e.grid[1]), `cards end at ${e.right}, the grid at ${e.grid[1]}`).toBeLessThan(2);
  expect(e.overflow, 'a stat reaches past its card').toBeLessThanOrEqual(0);

  const verdict = page.getByTestId('verdict').first();
  await expect(verdict.innerText()).resolves.toMatch(/^ShapesEval: fail\s*\?$/);
  expect(await verdict.getAttribute('title')).toMatch(/\w{8,}/); // the judge's reasons
  expect((await verdict.boundingBox())!.height).toBeLessThan(30); // one line
  // Equal images have equal rewards: every advantage is zero, shown neutral.
  for (const a of await page.getByTestId('advantage-value').allInnerTexts()) expect(a).toBe('±0.00');
  if (g === 4) await screenshot(app, 'inspect-layout-g4');
});
