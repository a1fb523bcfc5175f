// Janus occlusion heatmaps (src/core/families/janus/occlusion.ts) on the tiny fixture. Each block's
// heat is checked against transformers.js (janusOracle.ts) scoring the same image with that block
// painted grey by the test itself: heat = log p(word | intact) - log p(word | painted), so the
// opposite sign, a wrong block or a wrong word grouping fails. The block boxes tile the image
// for sizes that do not divide the grid, and bad block sizes and a cancel are refused by name.
import { freshJanusFixture } from './fixtureFolder.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJanus } from '../../../src/cli/janusFolder.ts';
import { AbortError, InputError } from '../../../src/core/errors.ts';
import { type RgbImage, defaultOcclusionBlock } from '../../../src/core/families/family.ts';
import { janusFamily } from '../../../src/core/families/janus/family.ts';
import type { JanusModel } from '../../../src/core/families/janus/load.ts';
import { blockBox, occlusionMaps } from '../../../src/core/families/janus/occlusion.ts';
import { scoreImage } from '../../../src/core/families/janus/score.ts';
import { oracleUnderstandingLogits } from '../../../src/cli/janusOracle.ts';

const PROMPT = 'a red cube on the left of a blue sphere';

let dir = '';
let model: JanusModel;

/** A 32 x 32 image (the fixture's understanding size: no resize, so transformers.js' pixels equal upstream's). */
function bands(size: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set([(x * 8) % 256, (y * 8) % 256, ((x + y) * 4) % 256], (y * size + x) * 3);
  return { width: size, height: size, data };
}

/** The test's own painting of pixel rows y0..y1, columns x0..x1 with the fixture's background. */
function painted(img: RgbImage, x0: number, x1: number, y0: number, y1: number): RgbImage {
  const data = Uint8Array.from(img.data);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data.set([127, 127, 127], (y * img.width + x) * 3);
  return { ...img, data };
}

/** Per-word log p (pieces summed) then <eos>, from transformers.js' full logits. */
async function oracleWordLogp(image: RgbImage, pieces: readonly (readonly number[])[]): Promise<number[]> {
  const o = await oracleUnderstandingLogits(dir, image, PROMPT);
  const v = o.dims[2];
  const tokenLogp = (k: number) => {
    const row = o.logits.subarray((o.answerStart - 1 + k) * v, (o.answerStart + k) * v);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    return row[o.inputIds[o.answerStart + k]] - lse;
  };
  const eosAt = o.inputIds.length - 1 - o.answerStart;
  return [...pieces.map((p) => p.reduce((s, k) => s + tokenLogp(k), 0)), tokenLogp(eosAt)];
}

beforeAll(async () => {
  dir = freshJanusFixture('janus-occlusion-');
  model = await openJanus(dir);
});
afterAll(() => model?.release());

describe('Janus occlusion heatmaps', () => {
  it('each block\'s heat is log p(intact) - log p(block painted grey), per word and <eos>, as transformers.js scores them', async () => {
    const image = bands(model.cfg.imageSize);
    expect(model.cfg.genGrid).toBe(4);
    const maps = await occlusionMaps(model, PROMPT, image, { block: 2 }); // 2 x 2 blocks of 16 x 16 pixels
    expect([maps.rows, maps.cols, maps.block]).toEqual([2, 2, 2]);
    const s = await scoreImage(model, PROMPT, image);
    expect(maps.words.map((w) => w.word)).toEqual([...PROMPT.split(' '), '<eos>']);
    const pieces = s.words.map((w) => w.pieces);
    const base = await oracleWordLogp(image, pieces);
    maps.words.forEach((w, j) => expect(Math.abs(w.logp - base[j])).toBeLessThan(1e-4));
    let largest = 0;
    for (let b = 0; b < 4; b++) {
      const [r, c] = [Math.floor(b / 2), b % 2];
      const occluded = await oracleWordLogp(painted(image, c * 16, c * 16 + 16, r * 16, r * 16 + 16), pieces);
      maps.words.forEach((w, j) => {
        const want = base[j] - occluded[j];
        expect(Math.abs(w.heat[b] - want), `${w.word}, block ${b}`).toBeLessThan(1e-4);
        largest = Math.max(largest, Math.abs(want));
      });
    }
    // Heat well above the tolerance: a flipped sign cannot pass.
    console.log(`occlusion: largest |heat| ${largest.toExponential(2)} over ${maps.words.length} entries x 4 blocks`);
    expect(largest).toBeGreaterThan(1e-2);
  });

  it('block 1 gives one heat per image token, and the family offers it with progress over the passes', async () => {
    const family = janusFamily(model);
    expect(family.capabilities.occlusionMaps).toBe(true);
    const progress: number[] = [];
    const maps = await family.occlusionMaps({ prompt: PROMPT, image: bands(32), block: 1, onProgress: (d, t) => progress.push(d / t) });
    expect([maps.rows, maps.cols]).toEqual([4, 4]);
    for (const w of maps.words) expect(w.heat.length).toBe(16);
    expect(progress.length).toBe(17);
    expect(progress.at(-1)).toBe(1);
  });

  it('blocks tile any image without gaps or overlaps, also when the block does not divide the grid', () => {
    for (const [w, h, grid, block] of [[384, 384, 24, 4], [500, 333, 24, 5], [32, 32, 4, 3], [7, 50, 24, 24]]) {
      const n = Math.ceil(grid / block);
      const covered = new Uint8Array(w * h);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
        const b = blockBox(w, h, grid, block, r, c);
        for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) covered[y * w + x]++;
      }
      expect(covered.every((k) => k === 1), `${w} x ${h}, grid ${grid}, block ${block}`).toBe(true);
    }
    expect(defaultOcclusionBlock(24)).toBe(4);
    expect(defaultOcclusionBlock(4)).toBe(1);
  });

  it('refuses a block size outside 1..grid by name, and stops on cancel', async () => {
    const image = bands(32);
    await expect(occlusionMaps(model, PROMPT, image, { block: 0 })).rejects.toThrow(InputError);
    await expect(occlusionMaps(model, PROMPT, image, { block: 5 })).rejects.toThrow(/block size must be a whole number of image tokens from 1 to 4, got 5/);
    await expect(occlusionMaps(model, PROMPT, image, { block: 1, signal: { aborted: true } })).rejects.toThrow(AbortError);
  });
});
