import { describe, expect, it } from 'vitest';
import { RELATION_MARGIN, relationHolds, relationsBetween } from '../../../src/core/world/relations.ts';
import { cellCentre } from '../../../src/core/world/scene.ts';

describe('relations', () => {
  it('are judged from centres: one column apart is left/right, the same column is neither', () => {
    const a = cellCentre(4); // row 1, col 0
    const b = cellCentre(5); // row 1, col 1
    const below = cellCentre(8); // row 2, col 0
    expect(relationsBetween(a, b)).toEqual(['left of']);
    expect(relationsBetween(b, a)).toEqual(['right of']);
    expect(relationsBetween(a, below)).toEqual(['above']);
    expect(relationsBetween(below, a)).toEqual(['below']);
    expect(relationsBetween(cellCentre(0), cellCentre(15))).toEqual(['left of', 'above']);
  });

  it('tolerate centre estimates off by less than the margin', () => {
    expect(relationHolds('left of', { cx: 6 + RELATION_MARGIN - 1, cy: 6 }, { cx: 6, cy: 6 })).toBe(false);
    expect(relationHolds('left of', { cx: 13, cy: 6 }, { cx: 18, cy: 6 })).toBe(false); // 5 px apart
    expect(relationHolds('left of', { cx: 11, cy: 6 }, { cx: 18, cy: 6 })).toBe(true); // 7 px apart
    expect(relationHolds('above', { cx: 6, cy: 10 }, { cx: 6, cy: 14 })).toBe(false);
    expect(relationHolds('below', { cx: 6, cy: 14 }, { cx: 6, cy: 10 })).toBe(false);
  });
});
