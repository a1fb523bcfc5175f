// Sampling math on hand-computed distributions: logits log([1, 2, 4, 1]) give p = [1, 2, 4, 1] / 8.
import { describe, expect, it } from 'vitest';
import { NO_FILTER, checkFilter, drawToken, logProbAt, logSoftmax, policyLogProbs, sampleToken } from '../../../src/core/gvu/sampleToken.ts';

const LOGITS = [1, 2, 4, 1].map(Math.log);
const probs = (lp: Float64Array) => Array.from(lp, Math.exp);
const expectProbs = (lp: Float64Array, want: number[]) => probs(lp).forEach((p, i) => expect(p).toBeCloseTo(want[i], 12));

describe('policyLogProbs', () => {
  it('temperature 1 and no filter is the softmax', () => {
    expectProbs(policyLogProbs(LOGITS, NO_FILTER), [1 / 8, 2 / 8, 4 / 8, 1 / 8]);
  });

  it('temperature 2 takes the square root of the odds', () => {
    const z = 1 + Math.SQRT2 + 2 + 1;
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, temperature: 2 }), [1 / z, Math.SQRT2 / z, 2 / z, 1 / z]);
  });

  it('stays finite on large logits at a low temperature (the max is taken after dividing by T)', () => {
    const lp = logSoftmax([1000, 0, 999.5], 0.5); // logits / T = [2000, 0, 1999]
    const lse = 2000 + Math.log(1 + Math.exp(-1));
    expect(Array.from(lp)).toEqual([2000 - lse, -lse, 1999 - lse]);
    expect(lp[1]).toBeCloseTo(-2000.3133, 3);
  });

  it('top-p 1 is off: it keeps a token whose probability is lost to rounding in the cumulative mass', () => {
    // p = [1, e^-40] / (1 + e^-40): the first token's mass is already 1 in float64.
    const lp = policyLogProbs([0, -40], NO_FILTER);
    expect(lp[1]).toBeCloseTo(-40, 9);
  });

  it('temperature 0 is greedy, first index on ties', () => {
    expect(probs(policyLogProbs(LOGITS, { ...NO_FILTER, temperature: 0 }))).toEqual([0, 0, 1, 0]);
    expect(probs(policyLogProbs([3, 5, 5], { ...NO_FILTER, temperature: 0 }))).toEqual([0, 1, 0]);
  });

  it('top-k keeps the k most probable tokens and renormalises', () => {
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, topK: 2 }), [0, 1 / 3, 2 / 3, 0]);
    // ties keep the lower id: tokens 0 and 3 both have p = 1/8
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, topK: 3 }), [1 / 7, 2 / 7, 4 / 7, 0]);
  });

  it('top-p keeps the smallest top set whose mass reaches p', () => {
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, topP: 0.5 }), [0, 0, 1, 0]); // .5 already reaches .5
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, topP: 0.6 }), [0, 1 / 3, 2 / 3, 0]);
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, topP: 0.8 }), [1 / 7, 2 / 7, 4 / 7, 0]);
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, topP: 0.01 }), [0, 0, 1, 0]); // never empty
  });

  it('min-p drops tokens below minP * p_max', () => {
    // p_max = .5: minP .3 cuts at .15 (drops the two 1/8 tokens); minP .25 cuts at .125 (keeps them)
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, minP: 0.3 }), [0, 1 / 3, 2 / 3, 0]);
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, minP: 0.25 }), [1 / 8, 2 / 8, 4 / 8, 1 / 8]);
    // min-p reads p_max after temperature: at T=2, p_max = 2/5.41 and p = 1/5.41 survives minP .5
    expect(probs(policyLogProbs(LOGITS, { ...NO_FILTER, temperature: 2, minP: 0.5 })).every((p) => p > 0)).toBe(true);
    expect(probs(policyLogProbs(LOGITS, { ...NO_FILTER, temperature: 2, minP: 0.51 }))).toEqual([0, expect.any(Number), expect.any(Number), 0]);
  });

  it('filters compose in order temperature, top-k, top-p, min-p', () => {
    // top-k 3 -> [1, 2, 4, 0]/7; top-p .8: 4/7 = .571 < .8, + 2/7 = .857 reaches it -> [0, 1, 2, 0]/3
    expectProbs(policyLogProbs(LOGITS, { ...NO_FILTER, topK: 3, topP: 0.8 }), [0, 1 / 3, 2 / 3, 0]);
  });

  it('rejects out-of-range settings by name', () => {
    expect(() => checkFilter({ ...NO_FILTER, temperature: -1 })).toThrow(/temperature must be/);
    expect(() => checkFilter({ ...NO_FILTER, topK: 1.5 })).toThrow(/topK must be an integer/);
    expect(() => checkFilter({ ...NO_FILTER, topP: 0 })).toThrow(/topP must be in \(0, 1\]/);
    expect(() => checkFilter({ ...NO_FILTER, minP: 1 })).toThrow(/minP must be in \[0, 1\)/);
    expect(() => checkFilter({ ...NO_FILTER, topP: 1.5 })).toThrow('topP must be in (0, 1] (1 = off), got 1.5');
    expect(() => checkFilter({ ...NO_FILTER, minP: -0.1 })).toThrow('minP must be in [0, 1) (0 = off), got -0.1');
    expect(() => checkFilter({ ...NO_FILTER, temperature: Infinity })).toThrow(/temperature must be a finite number/);
    expect(() => checkFilter({ ...NO_FILTER, topK: -1 })).toThrow(/topK must be an integer >= 0/);
    expect(() => checkFilter({ ...NO_FILTER, topP: 1, minP: 0, topK: 0, temperature: 0 })).not.toThrow();
  });
});

describe('drawToken and sampleToken', () => {
  it('inverse CDF over [1, 2, 4, 1] / 8', () => {
    const lp = logSoftmax(LOGITS);
    expect([0, 0.1, 0.124, 0.126, 0.374, 0.376, 0.874, 0.876, 0.999999].map((u) => drawToken(lp, u))).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 3]);
    expect(drawToken(Float64Array.from([-Infinity, 0, -Infinity]), 0.9999999)).toBe(1);
    // u on a boundary of the cumulative sum belongs to the next token: [0, .25) is token 0.
    expect(drawToken(Float64Array.from([0.25, 0.75].map(Math.log)), 0.25)).toBe(1);
    // .3 + .3 + .4 sums to 1 - 2^-53 in float64: a u past it falls to the last token that can be
    // drawn, never to a filtered one after it.
    expect(drawToken(Float64Array.from([...[0.3, 0.3, 0.4].map(Math.log), -Infinity]), 1 - 2 ** -53)).toBe(2);
  });

  it('returns the policy and the raw-model log-prob of the chosen token', () => {
    const d = sampleToken(LOGITS, { ...NO_FILTER, topK: 2 }, 0.2); // policy [0, 1/3, 2/3, 0]: u .2 -> token 1
    expect(d.token).toBe(1);
    expect(d.policyLogp).toBeCloseTo(Math.log(1 / 3), 12);
    expect(d.modelLogp).toBeCloseTo(Math.log(2 / 8), 12);
    // a separate raw-model row (guidance) scores the same token
    expect(sampleToken(LOGITS, NO_FILTER, 0.2, [0, 0, 0, 0]).modelLogp).toBeCloseTo(Math.log(1 / 4), 12);
  });
});

describe('logProbAt', () => {
  it('equals one entry of logSoftmax, large logits included', () => {
    const logits = [2, -1, 700, 699.5, 0];
    const row = logSoftmax(logits);
    for (let i = 0; i < logits.length; i++) expect(logProbAt(logits, i)).toBeCloseTo(row[i], 12);
  });
});
