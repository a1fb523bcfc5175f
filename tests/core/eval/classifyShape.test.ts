// classifyShape's thresholds, each probed on both sides with a hand-built blob whose features the
// test states itself (the renderer's stencils sit far from every threshold, so they cannot tell
// `<` from `<=`). A blob is a width x height box with `top` pixels set in its top half and
// `bottom` in its bottom half, corners only where named.
import { describe, expect, it } from 'vitest';
import { type BlobMask, classifyShape, shapeFeatures } from '../../../src/core/eval/classifyShape.ts';

type Corner = 'TL' | 'TR' | 'BL' | 'BR';

/** An even-height box: `top`/`bottom` pixels in each half (corners named count towards them). */
function blob(width: number, height: number, top: number, bottom: number, corners: readonly Corner[] = []): BlobMask {
  const mask = new Uint8Array(width * height);
  const cornerAt: Record<Corner, number> = { TL: 0, TR: width - 1, BL: (height - 1) * width, BR: height * width - 1 };
  const isCorner = new Set(Object.values(cornerAt));
  const half = height / 2;
  const fillHalf = (rows: number[], want: number, mine: Corner[]) => {
    for (const c of mine) mask[cornerAt[c]] = 1;
    let left = want - mine.length;
    for (const y of rows) {
      for (let x = 0; x < width && left > 0; x++) {
        const p = y * width + x;
        if (isCorner.has(p) || mask[p]) continue;
        mask[p] = 1;
        left--;
      }
    }
    if (left > 0) throw new Error(`blob: ${want} pixels do not fit in half a ${width}x${height} box`);
  };
  // Fill from the middle outwards, so the outer rows (and corners) stay empty unless asked.
  fillHalf([...Array(half).keys()].reverse(), top, corners.filter((c) => c[0] === 'T'));
  fillHalf([...Array(half).keys()].map((y) => y + half), bottom, corners.filter((c) => c[0] === 'B'));
  return { width, height, mask };
}
const full = (width: number, height: number): BlobMask => ({ width, height, mask: new Uint8Array(width * height).fill(1) });
const ALL: Corner[] = ['TL', 'TR', 'BL', 'BR'];

describe('shapeFeatures', () => {
  it("an odd box's middle row counts for neither half", () => {
    // 3x3, all set: top row 3, bottom row 3, the middle row none.
    expect(shapeFeatures(full(3, 3))).toEqual({ fill: 1, cornersSet: 4, topToBottom: 1, aspect: 1 });
    // Only the middle and bottom rows set: top 0 / bottom 3.
    const m = { width: 3, height: 3, mask: Uint8Array.from([0, 0, 0, 1, 1, 1, 1, 1, 1]) };
    expect(shapeFeatures(m)).toEqual({ fill: 6 / 9, cornersSet: 2, topToBottom: 0, aspect: 1 });
  });

  it('the test blobs have the features they are built for', () => {
    expect(shapeFeatures(blob(10, 10, 36, 45))).toEqual({ fill: 0.81, cornersSet: 0, topToBottom: 0.8, aspect: 1 });
    expect(shapeFeatures(blob(10, 10, 47, 48, ALL))).toEqual({ fill: 0.95, cornersSet: 4, topToBottom: 47 / 48, aspect: 1 });
  });
});

describe('classifyShape at its thresholds', () => {
  const cases: { name: string; blob: BlobMask; shape: string | null }[] = [
    // Extent: 4 to 11 px across, measured by the longer side.
    { name: 'a full 3x3 box is too small', blob: full(3, 3), shape: null },
    { name: 'a full 4x4 box is the smallest square', blob: full(4, 4), shape: 'square' },
    { name: 'a full 11x11 box is the largest square', blob: full(11, 11), shape: 'square' },
    { name: 'a full 12x12 box is too large', blob: full(12, 12), shape: null },
    { name: 'an 11x12 box is too large by its longer side', blob: full(11, 12), shape: null },
    { name: 'a 3x4 box passes by its longer side (aspect exactly 0.75)', blob: full(3, 4), shape: 'square' },
    // Aspect: 0.75 to 1.34.
    { name: 'a full 4x6 box is too tall (aspect 0.67)', blob: full(4, 6), shape: null },
    { name: 'a full 6x4 box is too wide (aspect 1.5)', blob: full(6, 4), shape: null },
    // Square: balanced, fill >= 0.95, >= 3 corners.
    { name: 'fill exactly 0.95 with 4 corners is a square', blob: blob(10, 10, 47, 48, ALL), shape: 'square' },
    { name: 'fill 0.94 with 4 corners is nothing', blob: blob(10, 10, 47, 47, ALL), shape: null },
    { name: 'a full box missing one corner is a square', blob: blob(10, 10, 49, 50, ['TR', 'BL', 'BR']), shape: 'square' },
    { name: 'a full box missing two corners is nothing', blob: blob(10, 10, 48, 50, ['BL', 'BR']), shape: null },
    { name: 'a hollow frame (4 corners, fill 0.36) is nothing', blob: frame(10), shape: null },
    // Circle: balanced, 0.7 <= fill < 0.95, <= 1 corner.
    { name: 'fill exactly 0.7, no corners, balanced: a circle', blob: blob(10, 10, 35, 35), shape: 'circle' },
    { name: 'fill 0.69, no corners, balanced: nothing', blob: blob(10, 10, 34, 35), shape: null },
    { name: 'fill 0.94 with one corner is a circle', blob: blob(10, 10, 47, 47, ['BR']), shape: 'circle' },
    { name: 'fill exactly 0.95 with one corner is nothing', blob: blob(10, 10, 47, 48, ['BR']), shape: null },
    { name: 'fill 0.97 with one corner is nothing', blob: blob(10, 10, 48, 49, ['BR']), shape: null },
    { name: 'a plus sign (fill 0.36, no corners) is nothing', blob: plus(10), shape: null },
    { name: 'top/bottom exactly 0.8 is not balanced', blob: blob(10, 10, 36, 45), shape: null },
    { name: 'top/bottom 0.82 is balanced: a circle', blob: blob(10, 10, 37, 45), shape: 'circle' },
    { name: 'top/bottom exactly 1.25 is not balanced', blob: blob(10, 10, 45, 36), shape: null },
    { name: 'top/bottom 1.22 is balanced: a circle', blob: blob(10, 10, 44, 36), shape: 'circle' },
    { name: 'top/bottom 0.75 is neither balanced nor a triangle', blob: blob(10, 10, 36, 48), shape: null },
    { name: 'top/bottom 1.5 (apex down) is nothing', blob: blob(10, 10, 45, 30), shape: null },
    // Triangle: top/bottom < 0.7, 0.4 <= fill <= 0.8.
    { name: 'top/bottom exactly 0.7 is no triangle', blob: blob(10, 10, 28, 40), shape: null },
    { name: 'top/bottom 0.68 is a triangle', blob: blob(10, 10, 27, 40), shape: 'triangle' },
    { name: 'triangle fill exactly 0.4', blob: blob(10, 10, 10, 30), shape: 'triangle' },
    { name: 'triangle-like fill 0.35 is nothing', blob: blob(10, 10, 5, 30), shape: null },
    { name: 'triangle fill exactly 0.8', blob: blob(10, 10, 32, 48), shape: 'triangle' },
    { name: 'triangle-like fill 0.84 is nothing', blob: blob(10, 10, 34, 50, ['BL', 'BR']), shape: null },
  ];
  it.each(cases)('$name', ({ blob: b, shape }) => {
    expect(classifyShape(b)).toBe(shape);
  });
});

/** A one-pixel frame around an n x n box. */
function frame(n: number): BlobMask {
  const mask = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) mask[y * n + x] = x === 0 || y === 0 || x === n - 1 || y === n - 1 ? 1 : 0;
  return { width: n, height: n, mask };
}

/** A plus sign of two 2-px bars through the middle of an n x n box. */
function plus(n: number): BlobMask {
  const mask = new Uint8Array(n * n);
  const mid = [n / 2 - 1, n / 2];
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) mask[y * n + x] = mid.includes(x) || mid.includes(y) ? 1 : 0;
  return { width: n, height: n, mask };
}
