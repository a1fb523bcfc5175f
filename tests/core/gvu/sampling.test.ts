// Group sampling on a tiny random UMM (onnxruntime-node): the KV-cache loop against teacher-forced
// logits, seeds naming images independently of the batch, guidance, progress and cancellation.
import { beforeAll, describe, expect, it } from 'vitest';
import { logSoftmax, NO_FILTER } from '../../../src/core/gvu/sampleToken.ts';
import { type GenerationSessions, type SampledImage, type SamplingOptions, generationStepModels, sampleImages } from '../../../src/core/gvu/sampling.ts';
import { serializeModel } from '../../../src/core/graph/index.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { packGeneration } from '../../../src/core/model/sequences.ts';
import { buildGenerationLogitsGraph } from '../../../src/core/model/umm.ts';
import { type Weights, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { ModelSession } from '../../../src/core/runtime/session.ts';
import { randn } from '../../../src/core/tensor.ts';
import { nameSeed } from '../model/testModels.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};
const PROMPTS = [[1, 4, 5, 3], [1, 6, 7, 8, 3]];
const UNCOND = [1, 3];

let W: Weights;
let sessions: GenerationSessions;
let full: ModelSession;
const rowsSeen: number[] = []; // image rows of every prefill/decode run (prefill: its `rows` input; each distinct prompt is computed once)

beforeAll(async () => {
  W = initWeights(CFG, 3);
  for (const [k, t] of Object.entries(W)) if (!/scale|bias|_b$/.test(k)) W[k] = randn('float32', t.dims, nameSeed(k, 13), 0.3);
  const m = generationStepModels(CFG);
  const spy = (s: ModelSession): ModelSession => ({ ...s, run: (f, o) => (rowsSeen.push((f.rows ?? f.ids).dims[0]), s.run(f, o)) });
  sessions = { prefill: spy(await createNodeSession(m.prefill)), decode: spy(await createNodeSession(m.decode)) };
  full = await createNodeSession(serializeModel(buildGenerationLogitsGraph(CFG)));
});

const opts = (o: Partial<SamplingOptions> & { seeds: number[] }): SamplingOptions => ({ ...NO_FILTER, groupSize: 1, cfgScale: 1, ...o });

/** Teacher-forced image logits [N][Vi] for each (prompt, codes) pair. */
async function teacherForced(prompts: readonly (readonly number[])[], codes: readonly Int32Array[]): Promise<Float32Array[][]> {
  const b = packGeneration(CFG, prompts, codes.map((c) => Array.from(c)));
  const out = (await full.run({ ids: b.ids, positions: b.positions, mask: b.mask, ...W })).image_logits.data as Float32Array;
  const [n, v] = [CFG.imageTokens, CFG.imageVocab];
  return codes.map((_, i) => Array.from({ length: n }, (_, s) => out.subarray((i * n + s) * v, (i * n + s + 1) * v)));
}

const promptsOf = (imgs: SampledImage[], prompts: number[][]) => imgs.map((im) => prompts[im.prompt]);

describe('sampleImages', () => {
  it('returns G images per prompt, prompt-major, with model log-probs equal to the teacher-forced ones', async () => {
    const imgs = await sampleImages(CFG, W, sessions, PROMPTS, opts({ groupSize: 2, seeds: [11, 12, 13, 14] }));
    expect(imgs.map((im) => [im.prompt, im.member, im.seed])).toEqual([[0, 0, 11], [0, 1, 12], [1, 0, 13], [1, 1, 14]]);
    const tf = await teacherForced(promptsOf(imgs, PROMPTS), imgs.map((im) => im.codes));
    imgs.forEach((im, i) => {
      expect(im.codes.length).toBe(CFG.imageTokens);
      im.codes.forEach((c, s) => {
        expect(c >= 0 && c < CFG.imageVocab).toBe(true);
        expect(im.modelLogp[s]).toBeCloseTo(logSoftmax(tf[i][s])[c], 5);
      });
      expect(Array.from(im.policyLogp)).toEqual(Array.from(im.modelLogp)); // T = 1, no filter: the policy is the model
    });
  });

  it('a seed names an image: same seed, same codes whatever the batch; different seeds differ', async () => {
    const a = await sampleImages(CFG, W, sessions, PROMPTS, opts({ groupSize: 3, seeds: [1, 2, 3, 4, 5, 6], minP: 0.03 }));
    const again = await sampleImages(CFG, W, sessions, PROMPTS, opts({ groupSize: 3, seeds: [1, 2, 3, 4, 5, 6], minP: 0.03 }));
    const alone = await sampleImages(CFG, W, sessions, [PROMPTS[1]], opts({ seeds: [5], minP: 0.03 }));
    expect(again.map((im) => Array.from(im.codes))).toEqual(a.map((im) => Array.from(im.codes)));
    expect(Array.from(alone[0].codes)).toEqual(Array.from(a[4].codes));
    expect(alone[0].policyLogp[3]).toBeCloseTo(a[4].policyLogp[3], 5);
    const group0 = a.slice(0, 3).map((im) => im.codes.join(','));
    expect(new Set(group0).size).toBeGreaterThan(1);
  });

  it('temperature 0 is greedy and min-p never picks a code below minP * p_max', async () => {
    const greedy = await sampleImages(CFG, W, sessions, PROMPTS, opts({ temperature: 0, seeds: [1, 2] }));
    const tfg = await teacherForced(PROMPTS, greedy.map((im) => im.codes));
    greedy.forEach((im, i) => im.codes.forEach((c, s) => {
      expect(c).toBe(tfg[i][s].indexOf(Math.max(...tfg[i][s])));
      expect(im.policyLogp[s]).toBe(0);
    }));
    const seeds = Array.from({ length: 16 }, (_, i) => 100 + i);
    const filtered = await sampleImages(CFG, W, sessions, PROMPTS, opts({ groupSize: 8, minP: 0.5, seeds }));
    const tf = await teacherForced(promptsOf(filtered, PROMPTS), filtered.map((im) => im.codes));
    filtered.forEach((im, i) => im.codes.forEach((c, s) => {
      const lp = logSoftmax(tf[i][s]);
      expect(lp[c]).toBeGreaterThanOrEqual(Math.log(0.5) + Math.max(...lp) - 1e-6);
      expect(im.policyLogp[s]).toBeGreaterThanOrEqual(im.modelLogp[s] - 1e-6); // mass moves onto survivors
    }));
    expect(filtered.some((im) => im.policyLogp.some((p, s) => p > im.modelLogp[s] + 0.01))).toBe(true); // the filter bit
  });

  it('classifier-free guidance doubles the rows and samples from uncond + s * (cond - uncond)', async () => {
    rowsSeen.length = 0;
    await sampleImages(CFG, W, sessions, PROMPTS, opts({ groupSize: 2, seeds: [1, 2, 3, 4], uncondPrompt: UNCOND }));
    expect(rowsSeen).toEqual([4, 4, 4, 4]); // scale 1: no unconditional rows
    rowsSeen.length = 0;
    const imgs = await sampleImages(CFG, W, sessions, PROMPTS, opts({ groupSize: 2, seeds: [1, 2, 3, 4], cfgScale: 3, uncondPrompt: UNCOND }));
    expect(rowsSeen).toEqual([8, 8, 8, 8]);
    const codes = imgs.map((im) => im.codes);
    const cond = await teacherForced(promptsOf(imgs, PROMPTS), codes);
    const uncond = await teacherForced(imgs.map(() => UNCOND), codes);
    imgs.forEach((im, i) => im.codes.forEach((c, s) => {
      const guided = Array.from(cond[i][s], (x, v) => uncond[i][s][v] + 3 * (x - uncond[i][s][v]));
      expect(im.policyLogp[s]).toBeCloseTo(logSoftmax(guided)[c], 4);
      expect(im.modelLogp[s]).toBeCloseTo(logSoftmax(cond[i][s])[c], 5);
    }));
  });

  it('reports progress per token and stops with an AbortError between steps', async () => {
    const seen: number[][] = [];
    await sampleImages(CFG, W, sessions, PROMPTS, opts({ seeds: [1, 2], onProgress: (d, t) => seen.push([d, t]) }));
    expect(seen).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);

    const ctl = new AbortController();
    rowsSeen.length = 0;
    const run = sampleImages(CFG, W, sessions, PROMPTS, opts({ seeds: [1, 2], signal: ctl.signal, onProgress: (d) => d === 2 && ctl.abort() }));
    await expect(run).rejects.toMatchObject({ name: 'AbortError', message: 'sampling aborted after 2 of 4 image tokens' });
    expect(rowsSeen.length).toBe(2); // prefill + one decode step, then nothing
    rowsSeen.length = 0;
    await expect(sampleImages(CFG, W, sessions, PROMPTS, opts({ seeds: [1, 2], signal: AbortSignal.abort() }))).rejects.toThrow(/after 0 of 4/);
    expect(rowsSeen.length).toBe(0);
  });

  it('names bad settings', async () => {
    await expect(sampleImages(CFG, W, sessions, PROMPTS, opts({ groupSize: 2, seeds: [1, 2, 3] }))).rejects.toThrow('3 seeds for 2 prompts x 2 images (need 4, prompt-major)');
    await expect(sampleImages(CFG, W, sessions, PROMPTS, opts({ seeds: [1, 2], cfgScale: 2 }))).rejects.toThrow(/cfgScale 2 needs an uncondPrompt/);
    await expect(sampleImages(CFG, W, sessions, PROMPTS, opts({ seeds: [1, -2] }))).rejects.toThrow(/seed 1 must be an integer/);
    await expect(sampleImages(CFG, W, sessions, [[1, 2, 3, 4, 5, 3]], opts({ seeds: [1] }))).rejects.toThrow(/prompt 0 has 6 tokens; the model takes 1 to 5/);
    await expect(sampleImages(CFG, W, sessions, [[1, 12, 3]], opts({ seeds: [1] }))).rejects.toMatchObject({ name: 'InputError' });
    // Seeds are 32-bit: 0 and 2^32 - 1 are seeds, 2^32 is not.
    await expect(sampleImages(CFG, W, sessions, PROMPTS, opts({ seeds: [1, 2 ** 32] }))).rejects.toThrow('seed 1 must be an integer in [0, 2^32), got 4294967296');
    expect((await sampleImages(CFG, W, sessions, PROMPTS, opts({ seeds: [0, 2 ** 32 - 1] }))).map((im) => im.seed)).toEqual([0, 2 ** 32 - 1]);
    // Under guidance the unconditional prompt is checked too, and named as such; the prompts still are.
    await expect(sampleImages(CFG, W, sessions, PROMPTS, opts({ seeds: [1, 2], cfgScale: 2, uncondPrompt: [1, 12] }))).rejects.toThrow('uncondPrompt: token 1 is 12, outside the text vocabulary [0, 10)');
    await expect(sampleImages(CFG, W, sessions, [[1, 12, 3]], opts({ seeds: [1], cfgScale: 2, uncondPrompt: UNCOND }))).rejects.toThrow('prompt 0: token 1 is 12, outside the text vocabulary [0, 10)');
  });
});
