// The pretraining loop's bookkeeping, against a scripted session (no ONNX run): progress lines
// average the losses of the applied steps since the last line, count refused steps, measure speed
// from the resumed step, and come every logEvery steps and at the end; checkpoints come every
// checkpointEvery steps and at the end; the session is released even when a step fails.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { type LogRow, PRETRAIN_DEFAULTS, type PretrainConfig, type PretrainHooks, freshState, pretrain } from '../../../src/core/model/pretrain.ts';
import type { ModelSession } from '../../../src/core/runtime/session.ts';
import { tensor } from '../../../src/core/tensor.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 8, layers: 1, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 3, maxText: 5, maxSeq: 9,
};

/**
 * A session whose outputs depend only on the step fed in (the batch carries it): losses
 * step + 1, step / 2 and step / 4, and a finite gradient except on the `refused` steps (NaN there,
 * which the optimiser's guard refuses).
 */
function scriptedSession(refused: Set<number>, failAt = -1) {
  const released: number[] = [];
  const session: ModelSession = {
    backend: 'cpu' as never,
    inputNames: [],
    outputNames: [],
    async run(feeds) {
      const step = feeds.step.data[0] as number;
      if (step === failAt) throw new Error(`step ${step} failed`);
      return {
        loss: tensor('float32', [], [step + 1]),
        gen_loss: tensor('float32', [], [step / 2]),
        und_loss: tensor('float32', [], [step / 4]),
        'grad.w': tensor('float32', [2], refused.has(step) ? [NaN, 0] : [0.5, -0.5]),
      };
    },
    async release() {
      released.push(1);
    },
  };
  return { session, released };
}

function hooksFor(session: ModelSession) {
  const logs: LogRow[] = [];
  const checkpoints: number[] = [];
  const hooks: PretrainHooks = {
    createSession: async () => session,
    batch: (step) => ({ step: tensor('int32', [1], [step]) }),
    log: (row) => void logs.push(row),
    checkpoint: async (s) => void checkpoints.push(s.step),
  };
  return { hooks, logs, checkpoints };
}

const RUN: PretrainConfig = { ...PRETRAIN_DEFAULTS, steps: 7, warmup: 0, logEvery: 2, checkpointEvery: 3 };
const startAt = (step: number) => ({ ...freshState({ w: tensor('float32', [2], [1, 1]) }), step });

afterEach(() => vi.restoreAllMocks());

describe('pretraining loop', () => {
  it('logs every logEvery steps and at the last, averaging the applied steps since the last line', async () => {
    // performance.now: the start, then one reading per progress line
    const clock = [10_000, 10_500, 11_000, 12_000, 14_000];
    vi.spyOn(performance, 'now').mockImplementation(() => {
      const t = clock.shift();
      if (t === undefined) throw new Error('performance.now called more often than expected');
      return t;
    });
    const { session } = scriptedSession(new Set([5, 6]));
    const { hooks, logs } = hooksFor(session);
    const state = startAt(1); // resumed at step 1: runs steps 1..6, lines after steps 2, 4, 6 and 7
    await pretrain(CFG, RUN, state, hooks);
    expect(state.step).toBe(7);
    const rows = logs.map(({ lr: _lr, gradNorm: _g, ...rest }) => rest);
    expect(rows).toEqual([
      // after step 2: ran step 1 (applied); 1 step in 0.5 s
      { step: 2, loss: 2, genLoss: 0.5, undLoss: 0.25, stepsPerSec: 2, etaSec: 2.5, skipped: 0 },
      // after step 4: ran steps 2 and 3 (both applied); 3 steps in 1 s
      { step: 4, loss: 3.5, genLoss: 1.25, undLoss: 0.625, stepsPerSec: 3, etaSec: 1, skipped: 0 },
      // after step 6: ran 4 (applied) and 5 (refused); 5 steps in 2 s
      { step: 6, loss: 5, genLoss: 2, undLoss: 1, stepsPerSec: 2.5, etaSec: 0.4, skipped: 1 },
      // after step 7, the last: ran 6 (refused), nothing to average; 6 steps in 4 s
      { step: 7, loss: 0, genLoss: 0, undLoss: 0, stepsPerSec: 1.5, etaSec: 0, skipped: 2 },
    ]);
  });

  it('checkpoints every checkpointEvery steps and once more at the end, then releases the session', async () => {
    const { session, released } = scriptedSession(new Set());
    const { hooks, checkpoints } = hooksFor(session);
    await pretrain(CFG, RUN, startAt(0), hooks);
    expect(checkpoints).toEqual([3, 6, 7]);
    expect(released).toHaveLength(1);
  });

  it('a failing step still releases the session and the error reaches the caller', async () => {
    const { session, released } = scriptedSession(new Set(), 2);
    const { hooks, checkpoints } = hooksFor(session);
    await expect(pretrain(CFG, RUN, startAt(0), hooks)).rejects.toThrow('step 2 failed');
    expect(released).toHaveLength(1);
    expect(checkpoints).toEqual([]);
  });
});
