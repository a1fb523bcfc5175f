// Pretraining: one Adam step lowers the loss on a fixed batch; batches are a pure function of the
// step; the non-finite guard refuses a poisoned step without touching the weights.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { PRETRAIN_DEFAULTS, freshState, pretrain, pretrainGradientModel } from '../../../src/core/model/pretrain.ts';
import { makePretrainBatcher } from '../../../src/core/model/pretrainData.ts';
import { initWeights } from '../../../src/core/model/weights.ts';
import { ADAM_DEFAULTS, adamStep, initAdamState } from '../../../src/core/optim/adam.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { toNumbers } from '../../../src/core/tensor.ts';
import { decode, parseSpecJsonl } from '../../../src/core/world/index.ts';
import { WORLD_UMM } from './testModels.ts';

const CFG: ModelConfig = WORLD_UMM;
const load = (s: string) => parseSpecJsonl(readFileSync(`public/data/prompts/${s}.jsonl`, 'utf8'), s);
const SETS = { train: load('train'), val: load('val'), test: load('test') };
const MIX = { genBatch: 8, undBatch: 8, promptDropout: 0.1, seed: 0 };

describe('pretraining', () => {
  it('one optimiser step lowers the loss on a fixed batch', async () => {
    const s = await createNodeSession(pretrainGradientModel(CFG));
    const batch = makePretrainBatcher(CFG, SETS, MIX)(0);
    const w = initWeights(CFG, 1);
    const names = Object.keys(w);
    const first = await s.run({ ...batch, ...w });
    const rep = adamStep(w, Object.fromEntries(names.map((k) => [k, first[`grad.${k}`].data as Float32Array])), initAdamState(w), { ...ADAM_DEFAULTS, lr: 1e-3 });
    expect(rep.applied).toBe(true);
    const second = await s.run({ ...batch, ...w });
    expect(second.loss.data[0]).toBeLessThan(first.loss.data[0] as number);
  });

  it('batches are a pure function of (seed, step)', () => {
    const a = makePretrainBatcher(CFG, SETS, MIX);
    const b = makePretrainBatcher(CFG, SETS, MIX);
    expect(toNumbers(a(7).gen_ids)).toEqual(toNumbers(b(7).gen_ids));
    expect(toNumbers(a(7).und_ids)).toEqual(toNumbers(b(7).und_ids));
    expect(toNumbers(a(7).gen_ids)).not.toEqual(toNumbers(a(8).gen_ids));
  });

  it('never shows generation a validation or test prompt', () => {
    const held = new Set([...SETS.val, ...SETS.test].map((s) => s.prompt));
    const batcher = makePretrainBatcher(CFG, SETS, { ...MIX, genBatch: 64, promptDropout: 0 });
    for (let step = 0; step < 20; step++) {
      const ids = batcher(step).gen_ids;
      for (let r = 0; r < 64; r++) {
        const words = Array.from((ids.data as Int32Array).subarray(r * 36, r * 36 + 20)).filter((x) => x > 3);
        expect(held.has(decode(words))).toBe(false);
      }
    }
  });

  it('the non-finite guard refuses a poisoned step and leaves the weights alone', () => {
    const w = initWeights(CFG, 1);
    const before = Float32Array.from(w.tok_emb.data);
    const grads = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, new Float32Array(t.data.length)]));
    grads['h0.mlp.up'][3] = NaN;
    const rep = adamStep(w, grads, initAdamState(w), ADAM_DEFAULTS);
    expect(rep.applied).toBe(false);
    expect(rep.reason).toMatch(/non-finite gradient in h0.mlp.up/);
    expect(Array.from(w.tok_emb.data)).toEqual(Array.from(before));
  });

  it('a run checkpoints and stops when asked, and resumes from the same step', async () => {
    const run = { ...PRETRAIN_DEFAULTS, steps: 4, genBatch: 4, undBatch: 4, logEvery: 1, checkpointEvery: 2 };
    const state = freshState(initWeights(CFG, 2));
    const steps: number[] = [];
    const hooks = {
      createSession: (m: Uint8Array) => createNodeSession(m),
      batch: makePretrainBatcher(CFG, SETS, { ...MIX, genBatch: 4, undBatch: 4 }),
      log: (r: { step: number }) => void steps.push(r.step),
      checkpoint: async () => {},
    };
    await pretrain(CFG, run, state, { ...hooks, stopRequested: () => state.step >= 2 });
    expect(state.step).toBe(2);
    await pretrain(CFG, run, state, hooks);
    expect(steps).toEqual([1, 2, 3, 4]);
  });
});
