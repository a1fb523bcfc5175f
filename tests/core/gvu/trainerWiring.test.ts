// The trainer's wiring, checked against expectations the test computes itself (not with the
// trainer's helpers): what one GvU step feeds its GRPO update. Advantages are normalised within
// each group of G images of one prompt (with prompts per step != G, so a grouping by prompts shows);
// the old log-probs are the rollout policy's; the reference log-probs are the adapter-off model's
// (with an adapter away from zero, so "reference = policy" shows).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GVU_DEFAULTS, type GvuConfig, type GvuState, createGvuSessions, freshGvuState, rollout, trainGvu } from '../../../src/core/gvu/trainer.ts';
import { serializeModel } from '../../../src/core/graph/index.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { packGeneration } from '../../../src/core/model/sequences.ts';
import { buildGenerationLogitsGraph } from '../../../src/core/model/umm.ts';
import { type Weights, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { Feeds, ModelSession } from '../../../src/core/runtime/session.ts';
import { randn } from '../../../src/core/tensor.ts';
import { parseSpecJsonl, promptIds } from '../../../src/core/world/index.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 32, layers: 1, heads: 2, mlpRatio: 2, textVocab: 46, imageVocab: 37,
  imageTokens: 16, patchDim: 432, maxText: 20, maxSeq: 36,
};
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

describe('one GvU step feeds its GRPO update', async () => {
  const base = baseWeights();
  const start = movedState();
  // The step's rollout, drawn by the test with the same seeds and policy as the trainer's step 0.
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
  const grpo = fed[0];
  const n = CFG.imageTokens;
  const b = RUN.promptsPerStep * RUN.groupSize;

  it('runs one update on the 2 prompts x G = 3 rollout', () => {
    expect(fed).toHaveLength(1);
    expect(ro.samples).toHaveLength(b);
    expect(grpo.advantages.dims).toEqual([b]);
  });

  it('normalises advantages within each prompt\'s group of G images', () => {
    const want = expectedAdvantages(Array.from(ro.rewards), RUN.groupSize);
    const got = Array.from(grpo.advantages.data as Float32Array);
    got.forEach((a, i) => expect(a, `advantage ${i}`).toBeCloseTo(want[i], 5));
    // Each group's advantages sum to zero, and they are not all zero (the rewards differ).
    for (let s = 0; s < b; s += RUN.groupSize) expect(Math.abs(got.slice(s, s + RUN.groupSize).reduce((x, y) => x + y, 0))).toBeLessThan(1e-4);
    expect(Math.max(...got.map(Math.abs))).toBeGreaterThan(0.5);
  });

  it('takes the old log-probs from the rollout policy', () => {
    const want = ro.samples.flatMap((x) => Array.from(x.modelLogp));
    expect(Array.from(grpo.old_logp.data as Float32Array)).toEqual(want);
  });

  it('takes the reference log-probs from the adapter-off model, not the policy', async () => {
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
