// The Adam guard: a step whose gradients, or whose results, are not finite writes nothing (weights,
// moments and step count stay bit-identical) and says why; a finite step is plain Adam.
import { describe, expect, it } from 'vitest';
import { ADAM_DEFAULTS, type AdamState, adamStep, initAdamState } from '../../../src/core/optim/adam.ts';
import { type TensorData, tensor } from '../../../src/core/tensor.ts';

function setup(values = [0.5, -0.25, 1, 2]) {
  const params: Record<string, TensorData<'float32'>> = { w: tensor('float32', [2, 2], Float32Array.from(values)) };
  const state = initAdamState(params);
  // one good step first, so the moments are not zero and their preservation means something
  adamStep(params, { w: [0.1, -0.2, 0.3, -0.4] }, state, ADAM_DEFAULTS);
  return { params, state };
}

const snapshot = (p: Record<string, TensorData<'float32'>>, s: AdamState) =>
  JSON.stringify({ w: Array.from(p.w.data), m: Array.from(s.m.w), v: Array.from(s.v.w), step: s.step });

describe('adamStep non-finite guard', () => {
  const poisoned: [string, ArrayLike<number>, Partial<typeof ADAM_DEFAULTS>, number | undefined, RegExp][] = [
    ['NaN gradient', [0.1, NaN, 0.1, 0.1], {}, undefined, /^non-finite gradient in w$/],
    ['+Inf gradient', [Infinity, 0, 0, 0], {}, undefined, /^non-finite gradient in w$/],
    ['a gradient whose square overflows float32, unclipped', [1e30, 0, 0, 0], { clipNorm: 0 }, undefined, /^non-finite update of w at index 0/],
    ['an update that pushes a weight past float32', [1, 1, 1, 1], {}, 1e39, /^non-finite update of w at index 0 \(weight 0\.499 -> -Infinity\)$/],
  ];
  it.each(poisoned)('%s: refused, nothing written', (_, grad, cfg, lr, reason) => {
    const { params, state } = setup();
    const before = snapshot(params, state);
    const rep = adamStep(params, { w: grad }, state, { ...ADAM_DEFAULTS, ...cfg }, lr ?? ADAM_DEFAULTS.lr);
    expect(rep.applied).toBe(false);
    expect(rep.reason).toMatch(reason);
    expect(snapshot(params, state)).toBe(before);
  });

  it('a finite step is Adam: bias-corrected first step moves each weight by lr against its gradient sign', () => {
    const params = { w: tensor('float32', [4], Float32Array.from([0, 0, 0, 0])) };
    const state = initAdamState(params);
    const rep = adamStep(params, { w: [0.1, -0.2, 0.3, -0.4] }, state, { ...ADAM_DEFAULTS, clipNorm: 0 });
    expect(rep).toEqual({ applied: true, gradNorm: Math.sqrt(0.01 + 0.04 + 0.09 + 0.16) });
    expect(Array.from(params.w.data, (x) => Number(x.toFixed(6)))).toEqual([-0.001, 0.001, -0.001, 0.001]);
    expect(state.step).toBe(1);
  });
});
