// Stopping a GvU run inside a step (pause or cancel from the UI): wherever the signal lands, the
// step in flight is dropped and the state is that of the last whole step, so a resumed run ends
// with the adapter and Adam moments of an uninterrupted one. With sampling one call per group, the
// checks between a step's phases and its updates are where a pause lands.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GVU_DEFAULTS, type GvuConfig, type GvuHooks, type GvuState, freshGvuState, trainGvu } from '../../../src/core/gvu/trainer.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import type { Weights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { ModelSession } from '../../../src/core/runtime/session.ts';
import { parseSpecJsonl } from '../../../src/core/world/index.ts';
import { WORLD_UMM, randomBase } from '../model/testModels.ts';

const CFG: ModelConfig = WORLD_UMM;
const TRAIN = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl').slice(0, 4);
const RUN: GvuConfig = { ...GVU_DEFAULTS, steps: 2, promptsPerStep: 2, groupSize: 2, innerUpdates: 3, lr: 1e-2, evalEvery: 0, checkpointEvery: 100, seed: 5 };

const baseWeights = (): Weights => randomBase(CFG, 9, 0.2);

const bytesOf = (s: GvuState) => [
  s.step, s.adam.step,
  ...Object.values(s.lora).map((t) => Buffer.from((t.data as Float32Array).buffer).toString('base64')),
  ...Object.values(s.adam.m).map((a) => Buffer.from(a.buffer).toString('base64')),
  ...Object.values(s.adam.v).map((a) => Buffer.from(a.buffer).toString('base64')),
];

/** Hooks whose signal aborts once the `when`-th call of the session named by `which` returns. */
function stoppingHooks(which: 'grpo' | 'group' | 'scorer', when: number) {
  const ctl = new AbortController();
  let calls = 0;
  const isIt = (s: ModelSession) =>
    which === 'grpo' ? s.inputNames.includes('old_logp') : which === 'group' ? s.inputNames.includes('uniforms') : s.inputNames.includes('pixels');
  const hooks: GvuHooks = {
    createSession: async (m, o) => {
      const s = await createNodeSession(m, o);
      if (!isIt(s)) return s;
      return { ...s, run: async (f, out) => { const r = await s.run(f, out); if (++calls === when) ctl.abort(); return r; } };
    },
    log: () => {},
    checkpoint: async () => {},
    stopRequested: () => ctl.signal.aborted,
    signal: ctl.signal,
  };
  return hooks;
}

describe('stopping inside a GvU step', () => {
  it('drops the step in flight wherever the signal lands, and a resumed run ends as an uninterrupted one', async () => {
    const base = baseWeights();
    const plain: GvuHooks = { createSession: (m, o) => createNodeSession(m, o), log: () => {}, checkpoint: async () => {} };
    const straight = await trainGvu(CFG, base, RUN, freshGvuState(CFG, RUN), TRAIN, plain);
    expect(straight.step).toBe(2);
    const afterOne = await trainGvu(CFG, base, { ...RUN, steps: 1 }, freshGvuState(CFG, RUN), TRAIN, plain);

    // Step 2 stopped after its sampling call, after its scoring, and between its updates (after 1 and after 2 of 3).
    for (const [which, when] of [['group', 2], ['scorer', 2], ['grpo', 4], ['grpo', 5]] as const) {
      const stopped = await trainGvu(CFG, base, RUN, freshGvuState(CFG, RUN), TRAIN, stoppingHooks(which, when));
      expect(bytesOf(stopped), `${which} #${when}: the state of step 1 exactly`).toEqual(bytesOf(afterOne));
      const resumed = await trainGvu(CFG, base, RUN, stopped, TRAIN, plain);
      expect(bytesOf(resumed), `${which} #${when}: resumed = uninterrupted`).toEqual(bytesOf(straight));
    }
  });
});
