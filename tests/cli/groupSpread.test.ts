// groupSpread's bookkeeping: a group's kind comes from its judge passes, and each kind reports its
// share of the groups, its median reward range and how many of it fall below the dead zone.
import { describe, expect, it } from 'vitest';
import { groupKind, spreadSummary } from '../../src/cli/groupSpread.ts';

describe('group spread', () => {
  it('names a group all-pass, mixed or all-fail from its passes', () => {
    expect(groupKind([true, true, true])).toBe('all_pass');
    expect(groupKind([true, false, true])).toBe('mixed');
    expect(groupKind([false, false])).toBe('all_fail');
  });

  it('gives each kind its share, median range and share below the dead zone', () => {
    const s = spreadSummary([
      { kind: 'all_pass', range: 0.01 }, { kind: 'all_pass', range: 0.02 }, { kind: 'all_pass', range: 0.3 },
      { kind: 'mixed', range: 0.6 },
    ], 0.05);
    expect(s.all_pass).toEqual({ share: 0.75, median_range: 0.02, below_dead_zone: 2 / 3 });
    expect(s.mixed).toEqual({ share: 0.25, median_range: 0.6, below_dead_zone: 0 });
    expect(s.all_fail).toEqual({ share: 0, median_range: null, below_dead_zone: null });
  });
});
