// float16 bit patterns (src/core/float16.ts) against values fixed by IEEE 754 half precision:
// every one of the 65,536 patterns survives half -> float32 -> half (NaNs stay NaN), rounding is
// to nearest with ties to even, overflow is infinity, and subnormals are exact.
import { describe, expect, it } from 'vitest';
import { float32ToHalf, fromHalfBits, halfToFloat32, toHalfBits } from '../../src/core/float16.ts';

describe('float16', () => {
  it('round-trips every half bit pattern through float32', () => {
    for (let h = 0; h < 65536; h++) {
      const x = fromHalfBits(h);
      if (Number.isNaN(x)) expect(Number.isNaN(fromHalfBits(toHalfBits(x))), `pattern ${h}`).toBe(true);
      else expect(toHalfBits(x), `pattern ${h.toString(16)}`).toBe(h);
    }
  });

  it('known values, ties to even, overflow and subnormals', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00],
      [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [2 ** -25, 0x0000], [3 * 2 ** -26, 0x0001],
      [1 / 3, 0x3555], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [1 + 2 ** -11 + 2 ** -20, 0x3c01],
    ];
    for (const [x, h] of cases) expect(toHalfBits(x), String(x)).toBe(h);
    expect(fromHalfBits(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(fromHalfBits(0x0001)).toBe(2 ** -24);
  });

  it('converts arrays both ways', () => {
    const x = Float32Array.of(0.1, -7.25, 1000, 3e-6);
    const back = halfToFloat32(float32ToHalf(x));
    x.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25));
    expect(back[1]).toBe(-7.25);
  });
});
