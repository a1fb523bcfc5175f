// Generation scored by the judge: G images per prompt, sampled in batches of prompts on a small
// random model with the real vocabulary (onnxruntime-node). What the test pins: which seed names
// which image (written out here, not computed by imageSeed), that the batching never changes an
// image, the default batch of 128 images, and that each image is its codes decoded and judged
// against its own prompt.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GenerationSettings, type JudgedSample, imageSeed, sampleAndJudge, scoreSamples } from '../../../src/core/eval/generationScore.ts';
import { judge } from '../../../src/core/eval/judge.ts';
import { type GenerationSessions, generationStepModels } from '../../../src/core/gvu/sampling.ts';
import { NO_FILTER } from '../../../src/core/gvu/sampleToken.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { type Weights, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { ModelSession } from '../../../src/core/runtime/session.ts';
import { randn } from '../../../src/core/tensor.ts';
import { type Spec, parseSpecJsonl, renderTokens } from '../../../src/core/world/index.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 32, layers: 1, heads: 2, mlpRatio: 2, textVocab: 46, imageVocab: 37,
  imageTokens: 16, patchDim: 432, maxText: 20, maxSeq: 36,
};
const TEST = parseSpecJsonl(readFileSync('public/data/prompts/test.jsonl', 'utf8'), 'test.jsonl');
// A triangle, a circle and a square, a circle and an orange circle: three categories.
const SPECS: Spec[] = [TEST[0], TEST[3], TEST.find((s) => s.tag === 'colors')!];
const SETTINGS: GenerationSettings = { ...NO_FILTER, groupSize: 2, cfgScale: 1 };

let W: Weights;
let sessions: GenerationSessions;
const prefillRows: number[] = []; // image rows of every prefill run (its `rows` input; the distinct prompts are computed once)

beforeAll(async () => {
  W = initWeights(CFG, 2);
  for (const [k, t] of Object.entries(W)) if (!/scale|bias|_b$/.test(k)) W[k] = randn('float32', t.dims, k.length * 11 + 7, 0.3);
  const m = generationStepModels(CFG);
  const prefill = await createNodeSession(m.prefill);
  const counting: ModelSession = { ...prefill, run: (f, o) => (prefillRows.push(f.rows.dims[0]), prefill.run(f, o)) };
  sessions = { prefill: counting, decode: await createNodeSession(m.decode) };
});

const key = (s: JudgedSample) => `${s.promptIndex}/${s.member}/${s.seed}/${s.codes.join(',')}`;

describe('sampleAndJudge', () => {
  it('names image m of prompt p in seed set s by seed s * 1000003 + p * G + m, prompt-major', async () => {
    const out = await sampleAndJudge(CFG, W, sessions, SPECS, SETTINGS, 2, { promptsPerBatch: 2 });
    expect(out.map((s) => [s.promptIndex, s.member, s.seed])).toEqual([
      [0, 0, 2000006], [0, 1, 2000007], [1, 0, 2000008], [1, 1, 2000009], [2, 0, 2000010], [2, 1, 2000011],
    ]);
    out.forEach((s) => expect(s.spec).toBe(SPECS[s.promptIndex]));
    expect(imageSeed(3, 5, 1, 4)).toBe(3000009 + 20 + 1);
  });

  it('batching prompts never changes an image: 1, 2 or all prompts per batch give the same samples', async () => {
    prefillRows.length = 0;
    const one = await sampleAndJudge(CFG, W, sessions, SPECS, SETTINGS, 1, { promptsPerBatch: 1 });
    const two = await sampleAndJudge(CFG, W, sessions, SPECS, SETTINGS, 1, { promptsPerBatch: 2 });
    const all = await sampleAndJudge(CFG, W, sessions, SPECS, SETTINGS, 1, { promptsPerBatch: 3 });
    expect(prefillRows).toEqual([2, 2, 2, 4, 2, 6]); // G = 2 rows per prompt
    expect(two.map(key)).toEqual(one.map(key));
    expect(all.map(key)).toEqual(one.map(key));
    // Different seeds, different images (the model is random, not constant).
    expect(new Set(one.map((s) => s.codes.join(','))).size).toBeGreaterThan(1);
  });

  it('by default batches as many prompts as fit 128 images (G = 43: 2 prompts, then 1)', async () => {
    prefillRows.length = 0;
    const out = await sampleAndJudge(CFG, W, sessions, SPECS, { ...SETTINGS, groupSize: 43 }, 0);
    expect(prefillRows).toEqual([86, 43]);
    expect(out.length).toBe(129);
    expect(out[128]).toMatchObject({ promptIndex: 2, member: 42, seed: 2 * 43 + 42 });
  });

  it('each image is its codes decoded by the renderer and judged against its own prompt', async () => {
    const out = await sampleAndJudge(CFG, W, sessions, SPECS, SETTINGS, 0, { promptsPerBatch: 2 });
    for (const s of out) {
      expect(Array.from(s.image)).toEqual(Array.from(renderTokens(s.codes)));
      const v = judge(s.image, SPECS[s.promptIndex]);
      expect({ pass: s.pass, strict: s.strictPass }).toEqual({ pass: v.pass, strict: v.strictPass });
    }
  });
});

describe('scoreSamples', () => {
  it("scores each sample under its own spec's category", () => {
    const sample = (spec: Spec, pass: boolean, strictPass: boolean) => ({ spec, pass, strictPass }) as JudgedSample;
    const [a, b] = SPECS;
    expect([a.tag, b.tag]).toEqual(['single_object', 'two_object']);
    const s = scoreSamples([sample(a, true, true), sample(a, true, false), sample(a, false, false), sample(b, false, false), sample(b, true, true)]);
    expect(s.byCategory).toEqual({
      single_object: { images: 3, accuracy: 2 / 3, strictAccuracy: 1 / 3 },
      two_object: { images: 2, accuracy: 0.5, strictAccuracy: 0.5 },
    });
    expect(s.overall).toBeCloseTo((2 / 3 + 0.5) / 2, 12);
  });
});
