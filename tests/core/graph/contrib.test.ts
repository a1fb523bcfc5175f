// ORT's contrib ops in the builder: MultiHeadAttention with a cache against the primitives'
// attention (a decode step both ways), and the com.microsoft domain imported only where used.
import { describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { Graph, serializeModel } from '../../../src/core/graph/index.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { packDecodeStep, packGeneration } from '../../../src/core/model/sequences.ts';
import { type KV, declareParams, generationStep } from '../../../src/core/model/umm.ts';
import { initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { randn } from '../../../src/core/tensor.ts';
import { nameSeed } from '../model/testModels.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};

/** A decode step on a cache of P positions, its attention fused or not. */
function decodeStep(fusedAttention: boolean): Graph {
  const g = new Graph('step');
  const ids = g.input('ids', 'int32', ['B', 1]);
  const positions = g.input('positions', 'int32', ['B', 1]);
  const mask = g.input('mask', 'float32', ['B', 1, 1, 'S']);
  const past: KV[] = Array.from({ length: CFG.layers }, (_, i) => ({
    k: g.input(`past_k.${i}`, 'float32', ['B', CFG.heads, 'P', 8]), v: g.input(`past_v.${i}`, 'float32', ['B', CFG.heads, 'P', 8]),
  }));
  const out = generationStep(CFG, declareParams(g, CFG), ids, positions, mask, past, { fusedAttention });
  g.output(out.logits, 'logits');
  out.present.forEach((kv, i) => (g.output(kv.k, `present_k.${i}`), g.output(kv.v, `present_v.${i}`)));
  return g;
}

describe('MultiHeadAttention (com.microsoft)', () => {
  it('a fused decode step gives the primitives\' logits and cache, padding masked, to float32 rounding', async () => {
    const w = initWeights(CFG, 8);
    for (const [k, t] of Object.entries(w)) if (!/scale|bias|_b$/.test(k)) w[k] = randn('float32', t.dims, nameSeed(k, 23), 0.5);
    const pads = [3, 0]; // the first row's prompt is left-padded: those keys must stay masked
    const s = CFG.maxText + 2 + 1;
    const past = Object.fromEntries(Array.from({ length: CFG.layers }, (_, i) => [
      [`past_k.${i}`, randn('float32', [2, CFG.heads, s - 1, 8], 40 + i, 1)], [`past_v.${i}`, randn('float32', [2, CFG.heads, s - 1, 8], 50 + i, 1)],
    ]).flat());
    const d = packDecodeStep(CFG, [2, 4], 2, pads);
    const feeds = { ids: d.ids, positions: d.positions, mask: d.mask, ...past, ...w };
    const [plain, fused] = [await (await createNodeSession(serializeModel(decodeStep(false)))).run(feeds), await (await createNodeSession(serializeModel(decodeStep(true)))).run(feeds)];
    const maxDiff = (k: string) => Math.max(...Array.from(plain[k].data as Float32Array, (x, i) => Math.abs(x - (fused[k].data as Float32Array)[i])));
    expect(fused.logits.dims).toEqual([2, 5]);
    expect(maxDiff('logits')).toBeLessThan(1e-5);
    expect(fused['present_k.1'].dims).toEqual([2, CFG.heads, s, 8]);
    for (let i = 0; i < CFG.layers; i++) expect(Math.max(maxDiff(`present_k.${i}`), maxDiff(`present_v.${i}`))).toBeLessThan(1e-6);
    // Unmasking the padding changes the fused step's logits: the mask reaches the kernel.
    const open = { ...feeds, mask: packDecodeStep(CFG, [2, 4], 2, [0, 0]).mask };
    const unmasked = await (await createNodeSession(serializeModel(decodeStep(true)))).run(open);
    expect(Math.max(...Array.from(unmasked.logits.data as Float32Array, (x, i) => Math.abs(x - (fused.logits.data as Float32Array)[i])))).toBeGreaterThan(1e-3);
    expect(packGeneration(CFG, [[1, 2]]).pads).toEqual([3]); // the padding the first row stands for
  });

  it('imports the com.microsoft operator set only in models that use it', () => {
    const domains = (g: Graph) => onnxProto.onnx.ModelProto.decode(serializeModel(g)).opsetImport!.map((o) => o.domain);
    expect(domains(decodeStep(true))).toEqual(['', 'com.microsoft']);
    expect(domains(decodeStep(false))).toEqual(['']);
  });
});
