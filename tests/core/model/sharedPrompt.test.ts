// Teacher-forced logits with each distinct prompt run once (sharedPromptLogits: Unique finds the
// prompts, their keys and values are gathered for every image) against the whole-sequence
// forward: the same logits, and through autodiff the same adapter gradients (a prompt shared by G
// images gets the sum of their gradients).
import { describe, expect, it } from 'vitest';
import { Graph, buildGradientGraph, serializeModel } from '../../../src/core/graph/index.ts';
import { crossEntropy } from '../../../src/core/graph/nn.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import type { LoraConfig } from '../../../src/core/model/lora.ts';
import { packGeneration } from '../../../src/core/model/sequences.ts';
import { declareLora, declareParams, generationLogits, sharedPromptLogits } from '../../../src/core/model/umm.ts';
import { initLora, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { type TensorData, randn, tensor } from '../../../src/core/tensor.ts';
import { nameSeed } from './testModels.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};
const LORA: LoraConfig = { rank: 2, alpha: 4, targets: ['attn.wq', 'attn.wv', 'attn.wo', 'mlp.up', 'mlp.down', 'head_image'] };
// Two prompts of different lengths (padding differs), each drawn three times, interleaved.
const PROMPTS = [[1, 4, 5, 3], [1, 6, 3], [1, 4, 5, 3], [1, 6, 3], [1, 6, 3], [1, 4, 5, 3]];
const CODES = PROMPTS.map((_, i) => [i % 5, (i * 2 + 1) % 5, (i + 3) % 5, 4 - (i % 5)]);

/** Cross-entropy of the codes under one of the two logits functions, with gradients for the adapter. */
function lossGraph(logitsOf: typeof generationLogits): Graph {
  const g = new Graph('loss');
  const len = CFG.maxText + CFG.imageTokens;
  const ids = g.input('ids', 'int32', ['B', len]);
  const positions = g.input('positions', 'int32', ['B', len]);
  const mask = g.input('mask', 'float32', ['B', 1, len, len]);
  const targets = g.input('targets', 'int32', ['B', CFG.imageTokens]);
  const p = { ...declareParams(g, CFG), ...declareLora(g, CFG, LORA) };
  const logits = logitsOf(CFG, p, ids, positions, mask);
  g.output(logits, 'logits');
  g.output(crossEntropy(logits, targets), 'loss');
  return g;
}

describe('sharedPromptLogits', () => {
  it('gives the whole-sequence logits and adapter gradients, each prompt computed once', async () => {
    const base = initWeights(CFG, 6);
    for (const [k, t] of Object.entries(base)) if (!/scale|bias|_b$/.test(k)) base[k] = randn('float32', t.dims, nameSeed(k, 19), 0.4);
    const lora = initLora(CFG, LORA, 3);
    for (const k of Object.keys(lora)) if (k.endsWith('.B')) lora[k] = randn('float32', lora[k].dims, k.length * 5, 0.3);
    const b = packGeneration(CFG, PROMPTS, CODES);
    const feeds = { ids: b.ids, positions: b.positions, mask: b.mask, targets: tensor('int32', [PROMPTS.length, CFG.imageTokens], CODES.flat()), ...base, ...lora };
    const names = Object.keys(lora);
    const run = async (f: typeof generationLogits) => (await createNodeSession(serializeModel(buildGradientGraph(lossGraph(f), 'loss', names)))).run(feeds);
    const [whole, shared] = [await run(generationLogits), await run(sharedPromptLogits)];

    const maxDiff = (x: TensorData, y: TensorData) => Math.max(...Array.from(x.data as Float32Array, (v, i) => Math.abs(v - (y.data as Float32Array)[i])));
    expect(shared.logits.dims).toEqual([6, 4, 5]);
    expect(maxDiff(shared.logits, whole.logits)).toBeLessThan(1e-5);
    for (const k of names) {
      const g = `grad.${k}`;
      const scale = Math.max(...Array.from(whole[g].data as Float32Array, Math.abs));
      expect(scale, `${g} is not zero`).toBeGreaterThan(1e-4);
      expect(maxDiff(shared[g], whole[g]) / scale, g).toBeLessThan(1e-5);
    }
  });
});
