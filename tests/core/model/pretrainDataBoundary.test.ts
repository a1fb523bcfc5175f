// Draws of exactly one half: the pretraining data's coin flips are `draw < p`, so a draw of 0.5
// takes the random-scene branch (not a prompt of the sets) and keeps a prompt at dropout 0.5.
// The batcher's per-step randomness is replaced by a constant 0.5 here (mulberry32 mocked).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { makePretrainBatcher } from '../../../src/core/model/pretrainData.ts';
import { toNumbers } from '../../../src/core/tensor.ts';
import { decode, parseSpecJsonl } from '../../../src/core/world/index.ts';

const constant = vi.hoisted(() => ({ on: false }));
vi.mock('../../../src/core/tensor.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/core/tensor.ts')>();
  return { ...real, mulberry32: (seed: number) => (constant.on ? () => 0.5 : real.mulberry32(seed)) };
});

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 32, layers: 1, heads: 2, mlpRatio: 2, textVocab: 46, imageVocab: 37,
  imageTokens: 16, patchDim: 432, maxText: 20, maxSeq: 36,
};
const load = (s: string) => parseSpecJsonl(readFileSync(`public/data/prompts/${s}.jsonl`, 'utf8'), s);

afterEach(() => {
  constant.on = false;
});

describe('pretraining data at draws of exactly one half', () => {
  it('takes a random scene (two objects, all draws picking the middle) and keeps the prompt at dropout 0.5', () => {
    const sets = { train: load('train'), val: load('val'), test: load('test') };
    constant.on = true;
    const batch = makePretrainBatcher(CFG, sets, { genBatch: 2, undBatch: 1, promptDropout: 0.5, seed: 0 })(0);
    constant.on = false;
    const gen = toNumbers(batch.gen_ids);
    const und = toNumbers(batch.und_ids);
    // shape index floor(0.5 * 3) = square, colour floor(0.5 * 6) = yellow, size floor(0.5 * 2) = large;
    // generation draws 1 + floor(0.5 * 3) = 2 objects, understanding the count whose cumulative weight passes 0.5: 2
    for (let r = 0; r < 2; r++) {
      const row = gen.slice(r * 36, r * 36 + 20);
      expect(row.filter((x) => x > 0).at(0)).toBe(1); // <bos>, not the blank prompt's <bos> <img> alone
      expect(decode(row.filter((x) => x > 3))).toBe('a photo of two large yellow squares');
    }
    expect(decode(und.filter((x) => x > 3))).toBe('a photo of two large yellow squares');
  });
});
