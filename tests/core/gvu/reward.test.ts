// The intrinsic reward on hand-computed rows, its variants, GRPO group advantages, and the scorer
// inputs run through a tiny random UMM's understanding scorer.
import { describe, expect, it } from 'vitest';
import {
  type CaptionLayout, buildScorerInputs, groupAdvantages, scoreCaption, scoreCaptions,
} from '../../../src/core/gvu/reward.ts';
import { serializeModel } from '../../../src/core/graph/index.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { buildUnderstandingScoreGraph } from '../../../src/core/model/umm.ts';
import { initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { mulberry32, randn, tensor } from '../../../src/core/tensor.ts';

const RED_CIRCLE: CaptionLayout = { words: ['red', 'circle'], wordAt: [0, 1], eosAt: null };
const ROW = [Math.log(0.5), Math.log(0.25)];

describe('scoreCaption', () => {
  it('geomean (the paper): exp(mean log p) = sqrt(.5 * .25)', () => {
    const r = scoreCaption(ROW, RED_CIRCLE);
    expect(r.reward).toBeCloseTo(0.35355339, 8);
    expect(r.tokens.map((t) => [t.word, t.wordIndex, t.p, t.counted])).toEqual([['red', 0, 0.5, true], ['circle', 1, 0.25, true]]);
    expect(r.tokens[1].logp).toBe(Math.log(0.25));
    expect(r.lowest.word).toBe('circle');
    expect(scoreCaption([Math.log(0.25), Math.log(0.5)], RED_CIRCLE).lowest.word).toBe('red'); // not just the last word
  });

  it('mean_p and min_p', () => {
    expect(scoreCaption(ROW, RED_CIRCLE, { variant: 'mean_p' }).reward).toBeCloseTo(0.375, 12);
    expect(scoreCaption(ROW, RED_CIRCLE, { variant: 'min_p' }).reward).toBeCloseTo(0.25, 12);
  });

  it('includeEos scores <eos> too; otherwise it is reported but not counted', () => {
    const layout: CaptionLayout = { ...RED_CIRCLE, eosAt: 2 };
    const row = [...ROW, Math.log(0.8), 0];
    const off = scoreCaption(row, layout);
    expect(off.reward).toBeCloseTo(0.35355339, 8);
    expect(off.tokens[2]).toMatchObject({ word: '<eos>', wordIndex: -1, counted: false });
    expect(scoreCaption(row, layout, { includeEos: true }).reward).toBeCloseTo(Math.cbrt(0.5 * 0.25 * 0.8), 12);
    expect(scoreCaption([...ROW, Math.log(0.01)], layout, { includeEos: true }).lowest.word).toBe('<eos>');
  });

  it('content_words: geomean over the caller\'s words only, list or predicate', () => {
    const layout: CaptionLayout = { words: ['a', 'red', 'circle'], wordAt: [0, 1, 2], eosAt: null };
    const row = [Math.log(0.01), ...ROW];
    expect(scoreCaption(row, layout).reward).toBeCloseTo(Math.cbrt(0.01 * 0.5 * 0.25), 12);
    const byList = scoreCaption(row, layout, { variant: 'content_words', contentWords: ['red', 'circle', 'square'] });
    expect(byList.reward).toBeCloseTo(0.35355339, 8);
    expect(byList.tokens.map((t) => t.counted)).toEqual([false, true, true]);
    expect(byList.lowest.word).toBe('circle'); // 'a' is lower but does not count
    expect(scoreCaption(row, layout, { variant: 'content_words', contentWords: (w) => w !== 'a' }).reward).toBeCloseTo(0.35355339, 8);
  });

  it('names what is wrong', () => {
    expect(() => scoreCaption(ROW, RED_CIRCLE, { variant: 'content_words' })).toThrow(/needs contentWords/);
    expect(() => scoreCaption(ROW, RED_CIRCLE, { variant: 'content_words', contentWords: ['two'] }, 7)).toThrow("sample 7: no token to score under 'content_words' (words: red circle)");
    expect(() => scoreCaption(ROW, RED_CIRCLE, { includeEos: true })).toThrow(/includeEos is set but the caption has no <eos>/);
    expect(() => scoreCaption(ROW, RED_CIRCLE, { variant: 'max_p' as never })).toThrow(/unknown reward variant "max_p"; valid: geomean, mean_p, min_p, content_words/);
    expect(() => scoreCaption(ROW, { ...RED_CIRCLE, wordAt: [0, 2] })).toThrow(/token position 2 is outside its token_logp row \(0..1\)/);
    expect(() => scoreCaption(ROW, { ...RED_CIRCLE, wordAt: [0] }, {}, 3)).toThrow('sample 3: 2 words but 1 token positions');
    expect(() => scoreCaption(ROW, { ...RED_CIRCLE, wordAt: [-1, 1] })).toThrow('sample 0: token position -1 is outside its token_logp row (0..1)');
    expect(() => scoreCaption(ROW, { words: [], wordAt: [], eosAt: null })).toThrow("sample 0: no token to score under 'geomean' (words: (none))");
  });

  it('scoreCaptions reads one row per layout from token_logp [B, T-1]', () => {
    const t = tensor('float32', [2, 3], [Math.log(0.5), Math.log(0.25), 0, Math.log(0.1), Math.log(0.9), 0]);
    const rs = scoreCaptions(t, [RED_CIRCLE, { words: ['blue'], wordAt: [1], eosAt: null }]);
    expect(rs.map((r) => r.reward)).toEqual([expect.closeTo(0.35355339, 6), expect.closeTo(0.9, 6)]);
    expect(() => scoreCaptions(t, [RED_CIRCLE])).toThrow(/token_logp has dims \[2, 3\]; expected \[1, maxText-1\]/);
    // A flat row per layout is not [B, T-1] even when its length matches the layouts.
    expect(() => scoreCaptions(tensor('float32', [2], [0, 0]), [RED_CIRCLE, RED_CIRCLE])).toThrow('token_logp has dims [2]; expected [2, maxText-1] (one row per layout)');
  });
});

describe('groupAdvantages', () => {
  it('normalises within each group with the population std and eps 1e-4', () => {
    const a = groupAdvantages([1, 2, 5, 5, 0, 3], 2);
    const want = [-0.5 / 0.5001, 0.5 / 0.5001, 0, 0, -1.5 / 1.5001, 1.5 / 1.5001];
    a.forEach((x, i) => expect(x).toBeCloseTo(want[i], 12));
    const std3 = Math.sqrt(2 / 3);
    Array.from(groupAdvantages([1, 2, 3], 3)).forEach((x, i) => expect(x).toBeCloseTo([-1, 0, 1][i] / (std3 + 1e-4), 12));
  });

  it('rejects rewards that do not split into groups', () => {
    expect(() => groupAdvantages([1, 2, 3], 2)).toThrow('3 rewards do not split into groups of 2');
    expect(() => groupAdvantages([1, 2], 0)).toThrow(/groupSize must be a positive integer/);
    // G = 1 is allowed (each image is its own group): no comparison, so no advantage.
    expect(Array.from(groupAdvantages([3, 5], 1))).toEqual([0, 0]);
  });
});

describe('buildScorerInputs', () => {
  // patchDim 12: 2x2-pixel cells on a 2x2 grid, so images are 4x4 RGB
  const CFG: ModelConfig = {
    family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
    imageTokens: 4, patchDim: 12, maxText: 6, maxSeq: 10,
  };
  const rand = mulberry32(9);
  const image = () => Uint8Array.from({ length: 4 * 4 * 3 }, () => Math.floor(rand() * 256));
  const SPECIAL = { bos: 1, eos: 2 };

  it('lays out <bos> [prefix] words <eos>, and rewards match the scorer rows at those columns', async () => {
    const samples = [{ words: ['red', 'circle'], ids: [5, 6], image: image() }, { words: ['two', 'blue', 'squares'], ids: [7, 8, 9], image: image() }];
    const { feeds, layouts } = buildScorerInputs(CFG, samples, { ...SPECIAL, prefix: [4] });
    expect(Array.from(feeds.ids.data)).toEqual([1, 4, 5, 6, 2, 0, 1, 4, 7, 8, 9, 2]);
    expect(layouts).toEqual([
      { words: ['red', 'circle'], wordAt: [1, 2], eosAt: 3 },
      { words: ['two', 'blue', 'squares'], wordAt: [1, 2, 3], eosAt: 4 },
    ]);
    expect(feeds.pixels.dims).toEqual([2, 4, 12]);

    const w = initWeights(CFG, 1);
    for (const [k, t] of Object.entries(w)) if (!/scale|bias|_b$/.test(k)) w[k] = randn('float32', t.dims, k.length * 7, 0.3);
    const scorer = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(CFG)));
    const lp = (await scorer.run({ ...feeds, ...w })).token_logp;
    const rows = lp.data as Float32Array; // [2, 5]
    const rs = scoreCaptions(lp, layouts);
    expect(rs[0].reward).toBeCloseTo(Math.exp((rows[1] + rows[2]) / 2), 6);
    expect(rs[1].reward).toBeCloseTo(Math.exp((rows[6] + rows[7] + rows[8]) / 3), 6);
    expect(rs[1].tokens[3].logp).toBe(rows[9]); // <eos>
    expect(rs.every((r) => r.reward > 0 && r.reward < 1)).toBe(true);
  });

  it('names the sample whose caption does not fit or whose words and ids disagree', () => {
    const long = { words: ['a', 'b', 'c', 'd', 'e'], ids: [4, 4, 4, 4, 4], image: image() };
    expect(() => buildScorerInputs(CFG, [long], SPECIAL)).toThrow('sample 0: caption "a b c d e" takes 7 tokens with <bos>, prefix and <eos>; the model reads 6');
    expect(() => buildScorerInputs(CFG, [{ words: ['a'], ids: [4, 5], image: image() }], SPECIAL)).toThrow('sample 0: 1 words but 2 token ids');
  });
});
