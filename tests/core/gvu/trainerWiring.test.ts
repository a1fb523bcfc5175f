// The trainer's wiring, checked against expectations the test computes itself (not with the
// trainer's helpers): what one GvU step feeds its GRPO update. Advantages are normalised within
// each group of G images of one prompt (with prompts per step != G, so a grouping by prompts shows);
// the old log-probs are the rollout policy's; the reference log-probs are the adapter-off model's
// (with an adapter away from zero, so "reference = policy" shows). Then what a rollout draws and
// rewards under each setting, what a run logs, evaluates, checkpoints and releases, and how it stops
// when cancelled: each test runs its own one- or two-step run, so Stryker's fast set (which leaves
// out trainer.test.ts) sees each mutant in the test that asserts on it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/core/errors.ts';
import { sampleAndJudge, scoreSamples } from '../../../src/core/eval/generationScore.ts';
import { judge } from '../../../src/core/eval/judge.ts';
import { scoreImages } from '../../../src/core/gvu/scoreImages.ts';
import {
  GVU_DEFAULTS, type GvuConfig, type GvuHooks, type GvuLogRow, type GvuState, createGvuSessions, freshGvuState, loraOf, pickPrompts, rollout, trainGvu, validationScore,
} from '../../../src/core/gvu/trainer.ts';
import { serializeModel } from '../../../src/core/graph/index.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { packGeneration } from '../../../src/core/model/sequences.ts';
import { buildGenerationLogitsGraph, buildUnderstandingScoreGraph } from '../../../src/core/model/umm.ts';
import { type Weights, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { Feeds, ModelSession } from '../../../src/core/runtime/session.ts';
import { mulberry32, randn } from '../../../src/core/tensor.ts';
import { parseSpecJsonl, promptIds } from '../../../src/core/world/index.ts';
import { WORLD_UMM } from '../model/testModels.ts';

const CFG: ModelConfig = WORLD_UMM;
const TRAIN = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl').slice(0, 4);
const RUN: GvuConfig = { ...GVU_DEFAULTS, steps: 1, promptsPerStep: 2, groupSize: 3, innerUpdates: 1, lr: 1e-3, evalEvery: 0, checkpointEvery: 100, seed: 11 };

function baseWeights(): Weights {
  const w = initWeights(CFG, 5);
  for (const [k, t] of Object.entries(w)) if (!/scale|bias|_b$/.test(k)) w[k] = randn('float32', t.dims, k.length * 31 + 1, 0.2);
  return w;
}

/** A fresh adapter moved off zero (B random): the policy is not the base model. */
function movedState(): GvuState {
  const s = freshGvuState(CFG, RUN);
  for (const [k, t] of Object.entries(s.lora)) if (k.endsWith('.B')) s.lora[k] = randn('float32', t.dims, k.length * 7 + 3, 0.3);
  return s;
}

/** Wrap a session so every run's feeds are kept. */
function recording(s: ModelSession, into: Feeds[]): ModelSession {
  return {
    backend: s.backend, inputNames: s.inputNames, outputNames: s.outputNames,
    run: (feeds, outputs) => {
      into.push(feeds);
      return s.run(feeds, outputs);
    },
    release: () => s.release(),
  };
}

/** Population-std normalisation within consecutive groups of g, eps 1e-4 (the paper's GRPO). */
function expectedAdvantages(rewards: readonly number[], g: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < rewards.length; s += g) {
    const grp = rewards.slice(s, s + g);
    const mean = grp.reduce((a, b) => a + b, 0) / g;
    const std = Math.sqrt(grp.reduce((a, b) => a + (b - mean) ** 2, 0) / g);
    out.push(...grp.map((r) => (r - mean) / (std + 1e-4)));
  }
  return out;
}

/**
 * One training step of RUN from the moved adapter, with its rollout drawn by the test with the same
 * seeds and policy as the trainer's step 0 and the GRPO feeds recorded. Run inside each test, not
 * in the describe body: Stryker attributes coverage per test and switches a mutant on in a hook,
 * so work done while the file is collected neither counts for a test nor meets the mutant.
 */
async function firstStep() {
  const base = baseWeights();
  const start = movedState();
  const ro = await rollout(CFG, base, RUN, await createGvuSessions(CFG, RUN, (m) => createNodeSession(m)), structuredClone(start), TRAIN);
  const fed: Feeds[] = [];
  await trainGvu(CFG, base, RUN, structuredClone(start), TRAIN, {
    createSession: async (m, o) => {
      const s = await createNodeSession(m, o);
      return s.inputNames.includes('advantages') ? recording(s, fed) : s;
    },
    log: () => {},
    checkpoint: async () => {},
  });
  return { base, ro, fed, grpo: fed[0] };
}

describe('one GvU step feeds its GRPO update', () => {
  const n = CFG.imageTokens;
  const b = RUN.promptsPerStep * RUN.groupSize;

  it('runs one update on the 2 prompts x G = 3 rollout', async () => {
    const { ro, fed, grpo } = await firstStep();
    expect(fed).toHaveLength(1);
    expect(ro.samples).toHaveLength(b);
    expect(grpo.advantages.dims).toEqual([b]);
  });

  it('normalises advantages within each prompt\'s group of G images', async () => {
    const { ro, grpo } = await firstStep();
    const want = expectedAdvantages(Array.from(ro.rewards), RUN.groupSize);
    const got = Array.from(grpo.advantages.data as Float32Array);
    got.forEach((a, i) => expect(a, `advantage ${i}`).toBeCloseTo(want[i], 5));
    // Each group's advantages sum to zero, and they are not all zero (the rewards differ).
    for (let s = 0; s < b; s += RUN.groupSize) expect(Math.abs(got.slice(s, s + RUN.groupSize).reduce((x, y) => x + y, 0))).toBeLessThan(1e-4);
    expect(Math.max(...got.map(Math.abs))).toBeGreaterThan(0.5);
  });

  it('takes the old log-probs from the rollout policy', async () => {
    const { ro, grpo } = await firstStep();
    const want = ro.samples.flatMap((x) => Array.from(x.modelLogp));
    expect(Array.from(grpo.old_logp.data as Float32Array)).toEqual(want);
  });

  it('takes the reference log-probs from the adapter-off model, not the policy', async () => {
    const { base, ro, grpo } = await firstStep();
    const ref = await createNodeSession(serializeModel(buildGenerationLogitsGraph(CFG)));
    const seq = packGeneration(CFG, ro.samples.map((x) => promptIds(ro.specs[x.prompt].prompt)), ro.samples.map((x) => Array.from(x.codes)));
    const logits = (await ref.run({ ids: seq.ids, positions: seq.positions, mask: seq.mask, ...base })).image_logits.data as Float32Array;
    await ref.release();
    const vi = CFG.imageVocab;
    const want: number[] = [];
    ro.samples.forEach((x, r) => {
      for (let t = 0; t < n; t++) {
        const row = Array.from(logits.subarray((r * n + t) * vi, (r * n + t + 1) * vi));
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
        want.push(row[x.codes[t]] - lse);
      }
    });
    const got = Array.from(grpo.ref_logp.data as Float32Array);
    got.forEach((v, i) => expect(v, `ref logp ${i}`).toBeCloseTo(want[i], 4));
    // With the adapter away from zero the policy's log-probs are elsewhere: the KL has something to measure.
    const old = Array.from(grpo.old_logp.data as Float32Array);
    expect(Math.max(...old.map((v, i) => Math.abs(v - got[i])))).toBeGreaterThan(0.05);
  });
});

const TRAIN12 = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl').slice(0, 12);
const SMALL: GvuConfig = { ...RUN, promptsPerStep: 1, groupSize: 2 };

/** The test's own understanding scorer (adapter inputs only with `lora`), released after use. */
async function ownRewards(weights: Weights, withLora: boolean, ro: { images: Uint8Array[]; samples: { prompt: number }[]; specs: { prompt: string }[] }, options: object) {
  const scorer = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(CFG, withLora ? { lora: loraOf(RUN) } : {})));
  const items = ro.samples.map((x, i) => ({ image: ro.images[i], prompt: ro.specs[x.prompt].prompt }));
  const out = await scoreImages(CFG, weights, scorer, items, options);
  await scorer.release();
  return out;
}

/** A rollout with sessions built as the trainer builds them (base weights frozen in). */
async function rolloutOf(run: GvuConfig, state: GvuState, train = TRAIN, base = baseWeights()) {
  const s = await createGvuSessions(CFG, run, (m, o) => createNodeSession(m, o), base);
  try {
    return await rollout(CFG, base, run, s, state, train);
  } finally {
    await Promise.all(Object.values(s).filter((x): x is ModelSession => typeof (x as ModelSession).release === 'function').map((x) => x.release()));
  }
}

describe('a rollout draws and rewards what the settings say', () => {
  it('seeds image m of prompt p with seed*7919 + step*4099 + p*G + m, and picks prompts from the (seed, step) stream', async () => {
    const run = { ...RUN, seed: 11 };
    const state = { ...freshGvuState(CFG, run), step: 5 };
    const ro = await rolloutOf(run, state, TRAIN12);
    // 11*7919 + 5*4099 = 107604; G = 3
    expect(ro.samples.map((x) => x.seed)).toEqual([107604, 107605, 107606, 107607, 107608, 107609]);
    expect(ro.samples.map((x) => [x.prompt, x.member])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    const want = pickPrompts(mulberry32(Math.imul(11, 0x9e3779b1) ^ Math.imul(5, 0x85ebca77)), TRAIN12, 2, 'uniform');
    expect(ro.specs).toEqual(want);
  });

  it('judge-as-reward gives 1 for a strict pass, 0.5 for a pass, 0 for a failure', async () => {
    const run: GvuConfig = { ...RUN, reward: 'judge' };
    const ro = await rolloutOf(run, freshGvuState(CFG, run));
    const want = ro.samples.map((x, i) => {
      const v = judge(ro.images[i], ro.specs[x.prompt]);
      return v.strictPass ? 1 : v.pass ? 0.5 : 0;
    });
    expect(Array.from(ro.rewards)).toEqual(want);
  });

  it('the intrinsic reward is the frozen base model\'s score, with the run\'s variant and EOS setting', async () => {
    const base = baseWeights();
    const run: GvuConfig = { ...RUN, rewardVariant: 'min_p', includeEos: true };
    const ro = await rolloutOf(run, movedState(), TRAIN, base);
    const want = (await ownRewards(base, false, ro, { variant: 'min_p', includeEos: true })).map((r) => r.reward);
    Array.from(ro.rewards).forEach((r, i) => expect(r / want[i], `reward ${i} / expected`).toBeCloseTo(1, 4));
    // the default variant would give other rewards: the setting reached the scorer
    const geomean = (await ownRewards(base, false, ro, {})).map((r) => r.reward);
    expect(Math.max(...geomean.map((g, i) => Math.abs(g - want[i])))).toBeGreaterThan(1e-3);
  });

  it('a policy teacher scores with the adapter on, not the base model', async () => {
    const base = baseWeights();
    const lora = movedState().lora;
    const run: GvuConfig = { ...RUN, teacher: 'policy' };
    const ro = await rolloutOf(run, { ...freshGvuState(CFG, run), lora }, TRAIN, base);
    const want = (await ownRewards({ ...base, ...lora }, true, ro, {})).map((r) => r.reward);
    const frozen = (await ownRewards(base, false, ro, {})).map((r) => r.reward);
    Array.from(ro.rewards).forEach((r, i) => expect(r / want[i], `reward ${i} / expected`).toBeCloseTo(1, 4));
    expect(Math.max(...frozen.map((f, i) => Math.abs(f - want[i])))).toBeGreaterThan(1e-3);
  });

  it('the sequence reward is the product of the counted prompt words\' probabilities', async () => {
    const base = baseWeights();
    const run: GvuConfig = { ...RUN, rewardVariant: 'sequence' };
    const ro = await rolloutOf(run, freshGvuState(CFG, run), TRAIN, base);
    const scored = await ownRewards(base, false, ro, { variant: 'geomean', includeEos: false });
    const want = scored.map((r) => {
      let logp = 0;
      for (const t of r.tokens) if (t.counted) logp += t.logp;
      return Math.exp(logp);
    });
    // about 1e-10: compared on the log scale
    Array.from(ro.rewards).forEach((r, i) => expect(Math.log(r), `log reward ${i}`).toBeCloseTo(Math.log(want[i]), 4));
    // a product of several p_j < 1: below the geometric mean, and below the uncounted-tokens product
    scored.forEach((r, i) => expect(ro.rewards[i]).toBeLessThan(r.reward));
  });
});

describe('validation during a GvU run', () => {
  it('samples the policy (base + adapter) with evalGroupSize images per prompt on seed set 1000, and stops when its signal has fired', async () => {
    const base = baseWeights();
    const state = movedState();
    const run: GvuConfig = { ...RUN, evalGroupSize: 2 };
    const val = TRAIN.slice(0, 2);
    const s = await createGvuSessions(CFG, run, (m, o) => createNodeSession(m, o), base);
    try {
      const got = await validationScore(CFG, base, run, state, s, val);
      const want = scoreSamples(await sampleAndJudge(CFG, { ...base, ...state.lora }, s, val, { ...run, groupSize: 2 }, 1000));
      expect(got).toEqual(want);
      await expect(validationScore(CFG, base, run, state, s, val, { aborted: true })).rejects.toThrow(AbortError);
    } finally {
      await Promise.all(Object.values(s).filter((x): x is ModelSession => typeof (x as ModelSession).release === 'function').map((x) => x.release()));
    }
  });
});

interface Trace {
  rows: GvuLogRow[];
  checkpoints: number[];
  evaluations: number[];
  grpoOut: Record<string, number>[];
  created: number;
  released: number;
}

/** trainGvu with every hook recorded: log rows, the step of each checkpoint and evaluation, each GRPO run's scalar outputs, session releases. */
async function traced(run: GvuConfig, state: GvuState, hooks: Partial<GvuHooks> = {}, grpoRun?: (feeds: Feeds) => void) {
  const t: Trace = { rows: [], checkpoints: [], evaluations: [], grpoOut: [], created: 0, released: 0 };
  const result = trainGvu(CFG, baseWeights(), run, state, TRAIN, {
    createSession: async (m, o) => {
      const s = await createNodeSession(m, o);
      t.created++;
      const grpo = s.inputNames.includes('advantages');
      return {
        backend: s.backend, inputNames: s.inputNames, outputNames: s.outputNames,
        run: async (feeds, outputs) => {
          if (grpo) grpoRun?.(feeds);
          const out = await s.run(feeds, outputs);
          if (grpo) t.grpoOut.push(Object.fromEntries(['loss', 'kl', 'clip_frac', 'ratio_mean'].map((k) => [k, out[k].data[0] as number])));
          return out;
        },
        release: async () => {
          t.released++;
          await s.release();
        },
      } satisfies ModelSession;
    },
    log: (r) => void t.rows.push(r),
    checkpoint: async (s) => void t.checkpoints.push(s.step),
    evaluate: async (s) => void t.evaluations.push(s.step),
    ...hooks,
  });
  return { t, result };
}

describe('a GvU training run', () => {
  it('logs the loss, KL, clipping and ratio of the last inner update, not the first', async () => {
    const run: GvuConfig = { ...SMALL, innerUpdates: 2, lr: 0.01, clipEps: 0.01 };
    const { t, result } = await traced(run, movedState());
    await result;
    expect(t.grpoOut).toHaveLength(2);
    const [first, last] = t.grpoOut;
    expect(first.ratio_mean).toBeCloseTo(1, 6); // pi = pi_old at the first update
    expect(last.ratio_mean).not.toBeCloseTo(1, 4);
    const row = t.rows[0];
    expect([row.loss, row.kl, row.clipFrac, row.ratioMean]).toEqual([last.loss, last.kl, last.clip_frac, last.ratio_mean]);
    expect(Number.isFinite(row.gradNorm)).toBe(true);
  });

  it('logs its rollout\'s reward mean and population std, judge pass rates, within-group reward/judge agreement and the step\'s wall time', async () => {
    // P = 3, G = 2, seed 1: groups pass [F, T], [T, T], [T, F], so two groups carry a (pass, fail) pair.
    const run: GvuConfig = { ...RUN, promptsPerStep: 3, groupSize: 2, seed: 1 };
    const ro = await rolloutOf(run, freshGvuState(CFG, run));
    const { t, result } = await traced(run, freshGvuState(CFG, run));
    const t0 = performance.now();
    await result;
    const wall = (performance.now() - t0) / 1000;
    const r = Array.from(ro.rewards);
    const mean = (r[0] + r[1] + r[2] + r[3] + r[4] + r[5]) / 6;
    const std = Math.sqrt(r.reduce((a, x) => a + (x - mean) * (x - mean), 0) / 6);
    const verdicts = ro.samples.map((x, i) => judge(ro.images[i], ro.specs[x.prompt]));
    // AUC within each prompt's pair of images (i, i+1): a pass above a fail wins, a tie counts half.
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < 6; i += 2) {
      const [a, b] = [verdicts[i].pass, verdicts[i + 1].pass];
      if (a === b) continue;
      const [win, lose] = a ? [r[i], r[i + 1]] : [r[i + 1], r[i]];
      wins += win > lose ? 1 : win === lose ? 0.5 : 0;
      pairs++;
    }
    expect(pairs).toBe(2);
    const row = t.rows[0];
    expect(row.step).toBe(1);
    expect(row.rewardMean).toBeCloseTo(mean, 10);
    expect(row.rewardStd).toBeCloseTo(std, 10);
    expect(std).toBeGreaterThan(1e-4);
    expect(row.judgePass).toBe(verdicts.filter((v) => v.pass).length / 6);
    expect(row.judgeStrict).toBe(verdicts.filter((v) => v.strictPass).length / 6);
    expect(row.judgePass).toBeLessThan(1);
    expect(row.rolloutAuc).toBe(wins / pairs);
    expect(row.seconds).toBeGreaterThan(0);
    expect(row.seconds).toBeLessThanOrEqual(wall);
  });

  it('evaluates before the first step and every evalEvery steps, logs every logEvery, checkpoints every checkpointEvery and at the end', async () => {
    const run: GvuConfig = { ...SMALL, steps: 2, evalEvery: 2, logEvery: 2, checkpointEvery: 2 };
    const { t, result } = await traced(run, freshGvuState(CFG, run));
    expect((await result).step).toBe(2);
    expect(t.evaluations).toEqual([0, 2]);
    expect(t.rows.map((r) => r.step)).toEqual([2]);
    expect(t.checkpoints).toEqual([2, 2]);
  });

  it('checkpoints after each step with checkpointEvery 1', async () => {
    const run: GvuConfig = { ...SMALL, steps: 2, checkpointEvery: 1 };
    const { t, result } = await traced(run, freshGvuState(CFG, run));
    await result;
    expect(t.checkpoints).toEqual([1, 2, 2]);
    expect(t.rows.map((r) => r.step)).toEqual([1, 2]);
  });

  it('a resumed run skips the baseline evaluation; evalEvery 0 never evaluates', async () => {
    const run: GvuConfig = { ...SMALL, steps: 2, evalEvery: 2 };
    const resumed = await traced(run, { ...freshGvuState(CFG, run), step: 1 });
    await resumed.result;
    expect(resumed.t.evaluations).toEqual([2]);
    const never = await traced({ ...SMALL, evalEvery: 0 }, freshGvuState(CFG, SMALL));
    await never.result;
    expect(never.t.evaluations).toEqual([]);
  });

  it('releases every session it built', async () => {
    const { t, result } = await traced(SMALL, freshGvuState(CFG, SMALL));
    await result;
    expect(t.created).toBeGreaterThanOrEqual(5); // prefill, decode, scorer, reference, GRPO at least
    expect(t.released).toBe(t.created);
  });
});

describe('cancelling a GvU run', () => {
  it('a signal fired during a step\'s rollout drops that step, checkpoints the last whole one and returns', async () => {
    const run: GvuConfig = { ...SMALL, steps: 3 };
    const rows: GvuLogRow[] = [];
    const signal = { get aborted() { return rows.length >= 1; } };
    const { t, result } = await traced(run, freshGvuState(CFG, run), { signal, log: (r) => void rows.push(r) });
    const state = await result;
    expect(state.step).toBe(1);
    expect(rows.map((r) => r.step)).toEqual([1]);
    expect(t.checkpoints).toEqual([1]);
    expect(t.released).toBe(t.created);
  });

  it('an error other than its own cancellation propagates, and the sessions are still released', async () => {
    let fired = false;
    const signal = { get aborted() { return fired; } };
    const plain = await traced(SMALL, freshGvuState(CFG, SMALL), { signal }, () => {
      fired = true;
      throw new Error('grpo broke');
    });
    await expect(plain.result).rejects.toThrow('grpo broke');
    expect(plain.t.checkpoints).toEqual([]);
    expect(plain.t.released).toBe(plain.t.created);
    // an AbortError without the run's signal fired is not a cancellation of this run
    const stray = await traced(SMALL, freshGvuState(CFG, SMALL), {}, () => {
      throw new AbortError('someone else\'s job');
    });
    await expect(stray.result).rejects.toThrow(AbortError);
    expect(stray.t.checkpoints).toEqual([]);
  });
});
