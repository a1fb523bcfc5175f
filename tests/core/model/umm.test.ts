// The tiny UMM's graphs: shapes, the KV-cache step agreeing with the full forward, and weights I/O.
import { describe, expect, it } from 'vitest';
import { serializeModel } from '../../../src/core/graph/index.ts';
import { type ModelConfig, validateConfig } from '../../../src/core/model/config.ts';
import { packDecodeStep, packGeneration, packUnderstanding } from '../../../src/core/model/sequences.ts';
import {
  buildGenerationLogitsGraph, buildGenerationStepGraph, buildPretrainLossGraph, buildUnderstandingScoreGraph,
} from '../../../src/core/model/umm.ts';
import { checkWeights, decodeSafetensors, encodeSafetensors, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { type TensorData, mulberry32, randn, tensor } from '../../../src/core/tensor.ts';
import { nameSeed } from './testModels.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};

// Larger-than-default weights so logits differ clearly between positions.
function weights() {
  const w = initWeights(CFG, 3);
  for (const [k, t] of Object.entries(w)) if (!/scale|bias|_b$/.test(k)) w[k] = randn('float32', t.dims, nameSeed(k, 13), 0.3);
  return w;
}

const maxDiff = (a: TensorData, b: ArrayLike<number>) => Math.max(...Array.from(a.data as Float32Array, (v, i) => Math.abs(v - b[i])));

describe('tiny UMM graphs', () => {
  it('the KV-cache decode step reproduces the teacher-forced logits', async () => {
    const w = weights();
    const prompts = [[1, 2, 3], [4, 5, 6, 7, 8]];
    const codes = [[0, 1, 2, 3], [4, 3, 2, 1]];
    const full = await createNodeSession(serializeModel(buildGenerationLogitsGraph(CFG)));
    const tf = packGeneration(CFG, prompts, codes);
    const ref = (await full.run({ ids: tf.ids, positions: tf.positions, mask: tf.mask, ...w })).image_logits; // [2, 4, 5]
    expect(ref.dims).toEqual([2, 4, 5]);

    const prefill = await createNodeSession(serializeModel(buildGenerationStepGraph(CFG, { withPast: false })));
    const decode = await createNodeSession(serializeModel(buildGenerationStepGraph(CFG, { withPast: true })));
    const pre = packGeneration(CFG, prompts);
    let out = await prefill.run({ ids: pre.ids, positions: pre.positions, mask: pre.mask, rows: tensor('int32', [2], [0, 1]), ...w });
    const rows = (step: number) => [0, 1].flatMap((b) => Array.from((ref.data as Float32Array).subarray((b * 4 + step) * 5, (b * 4 + step + 1) * 5)));
    expect(maxDiff(out.image_logits, rows(0))).toBeLessThan(1e-5);
    for (let step = 0; step < 3; step++) {
      const d = packDecodeStep(CFG, codes.map((c) => c[step]), step, pre.pads);
      const past = Object.fromEntries(
        Array.from({ length: CFG.layers }, (_, i) => [[`past_k.${i}`, out[`present_k.${i}`]], [`past_v.${i}`, out[`present_v.${i}`]]]).flat(),
      );
      out = await decode.run({ ids: d.ids, positions: d.positions, mask: d.mask, ...past, ...w });
      expect(out['present_k.0'].dims).toEqual([2, 2, CFG.maxText + step + 1, 8]);
      expect(maxDiff(out.image_logits, rows(step + 1))).toBeLessThan(1e-5);
    }
  });

  it('the understanding scorer returns one log-prob per caption token, padding-independent', async () => {
    const w = weights();
    const s = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(CFG)));
    const rand = mulberry32(5);
    const pixels = Float32Array.from({ length: 2 * 4 * 6 }, () => rand() - 0.5);
    const caps = [[0, 3, 4, 1], [0, 3, 4, 1]];
    const u = packUnderstanding(CFG, pixels, caps);
    const out = await s.run({ pixels: u.pixels, ids: u.ids, positions: u.positions, mask: u.mask, ...w });
    expect(out.token_logp.dims).toEqual([2, 4]);
    const lp = Array.from(out.token_logp.data as Float32Array);
    expect(lp.slice(0, 3).every((v) => v < 0 && v > -20)).toBe(true);
    // first three tokens score the same however the caption is padded afterwards
    const u2 = packUnderstanding(CFG, pixels, [[0, 3, 4, 1, 2], [0, 3, 4, 1]]);
    const out2 = await s.run({ pixels: u2.pixels, ids: u2.ids, positions: u2.positions, mask: u2.mask, ...w });
    expect(maxDiff({ ...out2.token_logp, data: (out2.token_logp.data as Float32Array).subarray(0, 3) }, lp.slice(0, 3))).toBeLessThan(1e-6);
  });

  it('understanding sees the image whole: every cell attends to every cell, text stays causal', () => {
    const u = packUnderstanding(CFG, new Float32Array(4 * 6), [[0, 3, 1]]);
    const len = CFG.imageTokens + CFG.maxText;
    const m = u.mask.data as Float32Array;
    const open = (q: number, k: number) => m[q * len + k] === 0;
    for (let q = 0; q < CFG.imageTokens; q++) for (let k = 0; k < CFG.imageTokens; k++) expect(open(q, k), `cell ${q} -> cell ${k}`).toBe(true);
    for (let q = 0; q < CFG.imageTokens; q++) for (let k = CFG.imageTokens; k < len; k++) expect(open(q, k), `cell ${q} -> text ${k}`).toBe(false);
    for (let q = CFG.imageTokens; q < len; q++) for (let k = 0; k < len; k++) expect(open(q, k), `text ${q} -> ${k}`).toBe(k <= q);
  });

  it('the pretraining loss graph builds and runs', async () => {
    const s = await createNodeSession(serializeModel(buildPretrainLossGraph(CFG)));
    const gen = packGeneration(CFG, [[1, 2]], [[0, 1, 2, 3]]);
    const und = packUnderstanding(CFG, new Float32Array(4 * 6), [[0, 3, 1]]);
    const out = await s.run({
      gen_ids: gen.ids, gen_positions: gen.positions, gen_mask: gen.mask,
      und_pixels: und.pixels, und_ids: und.ids, und_positions: und.positions, und_mask: und.mask, und_weights: und.weights,
      ...initWeights(CFG),
    });
    // near-uniform predictions at init: losses close to log(vocab)
    expect(out.gen_loss.data[0]).toBeCloseTo(Math.log(CFG.imageVocab), 1);
    expect(out.und_loss.data[0]).toBeCloseTo(Math.log(CFG.textVocab), 1);
  });
});

describe('config and weights', () => {
  it('config validation names the field at fault', () => {
    expect(() => validateConfig({ ...CFG, heads: 3 })).toThrow(/width 16 is not divisible by heads 3/);
    expect(() => validateConfig({ ...CFG, layers: 0 })).toThrow(/layers must be a positive integer/);
    expect(() => validateConfig({ ...CFG, extra: 1 })).toThrow(/unknown fields extra/);
  });

  it('safetensors round trip is exact in F32 and close in F16; bad files are named errors', () => {
    const w = weights();
    const back = decodeSafetensors(encodeSafetensors(w, { metadata: { format: 'pt' } }));
    expect(back.metadata.format).toBe('pt');
    for (const k of Object.keys(w)) expect(Array.from(back.tensors[k].data)).toEqual(Array.from(w[k].data));
    checkWeights(CFG, back.tensors);
    const half = decodeSafetensors(encodeSafetensors(w, { dtype: 'F16' }));
    for (const k of Object.keys(w)) expect(maxDiff(half.tensors[k], w[k].data)).toBeLessThan(2e-3);
    expect(() => decodeSafetensors(new Uint8Array(3), 'x.safetensors')).toThrow(/x.safetensors: too short/);
    const { tok_emb: _drop, ...partial } = w;
    expect(() => checkWeights(CFG, partial, 'model.safetensors')).toThrow(/model.safetensors: missing tok_emb \[15, 16\]/);
  });
});
