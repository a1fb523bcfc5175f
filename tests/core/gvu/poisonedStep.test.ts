// A training step whose loss or gradients come back non-finite (a flaky backend, an overflow) is
// skipped and reported, and never reaches the adapter: the adapter after the poisoned step is
// bit-identical to the one before it. The fault is injected where a backend would produce it, in
// the results of the real GRPO session (onnxruntime-node), through the trainer's session factory.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GVU_DEFAULTS, type GvuConfig, type GvuLogRow, freshGvuState, trainGvu } from '../../../src/core/gvu/trainer.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { ModelSession, Results, SessionOptions } from '../../../src/core/runtime/session.ts';
import { parseSpecJsonl } from '../../../src/core/world/index.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 32, layers: 1, heads: 2, mlpRatio: 2, textVocab: 46, imageVocab: 37,
  imageTokens: 16, patchDim: 432, maxText: 20, maxSeq: 36,
};
const TRAIN = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl').slice(0, 4);
const RUN: GvuConfig = {
  ...GVU_DEFAULTS, steps: 3, promptsPerStep: 2, groupSize: 2, innerUpdates: 1, lr: 3e-3, evalEvery: 0, checkpointEvery: 100, seed: 3,
  loraTargets: 'attn.wq,head_image',
};
const GRAD = 'grad.lora.h0.attn.wq.A';

/** The GRPO session (the one with a loss output), its `poisonCall`-th run's results edited. */
function poisoning(poisonCall: number, poison: (out: Results) => void) {
  return async (model: Uint8Array, options?: SessionOptions): Promise<ModelSession> => {
    const s = await createNodeSession(model, options);
    if (!s.outputNames.includes('loss')) return s;
    let calls = 0;
    return {
      ...s,
      run: async (feeds, outputs) => {
        const out = await s.run(feeds, outputs);
        if (++calls === poisonCall) poison(out);
        return out;
      },
      release: () => s.release(),
    };
  };
}

const setValue = (out: Results, name: string, i: number, v: number) => {
  const data = Float32Array.from(out[name].data as Float32Array);
  data[i] = v;
  out[name] = { ...out[name], data };
};

const bits = (w: Record<string, { data: Float32Array }>) => Object.fromEntries(Object.entries(w).map(([k, t]) => [k, Array.from(new Uint32Array(Float32Array.from(t.data).buffer))]));

describe('a poisoned training step', () => {
  const cases: [string, (out: Results) => void, string][] = [
    ['NaN in one gradient', (o) => setValue(o, GRAD, 5, NaN), 'update 1 of step 2: non-finite gradient in lora.h0.attn.wq.A'],
    ['-Infinity in one gradient', (o) => setValue(o, GRAD, 0, -Infinity), 'update 1 of step 2: non-finite gradient in lora.h0.attn.wq.A'],
    ['a NaN loss with finite gradients', (o) => setValue(o, 'loss', 0, NaN), 'update 1 of step 2: non-finite loss (NaN)'],
    ['an infinite loss with finite gradients', (o) => setValue(o, 'loss', 0, Infinity), 'update 1 of step 2: non-finite loss (Infinity)'],
  ];
  it.each(cases)('%s: skipped, reported, and the adapter keeps the previous step\'s weights', async (_, poison, reason) => {
    const base = initWeights(CFG, 5);
    const state = freshGvuState(CFG, RUN);
    const rows: GvuLogRow[] = [];
    const after: ReturnType<typeof bits>[] = [];
    await trainGvu(CFG, base, RUN, state, TRAIN, {
      createSession: poisoning(2, poison),
      log: (r) => {
        rows.push(r);
        after.push(bits(state.lora));
      },
      checkpoint: async () => {},
    });
    expect(rows.map((r) => r.skipped)).toEqual([0, 1, 1]);
    expect(rows.map((r) => r.skipReason)).toEqual([undefined, reason, undefined]);
    expect(after[1]).toEqual(after[0]); // the poisoned step wrote nothing
    expect(after[2]).not.toEqual(after[1]); // the next step trained again
    expect(state.adam.step).toBe(2);
    for (const [k, t] of Object.entries(state.lora)) expect(t.data.every(Number.isFinite), k).toBe(true);
  });
});
