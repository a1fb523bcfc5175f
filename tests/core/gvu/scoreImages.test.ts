// The intrinsic reward of (prompt, image) pairs in batches, on a small random UMM with the real
// vocabulary (onnxruntime-node): batching never changes a reward, each batch is one scorer run,
// and a prompt's words are what the tokenizer reads (runs of spaces included).
import { beforeAll, describe, expect, it } from 'vitest';
import { scoreImages } from '../../../src/core/gvu/scoreImages.ts';
import { serializeModel } from '../../../src/core/graph/index.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { buildUnderstandingScoreGraph } from '../../../src/core/model/umm.ts';
import { type Weights, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { ModelSession } from '../../../src/core/runtime/session.ts';
import { randn } from '../../../src/core/tensor.ts';
import { renderScene } from '../../../src/core/world/index.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 32, layers: 1, heads: 2, mlpRatio: 2, textVocab: 46, imageVocab: 37,
  imageTokens: 16, patchDim: 432, maxText: 20, maxSeq: 36,
};
let W: Weights;
let scorer: ModelSession;
const batches: number[] = []; // rows of every scorer run

beforeAll(async () => {
  W = initWeights(CFG, 4);
  for (const [k, t] of Object.entries(W)) if (!/scale|bias|_b$/.test(k)) W[k] = randn('float32', t.dims, k.length * 13 + 2, 0.3);
  const s = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(CFG)));
  scorer = { ...s, run: (f, o) => (batches.push(f.ids.dims[0]), s.run(f, o)) };
});

const ITEMS = [
  { image: renderScene({ objects: [{ shape: 'circle', colour: 'red', size: 'large', cell: 5 }] }), prompt: 'a photo of a red circle' },
  { image: renderScene({ objects: [{ shape: 'square', colour: 'blue', size: 'small', cell: 0 }] }), prompt: 'a photo of a blue square' },
  { image: renderScene({ objects: [{ shape: 'triangle', colour: 'green', size: 'large', cell: 15 }] }), prompt: 'a photo of a triangle' },
];

describe('scoreImages', () => {
  it('scores in batches of `batch` rows, one scorer run each, with the same rewards as one batch', async () => {
    batches.length = 0;
    const whole = await scoreImages(CFG, W, scorer, ITEMS);
    const inTwos = await scoreImages(CFG, W, scorer, ITEMS, {}, 2);
    const inThrees = await scoreImages(CFG, W, scorer, ITEMS, {}, 3);
    expect(batches).toEqual([3, 2, 1, 3]);
    expect(inTwos.map((r) => r.reward)).toEqual(whole.map((r) => r.reward));
    expect(inThrees.map((r) => r.reward)).toEqual(whole.map((r) => r.reward));
    expect(whole.map((r) => r.tokens.map((t) => t.word).join(' '))).toEqual(ITEMS.map((it) => `${it.prompt} <eos>`));
    expect(new Set(whole.map((r) => r.reward)).size).toBe(3);
  });

  it('reads a prompt with runs of spaces as its words', async () => {
    const [spaced] = await scoreImages(CFG, W, scorer, [{ image: ITEMS[0].image, prompt: 'a photo of  a red   circle' }]);
    const [plain] = await scoreImages(CFG, W, scorer, [ITEMS[0]]);
    expect(spaced.tokens.map((t) => t.word)).toEqual(['a', 'photo', 'of', 'a', 'red', 'circle', '<eos>']);
    expect(spaced.reward).toBe(plain.reward);
  });
});
