// Sampling-math edges the hand-computed rows of sampleToken.test.ts leave open.
import { describe, expect, it } from 'vitest';
import { NO_FILTER, policyLogProbs } from '../../../src/core/gvu/sampleToken.ts';

describe('top-p 1 under top-k', () => {
  it('is off: top-k 2 keeps its second token even when the first one\'s mass already rounds to 1', () => {
    // Survivors of top-k 2: p = [1, e^-40] / (1 + e^-40); 1 / (1 + e^-40) is 1 in float64, so a
    // cumulative-mass cut at 1 would drop token 1.
    const lp = policyLogProbs([0, -40, -50], { ...NO_FILTER, topK: 2 });
    expect(lp[0]).toBeCloseTo(0, 12);
    expect(lp[1]).toBeCloseTo(-40, 9);
    expect(lp[2]).toBe(-Infinity);
    // with min-p on top (the sorted path's min-p): min-p 1e-20 keeps it too, 1e-10 drops it
    expect(policyLogProbs([0, -40, -50], { ...NO_FILTER, topK: 2, minP: 1e-20 })[1]).toBeCloseTo(-40, 9);
    expect(policyLogProbs([0, -40, -50], { ...NO_FILTER, topK: 2, minP: 1e-10 })[1]).toBe(-Infinity);
  });
});
