// The four advantage modes on groups whose advantages are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { advantagesBy } from '../../../src/core/gvu/advantages.ts';

const close = (got: Float64Array, want: number[], digits = 12) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i], `advantage ${i}`).toBeCloseTo(w, digits));
};

describe('advantagesBy', () => {
  it('std: (R - mean) / (population std + 1e-4), as GRPO', () => {
    // group [1, 2]: mean 1.5, std 0.5 -> -+0.5 / 0.5001; group [5, 5]: 0.
    close(advantagesBy('std', [1, 2, 5, 5], 2), [-0.5 / 0.5001, 0.5 / 0.5001, 0, 0]);
  });

  it('no_std (Dr. GRPO): R - mean, so a small spread gives a small push', () => {
    close(advantagesBy('no_std', [1, 2, 5, 5], 2), [-0.5, 0.5, 0, 0]);
    // An all-pass group with rewards 0.80 / 0.84 keeps its 0.02 push instead of being blown up to 1.
    close(advantagesBy('no_std', [0.8, 0.84], 2), [-0.02, 0.02]);
  });

  it('dead_zone: no advantage when the group reward range is below the threshold, std-normalised otherwise', () => {
    // group [0.80, 0.84]: range 0.04 < 0.05 -> 0, 0; group [0.2, 0.8]: mean 0.5, std 0.3 -> -+0.3 / 0.3001.
    close(advantagesBy('dead_zone', [0.8, 0.84, 0.2, 0.8], 2, 0.05), [0, 0, -0.3 / 0.3001, 0.3 / 0.3001]);
    // At a threshold of 0 it is std.
    close(advantagesBy('dead_zone', [0.8, 0.84], 2, 0), [-0.02 / 0.0201, 0.02 / 0.0201]);
    // Range equal to the threshold is not below it.
    close(advantagesBy('dead_zone', [0, 0.5], 2, 0.5), [-0.25 / 0.2501, 0.25 / 0.2501]);
  });

  it('rank: centred ranks in [-1, 1], ties share their mean rank', () => {
    // [0.1, 0.9, 0.5, 0.5]: ranks 0, 3, 1.5, 1.5 of 0..3 -> 2r/3 - 1 = -1, 1, 0, 0.
    close(advantagesBy('rank', [0.1, 0.9, 0.5, 0.5], 4), [-1, 1, 0, 0]);
    // [3, 1, 2]: ranks 2, 0, 1 -> 1, -1, 0; however far apart the rewards are.
    close(advantagesBy('rank', [3, 1, 2], 3), [1, -1, 0]);
    close(advantagesBy('rank', [300, 1, 2], 3), [1, -1, 0]);
    // G = 2 with distinct rewards: -1 and 1; all equal: 0.
    close(advantagesBy('rank', [0.2, 0.3, 0.7, 0.7], 2), [-1, 1, 0, 0]);
  });

  it('refuses rewards that do not split into groups, naming the counts', () => {
    for (const mode of ['std', 'no_std', 'dead_zone', 'rank'] as const) {
      expect(() => advantagesBy(mode, [1, 2, 3], 2)).toThrow('3 rewards do not split into groups of 2');
    }
  });
});
