// sampleImages' settings checks and the meaning of cfgScale 0, on stand-in sessions that return
// flat logits (no ONNX Runtime): what is refused is named, each bound's edge is accepted.
import { describe, expect, it } from 'vitest';
import { NO_FILTER } from '../../../src/core/gvu/sampleToken.ts';
import { type GenerationSessions, type SamplingOptions, sampleImages } from '../../../src/core/gvu/sampling.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import type { Feeds, ModelSession } from '../../../src/core/runtime/session.ts';
import { tensor } from '../../../src/core/tensor.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};
const PROMPTS = [[1, 4, 5, 3], [1, 6, 7, 8, 3]];

/** Stand-in sessions: every step's logits are zeros; `calls` records [session, rows] per run. */
function fakeSessions(withGroup: boolean) {
  const calls: [string, number][] = [];
  const fake = (name: string, run: (f: Feeds) => Record<string, ReturnType<typeof tensor>>): ModelSession => ({
    backend: 'node', inputNames: [], outputNames: [],
    run: async (f) => (calls.push([name, f[name === 'decode' ? 'ids' : 'rows'].dims[0]]), run(f)),
    release: async () => {},
  });
  const logits = (rows: number) => ({ image_logits: tensor('float32', [rows, CFG.imageVocab], new Float32Array(rows * CFG.imageVocab)) });
  const n4 = (n: number) => new Float64Array(n * CFG.imageTokens);
  const sessions: GenerationSessions = {
    prefill: fake('prefill', (f) => logits(f.rows.dims[0])),
    decode: fake('decode', (f) => logits(f.ids.dims[0])),
    ...(withGroup ? {
      group: fake('group', (f) => {
        const n = f.rows.dims[0];
        return { codes: tensor('int32', [n, CFG.imageTokens], new Int32Array(n * CFG.imageTokens)), policy_logp: tensor('float64', [n, CFG.imageTokens], n4(n)), model_logp: tensor('float64', [n, CFG.imageTokens], n4(n)) };
      }),
    } : {}),
  };
  return { sessions, calls };
}

const opts = (o: Partial<SamplingOptions>): SamplingOptions => ({ ...NO_FILTER, groupSize: 1, cfgScale: 1, seeds: [1, 2], ...o });
const sample = (prompts: number[][], o: Partial<SamplingOptions>, withGroup = false) => sampleImages(CFG, {}, fakeSessions(withGroup).sessions, prompts, opts(o));

describe('sampleImages refuses, by name', () => {
  it('a group size that is not a positive integer (0, -1, 1.5)', async () => {
    await expect(sample(PROMPTS, { groupSize: 0, seeds: [] })).rejects.toThrow('groupSize must be a positive integer, got 0');
    await expect(sample(PROMPTS, { groupSize: -1, seeds: [] })).rejects.toThrow('groupSize must be a positive integer, got -1');
    await expect(sample(PROMPTS, { groupSize: 1.5, seeds: [1, 2, 3] })).rejects.toThrow('groupSize must be a positive integer, got 1.5');
  });

  it('no prompts at all', async () => {
    await expect(sample([], { seeds: [] })).rejects.toThrow('sampling needs at least one prompt');
  });

  it('a cfgScale that is not finite (before asking for an unconditional prompt)', async () => {
    await expect(sample(PROMPTS, { cfgScale: NaN })).rejects.toThrow('cfgScale must be finite, got NaN');
    await expect(sample(PROMPTS, { cfgScale: Infinity, uncondPrompt: [1, 3] })).rejects.toThrow('cfgScale must be finite, got Infinity');
  });

  it('an empty prompt, and token ids outside [0, textVocab) wherever they sit (first token included)', async () => {
    await expect(sample([[1, 3], []], {})).rejects.toThrow('prompt 1 has 0 tokens; the model takes 1 to 5');
    await expect(sample([[12, 3]], { seeds: [1] })).rejects.toThrow('prompt 0: token 0 is 12, outside the text vocabulary [0, 10)');
    await expect(sample([[1, -1, 3]], { seeds: [1] })).rejects.toThrow('prompt 0: token 1 is -1, outside the text vocabulary [0, 10)');
    await expect(sample([[1, 3, 10]], { seeds: [1] })).rejects.toThrow('prompt 0: token 2 is 10, outside the text vocabulary [0, 10)');
    await expect(sample([[1, 2.5, 3]], { seeds: [1] })).rejects.toThrow('prompt 0: token 1 is 2.5, outside the text vocabulary [0, 10)');
  });

  it('but accepts the vocabulary\'s edges, token 0 and token textVocab - 1', async () => {
    const imgs = await sample([[0, 9, 0]], { seeds: [7] });
    expect(imgs.map((im) => [im.prompt, im.member, im.seed, im.codes.length])).toEqual([[0, 0, 7, 4]]);
  });
});

describe('cfgScale 0 means no guidance, like 1', () => {
  it('needs no unconditional prompt, adds no unconditional rows, and may take the one-call path', async () => {
    expect(await sample(PROMPTS, { cfgScale: 0 })).toHaveLength(2);
    for (const scale of [0, 1]) {
      const steps = fakeSessions(false);
      await sampleImages(CFG, {}, steps.sessions, PROMPTS, opts({ cfgScale: scale, uncondPrompt: [1, 3] }));
      expect(steps.calls, `cfgScale ${scale}`).toEqual([['prefill', 2], ['decode', 2], ['decode', 2], ['decode', 2]]);
      const oneCall = fakeSessions(true);
      await sampleImages(CFG, {}, oneCall.sessions, PROMPTS, opts({ cfgScale: scale, uncondPrompt: [1, 3] }));
      expect(oneCall.calls, `cfgScale ${scale}`).toEqual([['group', 2]]);
    }
    // A real scale doubles the rows (the unconditional ones) and keeps to the step path.
    const guided = fakeSessions(true);
    await sampleImages(CFG, {}, guided.sessions, PROMPTS, opts({ cfgScale: 2, uncondPrompt: [1, 3] }));
    expect(guided.calls).toEqual([['prefill', 4], ['decode', 4], ['decode', 4], ['decode', 4]]);
  });
});
