// The study's rows: every GvU row has a judge twin, and a twin that would train exactly another run
// measures that run's adapters instead of training a copy (the teacher and a small dead zone cannot
// change the judge's advantages, shown here on the advantages themselves).
import { describe, expect, it } from 'vitest';
import { STUDY_ROWS, studyRow, trainingRowOf } from '../../src/cli/studyRows.ts';
import { advantagesBy } from '../../src/core/gvu/advantages.ts';
import { mulberry32 } from '../../src/core/tensor.ts';

describe('study rows', () => {
  it('gives every GvU row a judge twin with the judge as the reward and a frozen teacher', () => {
    for (const r of STUDY_ROWS.filter((x) => !x.name.startsWith('judge_'))) {
      expect(studyRow(`judge_${r.name}`).settings).toMatchObject({ reward: 'judge', teacher: 'frozen' });
    }
  });

  it('trains judge_dead_zone and judge_policy_teacher as judge_gvu, and the other twins on their own', () => {
    expect(Object.fromEntries(STUDY_ROWS.filter((r) => r.name.startsWith('judge_')).map((r) => [r.name, trainingRowOf(r)]))).toEqual({
      judge_gvu: 'judge_gvu', judge_gen_only: 'judge_gvu', judge_no_std: 'judge_no_std', judge_dead_zone: 'judge_gvu',
      judge_dead_zone_gen_only: 'judge_gvu', judge_rank: 'judge_rank', judge_policy_teacher: 'judge_gvu', judge_paper: 'judge_paper',
    });
  });

  it('measures a generation-only row on its shared twin\'s run, with only the placement changed', () => {
    const [shared, gen] = [studyRow('dead_zone'), studyRow('dead_zone_gen_only')];
    expect(trainingRowOf(gen)).toBe('dead_zone');
    expect({ ...gen.settings, adapterScope: 'shared' }).toEqual({ ...shared.settings, adapterScope: 'shared' });
    expect(studyRow('judge_dead_zone_gen_only').settings).toMatchObject({ adapterScope: 'generation', reward: 'judge' });
  });

  it('the dead zone gives the judge\'s rewards (0, 0.5, 1) the very advantages std normalisation gives', () => {
    const rng = mulberry32(3);
    const g = 8;
    const rewards = Float64Array.from({ length: 64 * g }, (_, i) => (i < 8 * g ? 0.5 : [0, 0.5, 1][Math.floor(rng() * 3)])); // some all-equal groups
    const { deadZone } = studyRow('dead_zone').settings;
    expect(Array.from(advantagesBy('dead_zone', rewards, g, deadZone))).toEqual(Array.from(advantagesBy('std', rewards, g)));
    // and it is not a tautology: on the intrinsic reward's small spreads the two differ
    const close = Float64Array.from({ length: g }, (_, i) => 0.8 + 0.001 * i);
    expect(Array.from(advantagesBy('dead_zone', close, g, deadZone))).not.toEqual(Array.from(advantagesBy('std', close, g)));
  });
});
