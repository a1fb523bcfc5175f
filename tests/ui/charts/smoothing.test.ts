import { describe, expect, test } from 'vitest';
import { emaSmooth } from '../../../src/ui/charts/smoothing.ts';

describe('emaSmooth (W&B debiased EMA)', () => {
  test('weight 0 returns the values as logged', () => {
    expect(emaSmooth([3, -1, 2], 0)).toEqual([3, -1, 2]);
  });

  test('debiased: a constant series stays constant from its first point', () => {
    for (const v of emaSmooth([5, 5, 5, 5], 0.9)) expect(v).toBeCloseTo(5, 12);
  });

  test('values by hand at weight 0.5', () => {
    // raw EMA 0.5, 1.75, 2.875; debias by 1 - 0.5^n = 0.5, 0.75, 0.875
    const [a, b, c] = emaSmooth([1, 3, 4], 0.5) as number[];
    expect(a).toBeCloseTo(1, 12);
    expect(b).toBeCloseTo(1.75 / 0.75, 12);
    expect(c).toBeCloseTo(2.875 / 0.875, 12);
  });

  test('a missing value stays missing and does not reset the average', () => {
    const out = emaSmooth([1, null, NaN, 3], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNull();
    expect(out[3]).toBeCloseTo(1.75 / 0.75, 12); // same as [1, 3]
  });

  test('a weight outside 0..0.99 is refused with the value', () => {
    expect(() => emaSmooth([1], 1)).toThrow(/got 1$/);
    expect(() => emaSmooth([1], -0.1)).toThrow(/got -0.1$/);
  });
});
