// The whole group in one call (samplingGraph.ts) against the step-by-step path with the draw in
// JavaScript: the same codes for the same seeds, the same log-probs to float32 storage, under every
// filter the graph takes; and sampleImages choosing the path that reproduces the filter.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/cli/modelFiles.ts';
import { NO_FILTER } from '../../../src/core/gvu/sampleToken.ts';
import {
  GVU_SAMPLING, type GenerationSessions, type SampledImage, type SamplingOptions, generationStepModels, groupSamplingModel,
  groupSamplingOptions, sampleImages, samplesInGraph,
} from '../../../src/core/gvu/sampling.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { LORA_DEFAULTS, type LoraConfig } from '../../../src/core/model/lora.ts';
import { type Weights, initLora, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { ModelSession } from '../../../src/core/runtime/session.ts';
import { randn } from '../../../src/core/tensor.ts';
import { promptIds } from '../../../src/core/world/index.ts';
import { nameSeed } from '../model/testModels.ts';

const SMALL: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};
const LORA: LoraConfig = { rank: 2, alpha: 4, targets: ['attn.wq', 'attn.wv', 'mlp.down', 'head_image'] };

/** Base weights plus an adapter whose B moved off zero (so the adapter acts). */
function policyOf(cfg: ModelConfig, lora: LoraConfig, base: Weights): Weights {
  const w = initLora(cfg, lora, 1);
  for (const k of Object.keys(w)) if (k.endsWith('.B')) w[k] = randn('float32', w[k].dims, k.length * 7, 0.3);
  return { ...base, ...w };
}

async function bothPaths(cfg: ModelConfig, lora: LoraConfig, base: Weights) {
  const m = generationStepModels(cfg, lora, base);
  const steps: GenerationSessions = { prefill: await createNodeSession(m.prefill, { frozen: base }), decode: await createNodeSession(m.decode, { frozen: base }) };
  const group = await createNodeSession(groupSamplingModel(cfg, lora, base), groupSamplingOptions(base));
  return { steps, oneCall: { ...steps, group } as GenerationSessions };
}

const codesOf = (xs: SampledImage[]) => xs.map((x) => Array.from(x.codes));
const maxDiff = (a: SampledImage[], b: SampledImage[], k: 'policyLogp' | 'modelLogp') =>
  Math.max(...a.flatMap((x, i) => Array.from(x[k], (v, j) => Math.abs(v - b[i][k][j]))));

describe('sampling a group in one call', () => {
  it('draws the same codes as the step-by-step path, seed for seed, under min-p, temperature and no filter', async () => {
    const base = initWeights(SMALL, 4);
    for (const [k, t] of Object.entries(base)) if (!/scale|bias|_b$/.test(k)) base[k] = randn('float32', t.dims, nameSeed(k, 17), 0.5);
    const policy = policyOf(SMALL, LORA, base);
    const { steps, oneCall } = await bothPaths(SMALL, LORA, base);
    // Three prompts, the first repeated: rows share its prefill; padding differs per prompt.
    const prompts = [[1, 4, 5, 3], [1, 6, 3], [1, 4, 5, 3]];
    const seeds = Array.from({ length: 12 }, (_, i) => 900 + 37 * i);
    for (const filter of [GVU_SAMPLING, { ...NO_FILTER, temperature: 0.7 }, { ...NO_FILTER, minP: 0.3, temperature: 1.5 }, NO_FILTER]) {
      const opts: SamplingOptions = { ...filter, cfgScale: 1, groupSize: 4, seeds };
      const [a, b] = [await sampleImages(SMALL, policy, steps, prompts, opts), await sampleImages(SMALL, policy, oneCall, prompts, opts)];
      expect(codesOf(b), JSON.stringify(filter)).toEqual(codesOf(a));
      expect(maxDiff(b, a, 'policyLogp')).toBeLessThan(2e-6);
      expect(maxDiff(b, a, 'modelLogp')).toBeLessThan(2e-6);
      expect(b.map((x) => [x.prompt, x.member, x.seed])).toEqual(a.map((x) => [x.prompt, x.member, x.seed]));
    }
    // A random model of five codes under these seeds draws more than one code (the check has teeth).
    expect(new Set(codesOf(await sampleImages(SMALL, policy, oneCall, prompts, { ...NO_FILTER, cfgScale: 1, groupSize: 4, seeds }))
      .flat()).size).toBeGreaterThan(2);
  });

  it('the shipped model with a moved adapter: a GvU group of 8 for two prompts, the same 256 codes', async () => {
    const { cfg, weights: base } = loadModel('public/models/tiny-umm');
    const policy = policyOf(cfg, LORA_DEFAULTS, base);
    const { steps, oneCall } = await bothPaths(cfg, LORA_DEFAULTS, base);
    const prompts = ['a photo of a red circle', 'a blue square above a green triangle'].map((p) => promptIds(p));
    const opts: SamplingOptions = { ...GVU_SAMPLING, groupSize: 8, seeds: Array.from({ length: 16 }, (_, i) => 3000 + i) };
    const [a, b] = [await sampleImages(cfg, policy, steps, prompts, opts), await sampleImages(cfg, policy, oneCall, prompts, opts)];
    expect(codesOf(b)).toEqual(codesOf(a));
    expect(maxDiff(b, a, 'modelLogp')).toBeLessThan(1e-5);
  });
});

describe('sampleImages picks the path', () => {
  const spy = (s: ModelSession, calls: string[], name: string): ModelSession => ({ ...s, run: (f, o) => (calls.push(name), s.run(f, o)) });

  it('one call where the graph reproduces the filter (min-p, temperature > 0); steps for top-k, top-p, greedy and guidance', async () => {
    expect([GVU_SAMPLING, NO_FILTER].map(samplesInGraph)).toEqual([true, true]);
    expect([{ ...NO_FILTER, topK: 3 }, { ...NO_FILTER, topP: 0.9 }, { ...NO_FILTER, temperature: 0 }].map(samplesInGraph)).toEqual([false, false, false]);
    const base = initWeights(SMALL, 4);
    const { oneCall } = await bothPaths(SMALL, LORA, base);
    const calls: string[] = [];
    const s: GenerationSessions = { prefill: spy(oneCall.prefill, calls, 'prefill'), decode: spy(oneCall.decode, calls, 'decode'), group: spy(oneCall.group!, calls, 'group') };
    const policy = policyOf(SMALL, LORA, base);
    const run = (o: Partial<SamplingOptions>) => sampleImages(SMALL, policy, s, [[1, 4, 3]], { ...GVU_SAMPLING, cfgScale: 1, groupSize: 2, seeds: [1, 2], uncondPrompt: [1, 3], ...o });
    const seen: number[][] = [];
    await run({ onProgress: (d, t) => seen.push([d, t]) });
    expect(calls).toEqual(['group']);
    expect(seen).toEqual([[4, 4]]); // one report: the whole image at once
    for (const o of [{ topK: 2 }, { topP: 0.5 }, { temperature: 0 }, { cfgScale: 3 }]) {
      calls.length = 0;
      await run(o);
      expect(calls, JSON.stringify(o)).toEqual(['prefill', 'decode', 'decode', 'decode']);
    }
    calls.length = 0;
    await expect(run({ signal: AbortSignal.abort() })).rejects.toThrow(/sampling aborted after 0 of 4 image tokens/);
    expect(calls).toEqual([]);
  });
});
