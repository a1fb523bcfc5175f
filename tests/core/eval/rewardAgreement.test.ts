import { describe, expect, it } from 'vitest';
import { withinGroupAuc } from '../../../src/core/eval/rewardAgreement.ts';
import { meanCi95 } from '../../../src/core/eval/generationScore.ts';

describe('withinGroupAuc', () => {
  it('pools (pass, fail) pairs within groups only, ties count half', () => {
    const groups = [
      [{ reward: 0.9, pass: true }, { reward: 0.5, pass: false }, { reward: 0.9, pass: false }], // 1 + 0.5 of 2
      [{ reward: 0.1, pass: true }, { reward: 0.2, pass: false }], // 0 of 1
      [{ reward: 0.3, pass: true }, { reward: 0.4, pass: true }], // no pairs
    ];
    const a = withinGroupAuc(groups);
    expect(a.pairs).toBe(3);
    expect(a.groupsWithPairs).toBe(2);
    expect(a.auc).toBeCloseTo(1.5 / 3, 12);
  });
  it('a tie alone counts half, a loss alone counts nothing (they do not cancel out)', () => {
    expect(withinGroupAuc([[{ reward: 0.5, pass: true }, { reward: 0.5, pass: false }]]).auc).toBe(0.5);
    expect(withinGroupAuc([[{ reward: 0.1, pass: true }, { reward: 0.2, pass: false }]]).auc).toBe(0);
    expect(withinGroupAuc([[{ reward: 0.3, pass: true }, { reward: 0.2, pass: false }]]).auc).toBe(1);
  });
  it('is NaN without mixed groups; a cross-group ordering does not count', () => {
    expect(withinGroupAuc([[{ reward: 1, pass: true }], [{ reward: 0, pass: false }]]).auc).toBeNaN();
  });
});

describe('meanCi95', () => {
  it('uses the t interval over seed sets', () => {
    const r = meanCi95([0.3, 0.4, 0.5]);
    expect(r.mean).toBeCloseTo(0.4, 12);
    expect(r.std).toBeCloseTo(0.1, 12);
    expect(r.ci95).toBeCloseTo((4.303 * 0.1) / Math.sqrt(3), 12);
  });
});
