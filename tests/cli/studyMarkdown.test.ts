// The study's markdown table: one line per row after the base, numbers as measured (3 decimals,
// gains as percentages), the GvU share of the judge's gain in the headline sentence, and partial
// runs and pilots marked as such.
import { describe, expect, it } from 'vitest';
import { type StudyNumbers, type StudyRowNumbers, studyMarkdown } from '../../src/cli/studyMarkdown.ts';

const row = (over: Partial<StudyRowNumbers>): StudyRowNumbers => ({
  what: 'w', seeds: 3, overall: 0.6, overall_std: 0.02, relative_gain: 0.1, seen_overall: 0.7, understanding: 0.99,
  relation_edits: 0.93, probe: 0.75, kl_last100: 0.0123, reward_judge_auc: 0.9, steps_done: 1500, ...over,
});

const study = (over: Partial<StudyNumbers> = {}): StudyNumbers => ({
  budget: { steps_per_run: 1500, images_per_step: 128, pilot: false },
  base: { overall: 0.5, seen_overall: 0.55, understanding: 0.992, relation_edits: 0.929, probe: 0.756, reward_judge_auc: 0.99 },
  gvu: { row: 'gvu' },
  judge_reward_control: { row: 'judge_gvu', gvu_share_of_judge_gain: 0.625 },
  rows: {
    gvu: row({ what: 'headline', overall: 0.6, relative_gain: 0.2 }),
    judge_gvu: row({ what: 'judge as the reward', overall: 0.66, overall_std: null, relative_gain: 0.32, kl_last100: null, steps_done: 700 }),
  },
  ...over,
});

describe('studyMarkdown', () => {
  it('leads with the best row, its judge twin and the share of the judge\'s gain', () => {
    const md = studyMarkdown(study());
    expect(md.split('\n')[0]).toBe('Best GvU row `gvu`: test overall 0.500 -> 0.600 (+20.0%); its judge twin `judge_gvu` 0.660 (+32.0%). GvU delivers 63% of the judge\'s gain.');
    expect(md).toContain('Budget: 1500 steps x 128 images per run.');
  });

  it('writes the base and one line per row, in order, with std, KL and partial runs marked', () => {
    const lines = studyMarkdown(study()).trim().split('\n').filter((l) => l.startsWith('| '));
    expect(lines).toHaveLength(4); // header, base, gvu, judge_gvu
    expect(lines[1]).toBe('| base | the shipped model | - | 0.500 | - | 0.550 | 0.992 | 0.929 | 0.756 | 0 | 0.99 |');
    expect(lines[2]).toBe('| `gvu` | headline | 3 | 0.600 ± 0.020 | +20.0% | 0.700 | 0.990 | 0.930 | 0.750 | 0.0123 | 0.90 |');
    expect(lines[3]).toBe('| `judge_gvu` | judge as the reward (700 of 1500 steps) | 3 | 0.660 | +32.0% | 0.700 | 0.990 | 0.930 | 0.750 | - | 0.90 |');
  });

  it('says a pilot is a pilot and has no headline without a judge twin', () => {
    const md = studyMarkdown(study({ budget: { steps_per_run: 60, images_per_step: 32, pilot: true }, judge_reward_control: null }));
    expect(md.startsWith('Budget: 60 steps x 32 images per run (pilot, not the bar).')).toBe(true);
  });
});
