// Understanding measured as a ranking, on a small model with the real vocabulary (onnxruntime-node).
// The expectations come from a model whose answer the test knows without running it: with every
// weight zero, each text position's logits are all 0, so every word (and <eos>) has log p =
// -log(46) whatever the image, and a caption's log-likelihood is -(words + 1) log 46. The truth
// then outranks a distractor only when the distractor is longer ("left of" for "above"); an equal
// length is a tie, which does not count as ranked above.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { captionLogLikelihoods, measureUnderstanding } from '../../../src/core/eval/understandingRanking.ts';
import { serializeModel } from '../../../src/core/graph/index.ts';
import { scoreImages } from '../../../src/core/gvu/scoreImages.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { buildUnderstandingScoreGraph } from '../../../src/core/model/umm.ts';
import { type Weights, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { ModelSession } from '../../../src/core/runtime/session.ts';
import { mulberry32, randn, tensor } from '../../../src/core/tensor.ts';
import {
  EDIT_KINDS, type EditKind, type Spec, checkSpec, minimalEdits, parseSpecJsonl, placeObjects, renderScene, sampleSceneForSpec,
} from '../../../src/core/world/index.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 32, layers: 1, heads: 2, mlpRatio: 2, textVocab: 46, imageVocab: 37,
  imageTokens: 16, patchDim: 432, maxText: 20, maxSeq: 36,
};
const TEST = parseSpecJsonl(readFileSync('public/data/prompts/test.jsonl', 'utf8'), 'test.jsonl');
// Two relations of each length ("above": 1 word, "left of": 2) and a one-object colour prompt.
const SPECS: Spec[] = [
  TEST.find((s) => s.prompt === 'a photo of a circle above a square')!,
  TEST.find((s) => s.prompt === 'a photo of a circle right of a square')!,
  TEST.find((s) => s.prompt === 'a photo of an orange circle')!,
];
const LOG46 = Math.log(46);
const words = (text: string) => text.split(' ').length;

let zero: Weights;
let random: Weights;
let scorer: ModelSession;

beforeAll(async () => {
  expect(SPECS.every(Boolean)).toBe(true);
  const w = initWeights(CFG, 1);
  zero = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, tensor('float32', t.dims, new Float32Array(t.data.length))]));
  random = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, /scale|bias|_b$/.test(k) ? t : randn('float32', t.dims, k.length * 17 + 5, 0.3)]));
  scorer = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(CFG)));
});

describe('captionLogLikelihoods', () => {
  it('sums log p over the words and <eos>: -(words + 1) log 46 for the all-zero model', async () => {
    const image = renderScene({ objects: [{ shape: 'circle', colour: 'red', size: 'large', cell: 5 }] });
    const ll = await captionLogLikelihoods(CFG, zero, scorer, [
      { image, text: 'a photo of a red circle' }, // 6 words + <eos>
      { image, text: 'a photo of a circle left of a square' }, // 9 words + <eos>
    ]);
    expect(ll[0]).toBeCloseTo(-7 * LOG46, 4);
    expect(ll[1]).toBeCloseTo(-10 * LOG46, 4);
  });

  it('depends on the image for a trained-looking (random) model, and equals the per-token scores summed', async () => {
    const rows = [
      { image: renderScene({ objects: [{ shape: 'circle', colour: 'red', size: 'large', cell: 5 }] }), text: 'a photo of a red circle' },
      { image: renderScene({ objects: [{ shape: 'square', colour: 'blue', size: 'small', cell: 10 }] }), text: 'a photo of a red circle' },
    ];
    const ll = await captionLogLikelihoods(CFG, random, scorer, rows);
    const tokens = await scoreImages(CFG, random, scorer, rows.map((r) => ({ image: r.image, prompt: r.text })), { includeEos: true });
    expect(tokens.map((t) => t.tokens.length)).toEqual([7, 7]); // <eos> included
    tokens.forEach((t, i) => expect(ll[i]).toBeCloseTo(t.tokens.reduce((s, x) => s + x.logp, 0), 5));
    expect(ll.every((x) => x < 0)).toBe(true);
    expect(Math.abs(ll[0] - ll[1])).toBeGreaterThan(1e-3);
  });
});

describe('measureUnderstanding', () => {
  /** The pairs the ranking must use: every edit of every scene, less those true of the scene. */
  function expectedPairs(specs: readonly Spec[], scenesPerPrompt: number, seed: number) {
    const rng = mulberry32(seed);
    const out: { kind: EditKind; truth: string; edit: string }[] = [];
    let skipped = 0;
    for (const spec of specs) {
      for (let s = 0; s < scenesPerPrompt; s++) {
        const placed = placeObjects(sampleSceneForSpec(spec, rng));
        for (const e of minimalEdits(spec)) {
          if (checkSpec(placed, e.spec).strictPass) skipped++;
          else out.push({ kind: e.kind, truth: spec.prompt, edit: e.prompt });
        }
      }
    }
    return { pairs: out, skipped };
  }

  it('with all-zero weights ranks the truth above exactly the longer distractors; ties are not wins', async () => {
    const { pairs, skipped } = expectedPairs(SPECS, 6, 3);
    // Diagonal placements make some relation edits true ("above" and "left of" at once): left out.
    expect(skipped).toBeGreaterThan(0);
    const r = await measureUnderstanding(CFG, zero, scorer, SPECS, { scenesPerPrompt: 6, seed: 3 });
    expect(r.pairs).toBe(pairs.length);
    const want = Object.fromEntries(EDIT_KINDS.map((k) => {
      const mine = pairs.filter((p) => p.kind === k);
      const correct = mine.filter((p) => words(p.edit) > words(p.truth)).length;
      return [k, { correct, total: mine.length }];
    }));
    for (const k of EDIT_KINDS) expect({ k, ...r.perEdit[k] }).toMatchObject({ k, ...want[k] });
    // Only relation edits change the length: colour, shape and count edits all tie.
    expect(r.perEdit.colour).toMatchObject({ correct: 0, accuracy: 0 });
    expect(r.perEdit.relation.correct).toBeGreaterThan(0);
    expect(r.perEdit.relation.correct).toBeLessThan(r.perEdit.relation.total);
    expect(r.perEdit.relation.accuracy).toBeCloseTo(r.perEdit.relation.correct / r.perEdit.relation.total, 12);
    expect(r.perEdit.size).toMatchObject({ correct: 0, total: 0 }); // no size word in these prompts
    expect(r.perEdit.size.accuracy).toBeNaN();
    expect(r.overall).toBeCloseTo(r.perEdit.relation.correct / pairs.length, 12);
  });

  it('scores every scene of every prompt against its own caption (random weights)', async () => {
    const seed = 5;
    const { pairs } = expectedPairs(SPECS, 2, seed);
    // The test's own rows: each scene rendered, scored under its prompt and each edit.
    const rng = mulberry32(seed);
    const rows: { image: Uint8Array; text: string }[] = [];
    const keep: { truth: number; edit: number }[] = [];
    for (const spec of SPECS) {
      for (let s = 0; s < 2; s++) {
        const scene = sampleSceneForSpec(spec, rng);
        const truth = rows.length;
        rows.push({ image: renderScene(scene), text: spec.prompt });
        for (const e of minimalEdits(spec)) {
          if (checkSpec(placeObjects(scene), e.spec).strictPass) continue;
          keep.push({ truth, edit: rows.length });
          rows.push({ image: rows[truth].image, text: e.prompt });
        }
      }
    }
    expect(keep.length).toBe(pairs.length);
    const tokens = await scoreImages(CFG, random, scorer, rows.map((r) => ({ image: r.image, prompt: r.text })), { includeEos: true });
    const ll = tokens.map((t) => t.tokens.reduce((s, x) => s + x.logp, 0));
    const correct = keep.filter((p) => ll[p.truth] > ll[p.edit]).length;
    const r = await measureUnderstanding(CFG, random, scorer, SPECS, { scenesPerPrompt: 2, seed });
    expect(r.pairs).toBe(keep.length);
    expect(r.overall).toBeCloseTo(correct / keep.length, 12);
    expect(correct).toBeGreaterThan(0);
    expect(correct).toBeLessThan(keep.length);
  });

  it('an empty prompt list has no pairs and overall 0, not NaN', async () => {
    const r = await measureUnderstanding(CFG, zero, scorer, [], { scenesPerPrompt: 2, seed: 1 });
    expect(r).toMatchObject({ pairs: 0, overall: 0 });
  });
});
