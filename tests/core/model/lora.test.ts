// LoRA in the tiny UMM: config validation, adapter shapes and names, a fresh adapter being the base
// model exactly, and a trained adapter matching the merged weights W + (alpha / r) A B.
import { describe, expect, it } from 'vitest';
import { serializeModel } from '../../../src/core/graph/index.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { LORA_DEFAULTS, LORA_TARGETS, type LoraConfig, isLoraTarget, loraShapes, validateLora } from '../../../src/core/model/lora.ts';
import { packDecodeStep, packGeneration, packUnderstanding } from '../../../src/core/model/sequences.ts';
import {
  buildGenerationLogitsGraph, buildGenerationStepGraph, buildUnderstandingScoreGraph, paramShapes,
} from '../../../src/core/model/umm.ts';
import { type Weights, initLora, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { type TensorData, mulberry32, randn, tensor } from '../../../src/core/tensor.ts';
import { nameSeed } from './testModels.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};
const LORA: LoraConfig = { rank: 4, alpha: 8, targets: LORA_TARGETS };

function baseWeights(): Weights {
  const w = initWeights(CFG, 3);
  for (const [k, t] of Object.entries(w)) if (!/scale|bias|_b$/.test(k)) w[k] = randn('float32', t.dims, nameSeed(k, 13), 0.3);
  return w;
}

/** An adapter with B != 0, as after some training. */
function trainedLora(lora: LoraConfig = LORA): Weights {
  const w = initLora(CFG, lora, 1);
  for (const k of Object.keys(w)) if (k.endsWith('.B')) w[k] = randn('float32', w[k].dims, k.length * 31, 0.2);
  return w;
}

/** Base weights with every adapted matrix replaced by W + (alpha / r) A B (float64 sums, then float32). */
function merged(base: Weights, lw: Weights, lora: LoraConfig): Weights {
  const out = { ...base };
  for (const name of Object.keys(base).filter((k) => isLoraTarget(k, lora))) {
    const [a, b, w] = [lw[`lora.${name}.A`], lw[`lora.${name}.B`], base[name]];
    const [din, dout, r] = [w.dims[0], w.dims[1], lora.rank];
    const data = new Float32Array(din * dout);
    for (let i = 0; i < din; i++) {
      for (let j = 0; j < dout; j++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += a.data[i * r + k] * b.data[k * dout + j];
        data[i * dout + j] = w.data[i * dout + j] + (lora.alpha / r) * s;
      }
    }
    out[name] = tensor('float32', w.dims, data);
  }
  return out;
}

const maxDiff = (a: TensorData, b: TensorData) => Math.max(...Array.from(a.data as Float32Array, (v, i) => Math.abs(v - (b.data[i] as number))));

const PROMPTS = [[1, 2, 3], [4, 5, 6, 7, 8]];
const CODES = [[0, 1, 2, 3], [4, 3, 2, 1]];

describe('LoRA config', () => {
  it('defaults to the paper: r = 8, alpha = 32, every linear layer and both heads', () => {
    expect(validateLora({})).toEqual({ rank: 8, alpha: 32, targets: [...LORA_TARGETS] });
    expect(LORA_DEFAULTS.targets).toEqual(['attn.wq', 'attn.wk', 'attn.wv', 'attn.wo', 'mlp.up', 'mlp.down', 'head_text', 'head_image']);
    expect(validateLora({ rank: 2, targets: ['attn.wq', 'head_image'] })).toEqual({ rank: 2, alpha: 32, targets: ['attn.wq', 'head_image'] });
  });

  it('validation names the field or target at fault', () => {
    expect(() => validateLora({ rank: 0 })).toThrow(/rank must be a positive integer, got 0/);
    expect(() => validateLora({ rank: 2.5 })).toThrow(/rank must be a positive integer/);
    expect(() => validateLora({ alpha: -1 })).toThrow(/alpha must be a positive number, got -1/);
    expect(() => validateLora({ targets: [] })).toThrow(/targets must be a non-empty list/);
    expect(() => validateLora({ targets: ['tok_emb'] })).toThrow(/unknown target "tok_emb" \(LoRA never adapts embeddings, norms/);
    expect(() => validateLora({ targets: ['ln1.scale'] })).toThrow(/unknown target "ln1.scale" \(LoRA never adapts/);
    expect(() => validateLora({ targets: ['q_proj'] })).toThrow(/unknown target "q_proj"; valid: attn.wq, attn.wk/);
    expect(() => validateLora({ targets: ['attn.wq', 'attn.wq'] })).toThrow(/target attn.wq is listed twice/);
    expect(() => validateLora({ dropout: 0.1 })).toThrow(/unknown fields dropout/);
    expect(() => validateLora({ rank: 0 })).toThrow(expect.objectContaining({ name: 'InputError' }));
  });

  it('adapts exactly the targeted matrices: A [in, r], B [r, out], never patch.up or embeddings', () => {
    const shapes = loraShapes(paramShapes(CFG), { rank: 3, alpha: 6, targets: ['mlp.up', 'head_text'] });
    expect(shapes).toEqual({
      'lora.h0.mlp.up.A': [16, 3], 'lora.h0.mlp.up.B': [3, 32],
      'lora.h1.mlp.up.A': [16, 3], 'lora.h1.mlp.up.B': [3, 32],
      'lora.head_text.A': [16, 3], 'lora.head_text.B': [3, 10],
    });
    const all = Object.keys(loraShapes(paramShapes(CFG), LORA));
    expect(all).toHaveLength(2 * (2 * 6 + 2));
    expect(all.some((k) => /emb|ln|patch|_b\./.test(k))).toBe(false);
  });

  it('a fresh adapter has B = 0 and A of PEFT-default scale', () => {
    const w = initLora(CFG, LORA, 0);
    expect(w['lora.h0.attn.wq.B'].data.every((v) => v === 0)).toBe(true);
    const a = w['lora.h1.mlp.down.A'].data; // in = 32
    const std = Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(std).toBeGreaterThan(0.5 / Math.sqrt(3 * 32));
    expect(std).toBeLessThan(1.5 / Math.sqrt(3 * 32));
    expect(initLora(CFG, LORA, 0)['lora.h0.attn.wq.A'].data).toEqual(w['lora.h0.attn.wq.A'].data); // seeded
  });
});

describe('LoRA in the model graphs', () => {
  it('with B = 0 every LoRA graph reproduces the base graph bit for bit', async () => {
    const w = baseWeights();
    const fresh = initLora(CFG, LORA, 2); // random A, zero B
    const run = async (bytes: Uint8Array, feeds: Record<string, TensorData>) => (await createNodeSession(bytes)).run(feeds);

    const tf = packGeneration(CFG, PROMPTS, CODES);
    const gen = { ids: tf.ids, positions: tf.positions, mask: tf.mask, ...w };
    const base = await run(serializeModel(buildGenerationLogitsGraph(CFG)), gen);
    const adapted = await run(serializeModel(buildGenerationLogitsGraph(CFG, { lora: LORA })), { ...gen, ...fresh });
    expect(adapted.image_logits.data).toEqual(base.image_logits.data);

    const pre = packGeneration(CFG, PROMPTS);
    const step = { ids: pre.ids, positions: pre.positions, mask: pre.mask, rows: tensor('int32', [2], [0, 1]), ...w };
    const baseStep = await run(serializeModel(buildGenerationStepGraph(CFG, { withPast: false })), step);
    const loraStep = await run(serializeModel(buildGenerationStepGraph(CFG, { withPast: false, lora: LORA })), { ...step, ...fresh });
    for (const k of ['image_logits', 'present_k.1', 'present_v.0']) expect(loraStep[k].data, k).toEqual(baseStep[k].data);

    const pixels = Float32Array.from({ length: 2 * 4 * 6 }, mulberry32(5));
    const u = packUnderstanding(CFG, pixels, [[0, 3, 4, 1], [0, 2, 1]]);
    const und = { pixels: u.pixels, ids: u.ids, positions: u.positions, mask: u.mask, ...w };
    const baseUnd = await run(serializeModel(buildUnderstandingScoreGraph(CFG)), und);
    const loraUnd = await run(serializeModel(buildUnderstandingScoreGraph(CFG, { lora: LORA })), { ...und, ...fresh });
    expect(loraUnd.token_logp.data).toEqual(baseUnd.token_logp.data);
  });

  it('a trained adapter equals the base graph on merged weights W + (alpha / r) A B', async () => {
    const w = baseWeights();
    const lora: LoraConfig = { rank: 3, alpha: 12, targets: ['attn.wv', 'attn.wo', 'mlp.down', 'head_image', 'head_text'] };
    const lw = trainedLora(lora);
    const tf = packGeneration(CFG, PROMPTS, CODES);
    const feeds = { ids: tf.ids, positions: tf.positions, mask: tf.mask };
    const adapted = await (await createNodeSession(serializeModel(buildGenerationLogitsGraph(CFG, { lora })))).run({ ...feeds, ...w, ...lw });
    const base = createNodeSession(serializeModel(buildGenerationLogitsGraph(CFG)));
    const onMerged = await (await base).run({ ...feeds, ...merged(w, lw, lora) });
    const unchanged = await (await base).run({ ...feeds, ...w });
    expect(maxDiff(adapted.image_logits, onMerged.image_logits)).toBeLessThan(1e-4); // float32 reassociation only
    expect(maxDiff(adapted.image_logits, unchanged.image_logits)).toBeGreaterThan(0.05); // the adapter does act
  });

  it('the KV-cache decode step with an adapter reproduces the adapted teacher-forced logits', async () => {
    const w = { ...baseWeights(), ...trainedLora() };
    const tf = packGeneration(CFG, PROMPTS, CODES);
    const full = await (await createNodeSession(serializeModel(buildGenerationLogitsGraph(CFG, { lora: LORA })))).run({
      ids: tf.ids, positions: tf.positions, mask: tf.mask, ...w,
    });
    const prefill = await createNodeSession(serializeModel(buildGenerationStepGraph(CFG, { withPast: false, lora: LORA })));
    const decode = await createNodeSession(serializeModel(buildGenerationStepGraph(CFG, { withPast: true, lora: LORA })));
    const pre = packGeneration(CFG, PROMPTS);
    let out = await prefill.run({ ids: pre.ids, positions: pre.positions, mask: pre.mask, rows: tensor('int32', [2], [0, 1]), ...w });
    const ref = full.image_logits.data as Float32Array; // [2, 4, 5]
    const rows = (s: number) => tensor('float32', [2, 5], [0, 1].flatMap((b) => Array.from(ref.subarray((b * 4 + s) * 5, (b * 4 + s + 1) * 5))));
    expect(maxDiff(out.image_logits, rows(0))).toBeLessThan(1e-5);
    for (let s = 0; s < 3; s++) {
      const d = packDecodeStep(CFG, CODES.map((c) => c[s]), s, pre.pads);
      const past = Object.fromEntries([0, 1].flatMap((i) => [[`past_k.${i}`, out[`present_k.${i}`]], [`past_v.${i}`, out[`present_v.${i}`]]]));
      out = await decode.run({ ids: d.ids, positions: d.positions, mask: d.mask, ...past, ...w });
      expect(maxDiff(out.image_logits, rows(s + 1))).toBeLessThan(1e-5);
    }
  });
});
