// An adapter merged into the weights (mergeAdapter): W + (alpha / r) A B entry by entry, the base
// graph on merged weights giving the adapted model's logits and the same sampled codes, and a
// malformed adapter refused with the tensor named.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/cli/modelFiles.ts';
import { createGenerationSessions } from '../../../src/cli/generationSessions.ts';
import { serializeModel } from '../../../src/core/graph/index.ts';
import { GVU_SAMPLING, releaseGenerationSessions, sampleImages } from '../../../src/core/gvu/sampling.ts';
import { LORA_DEFAULTS, LORA_TARGETS, type LoraConfig } from '../../../src/core/model/lora.ts';
import { mergeAdapter } from '../../../src/core/model/mergeAdapter.ts';
import { packGeneration } from '../../../src/core/model/sequences.ts';
import { buildGenerationLogitsGraph } from '../../../src/core/model/umm.ts';
import { initLora } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { promptIds } from '../../../src/core/world/index.ts';
import { SMALL_UMM, movedAdapter, randomBase } from './testModels.ts';

const LORA: LoraConfig = { rank: 3, alpha: 12, targets: ['attn.wq', 'attn.wo', 'mlp.up', 'head_image'] };
const base = randomBase(SMALL_UMM, 4, 0.3);
const adapter = movedAdapter(SMALL_UMM, LORA, 4, 0.2);

describe('mergeAdapter', () => {
  it('replaces each targeted matrix by W + (alpha / r) A B and leaves every other tensor as it was', () => {
    const merged = mergeAdapter(base, LORA, adapter);
    const name = 'h1.attn.wo';
    const [w, a, b] = [base[name], adapter[`lora.${name}.A`], adapter[`lora.${name}.B`]];
    const [din, dout] = w.dims;
    for (const [i, j] of [[0, 0], [3, 7], [din - 1, dout - 1]]) {
      const ab = a.data[i * 3] * b.data[j] + a.data[i * 3 + 1] * b.data[dout + j] + a.data[i * 3 + 2] * b.data[2 * dout + j];
      expect(merged[name].data[i * dout + j]).toBe(Math.fround(w.data[i * dout + j] + 4 * ab));
    }
    expect(merged[name].data).not.toEqual(w.data);
    expect(merged['h0.attn.wk']).toBe(base['h0.attn.wk']); // not a target
    expect(merged['h0.ln1.scale']).toBe(base['h0.ln1.scale']);
    expect(Object.keys(merged).sort()).toEqual(Object.keys(base).sort()); // no adapter tensors leak in
  });

  it('a fresh adapter (B = 0) merges to the base weights exactly', () => {
    const merged = mergeAdapter(base, LORA, initLora(SMALL_UMM, LORA, 2));
    for (const k of Object.keys(base)) expect(merged[k].data).toEqual(base[k].data);
  });

  it('the base graph on merged weights gives the adapted graph\'s logits', async () => {
    const seq = packGeneration(SMALL_UMM, [[1, 2, 3], [4, 5]], [[0, 1, 2, 3], [4, 3, 2, 1]]);
    const feeds = { ids: seq.ids, positions: seq.positions, mask: seq.mask };
    const adapted = await createNodeSession(serializeModel(buildGenerationLogitsGraph(SMALL_UMM, { lora: LORA })));
    const plain = await createNodeSession(serializeModel(buildGenerationLogitsGraph(SMALL_UMM)));
    const want = (await adapted.run({ ...feeds, ...base, ...adapter })).image_logits.data as Float32Array;
    const got = (await plain.run({ ...feeds, ...mergeAdapter(base, LORA, adapter) })).image_logits.data as Float32Array;
    const baseOnly = (await plain.run({ ...feeds, ...base })).image_logits.data as Float32Array;
    const maxDiff = (x: Float32Array, y: Float32Array) => Math.max(...x.map((v, i) => Math.abs(v - y[i])));
    expect(maxDiff(got, want)).toBeLessThan(1e-5);
    expect(maxDiff(baseOnly, want)).toBeGreaterThan(1e-2); // the adapter does act
  });

  it('the shipped model with a moved adapter samples the same 256 codes merged as fed', async () => {
    const { cfg, weights } = loadModel('public/models/tiny-umm');
    const lora = movedAdapter(cfg, LORA_DEFAULTS, 9, 0.02);
    const prompts = [promptIds('a photo of a red circle'), promptIds('a photo of two blue squares')];
    const opts = { ...GVU_SAMPLING, groupSize: 8, seeds: Array.from({ length: 16 }, (_, i) => 500 + i) };
    const fedSessions = await createGenerationSessions(cfg, weights, LORA_DEFAULTS);
    const mergedWeights = mergeAdapter(weights, LORA_DEFAULTS, lora);
    const mergedSessions = await createGenerationSessions(cfg, mergedWeights);
    const fed = await sampleImages(cfg, { ...weights, ...lora }, fedSessions, prompts, opts);
    const merged = await sampleImages(cfg, mergedWeights, mergedSessions, prompts, opts);
    const baseline = await sampleImages(cfg, weights, mergedSessions, prompts, opts).catch((e: Error) => e);
    expect(merged.map((x) => Array.from(x.codes))).toEqual(fed.map((x) => Array.from(x.codes)));
    merged.forEach((x, i) => x.modelLogp.forEach((v, t) => expect(Math.abs(v - fed[i].modelLogp[t])).toBeLessThan(1e-4)));
    expect(baseline).toBeInstanceOf(Error); // the merged sessions hold their weights: other weights are refused
    await Promise.all([releaseGenerationSessions(fedSessions), releaseGenerationSessions(mergedSessions)]);
  });

  it('refuses an adapter with a missing or misshapen tensor, naming it', () => {
    const { [`lora.head_image.B`]: _, ...missing } = adapter;
    expect(() => mergeAdapter(base, LORA, missing)).toThrow(/missing tensor lora\.head_image\.B \[3, 5\]/);
    const bad = { ...adapter, 'lora.h0.mlp.up.A': tensor('float32', [16, 2], new Float32Array(32)) };
    expect(() => mergeAdapter(base, LORA, bad)).toThrow(/lora\.h0\.mlp\.up\.A has shape \[16, 2\], expected \[16, 3\]/);
    expect(LORA_TARGETS).toContain('head_image');
  });
});
