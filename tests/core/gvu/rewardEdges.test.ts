// Reward edges reward.test.ts leaves open: a fractional token position, and where each sample's
// pixels land in the scorer's batch.
import { describe, expect, it } from 'vitest';
import { type CaptionLayout, buildScorerInputs, scoreCaption } from '../../../src/core/gvu/reward.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { imageToPatches } from '../../../src/core/model/patches.ts';
import { mulberry32 } from '../../../src/core/tensor.ts';

describe('scoreCaption', () => {
  it('refuses a token position that is not an integer, naming it', () => {
    const layout: CaptionLayout = { words: ['red', 'circle'], wordAt: [0.5, 1], eosAt: null };
    expect(() => scoreCaption([Math.log(0.5), Math.log(0.25)], layout, {}, 4)).toThrow('sample 4: token position 0.5 is outside its token_logp row (0..1)');
  });
});

describe('buildScorerInputs', () => {
  // patchDim 12: 2x2-pixel cells on a 2x2 grid, so images are 4x4 RGB
  const CFG: ModelConfig = {
    family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
    imageTokens: 4, patchDim: 12, maxText: 6, maxSeq: 10,
  };

  it('puts sample i\'s patches at row i of pixels [B, N, patchDim]', () => {
    const rand = mulberry32(21);
    const images = [0, 1, 2].map(() => Uint8Array.from({ length: 4 * 4 * 3 }, () => Math.floor(rand() * 256)));
    const { feeds } = buildScorerInputs(CFG, images.map((image, i) => ({ words: ['w'], ids: [4 + i], image })), { bos: 1, eos: 2 });
    expect(feeds.pixels.dims).toEqual([3, 4, 12]);
    const got = feeds.pixels.data as Float32Array;
    images.forEach((image, i) => {
      const alone = new Float32Array(4 * 12);
      imageToPatches(CFG, image, alone, 0);
      expect(Array.from(got.subarray(i * 48, (i + 1) * 48)), `sample ${i}`).toEqual(Array.from(alone));
    });
    expect(new Set(images.map((_, i) => got[i * 48])).size).toBeGreaterThan(1); // the images differ
  });
});
