import { describe, expect, it } from 'vitest';
import { DEFAULT_RELATION_RULE, RELATION_MARGIN, relationHolds, relationsBetween } from '../../../src/core/world/relations.ts';
import { cellCentre } from '../../../src/core/world/scene.ts';

// Cells are row * 4 + column, 12 px each; large objects are 10 px across, small ones 6.
const large = (cell: number) => ({ ...cellCentre(cell), size: 'large' as const });
const small = (cell: number) => ({ ...cellCentre(cell), size: 'small' as const });

describe("GenEval's relative_position (the default rule)", () => {
  it('is the default', () => expect(DEFAULT_RELATION_RULE).toBe('geneval'));

  it('same row or column: the one direction of the offset', () => {
    expect(relationsBetween(large(4), large(5))).toEqual(['left of']);
    expect(relationsBetween(large(5), large(4))).toEqual(['right of']);
    expect(relationsBetween(large(4), large(8))).toEqual(['above']);
    expect(relationsBetween(large(8), large(4))).toEqual(['below']);
  });

  // By hand: offset (-12, -12), dead band 0.1 * (10 + 10) = 2 px per axis, shrunk (-10, -10),
  // length of the offset 16.97: -10 / 16.97 = -0.59 < -0.5 on both axes.
  it('diagonal one column and one row apart: both directions', () => {
    expect(relationsBetween(large(0), large(5))).toEqual(['left of', 'above']);
    expect(relationsBetween(cellCentre(0), cellCentre(15))).toEqual(['left of', 'above']); // 3 and 3, points
  });

  // Offset (-12, -24): shrunk x -10 over length 26.83 = -0.37, not below -0.5; y -22 / 26.83 = -0.82.
  it('diagonal one column left, two rows up: above only, not left of (the cell-margin rule said both)', () => {
    expect(relationsBetween(large(0), large(9))).toEqual(['above']);
    expect(relationHolds('left of', large(0), large(9))).toBe(false);
    expect(relationHolds('left of', large(0), large(9), 'cell_margin')).toBe(true);
  });

  // Offset (-12, -36): x -10 / 37.95 = -0.26.
  it('diagonal one column left, three rows up: above only', () => {
    expect(relationsBetween(large(0), large(13))).toEqual(['above']);
    expect(relationsBetween(large(0), large(13), 'cell_margin')).toEqual(['left of', 'above']);
  });

  // Offset (-24, -36), small objects: band 0.1 * 12 = 1.2, x -22.8 / 43.27 = -0.527, y -34.8 / 43.27 = -0.80.
  it('diagonal two columns left, three rows up: both (just), and the band depends on the boxes', () => {
    expect(relationsBetween(small(0), small(14))).toEqual(['left of', 'above']);
  });

  it('uses detected boxes over sizes, and a shared centre has no relation', () => {
    // A 40 px wide box: band 0.1 * (40 + 10) = 5 on x; offset (-12, -12): x -7 / 16.97 = -0.41.
    const wide = { ...cellCentre(0), size: 'large' as const, box: { x0: 0, y0: 1, x1: 40, y1: 11 } };
    expect(relationsBetween(wide, large(5))).toEqual(['above']);
    expect(relationsBetween(large(5), large(5))).toEqual([]);
    // Centres 1 px apart with 10 px boxes: the shrunk offset is 0 on both axes.
    expect(relationsBetween({ cx: 6, cy: 6, size: 'large' }, { cx: 7, cy: 6, size: 'large' })).toEqual([]);
  });
});

describe('the cell-margin rule (named option)', () => {
  it('are judged from centres: one column apart is left/right, the same column is neither, any diagonal is both', () => {
    const a = cellCentre(4); // row 1, col 0
    const b = cellCentre(5); // row 1, col 1
    const below = cellCentre(8); // row 2, col 0
    expect(relationsBetween(a, b, 'cell_margin')).toEqual(['left of']);
    expect(relationsBetween(b, a, 'cell_margin')).toEqual(['right of']);
    expect(relationsBetween(a, below, 'cell_margin')).toEqual(['above']);
    expect(relationsBetween(below, a, 'cell_margin')).toEqual(['below']);
    expect(relationsBetween(cellCentre(0), cellCentre(15), 'cell_margin')).toEqual(['left of', 'above']);
    expect(relationsBetween(cellCentre(0), cellCentre(9), 'cell_margin')).toEqual(['left of', 'above']);
  });

  it('tolerate centre estimates off by less than the margin', () => {
    const r = 'cell_margin';
    expect(relationHolds('left of', { cx: 6 + RELATION_MARGIN - 1, cy: 6 }, { cx: 6, cy: 6 }, r)).toBe(false);
    expect(relationHolds('left of', { cx: 13, cy: 6 }, { cx: 18, cy: 6 }, r)).toBe(false); // 5 px apart
    expect(relationHolds('left of', { cx: 11, cy: 6 }, { cx: 18, cy: 6 }, r)).toBe(true); // 7 px apart
    expect(relationHolds('above', { cx: 6, cy: 10 }, { cx: 6, cy: 14 }, r)).toBe(false);
    expect(relationHolds('below', { cx: 6, cy: 14 }, { cx: 6, cy: 10 }, r)).toBe(false);
  });
});
