// The rows of issue 12's study: each a GvU configuration as settings over STUDY_BASE (the headline
// preset as the study began: std advantages, shared placement), and where the adapter acts in the
// model that is measured. Every GvU row has a judge twin (`judge_` + its name): the same settings
// with the judge as the reward, so "how much of a perfect verifier's gain" compares two runs that
// differ in the reward alone.
// Placement: with a frozen teacher, training never runs the understanding branch through the
// adapter, so the shared and generation-only placements train the same adapter (same seed, same
// steps); `sameRunAs` reuses that run and only the measurement differs.
import { FIRST_HEADLINE_METHOD, GVU_PRESETS, type PresetConfig } from '../core/gvu/presets.ts';
import type { GvuConfig } from '../core/gvu/trainer.ts';

/** What every row changes: fixed here, so the rows keep their meaning when the headline preset moves. */
export const STUDY_BASE: PresetConfig = { ...GVU_PRESETS.headline.config, ...FIRST_HEADLINE_METHOD };

export interface StudyRow {
  readonly name: string;
  readonly what: string;
  readonly settings: Partial<GvuConfig>; // over STUDY_BASE
  readonly sameRunAs?: string; // train nothing: measure that row's adapters (trainingRowOf) under this row's adapterScope
}

const GVU_ROWS: readonly StudyRow[] = [
  { name: 'gvu', what: 'the first headline: std advantages, shared backbone, frozen teacher', settings: {} },
  {
    name: 'gen_only', what: 'gvu adapter acting on generation sequences only: understanding keeps the base weights',
    settings: { adapterScope: 'generation' }, sameRunAs: 'gvu',
  },
  { name: 'no_std', what: 'Dr. GRPO advantages (R - mean, no std)', settings: { advantage: 'no_std' } },
  { name: 'dead_zone', what: 'std advantages, none for a group whose reward range is below 0.05', settings: { advantage: 'dead_zone', deadZone: 0.05 } },
  {
    name: 'dead_zone_gen_only', what: 'dead_zone adapter acting on generation sequences only: understanding keeps the base weights',
    settings: { advantage: 'dead_zone', deadZone: 0.05, adapterScope: 'generation' }, sameRunAs: 'dead_zone',
  },
  { name: 'rank', what: 'rank advantages in [-1, 1]', settings: { advantage: 'rank' } },
  { name: 'policy_teacher', what: 'the current policy (LoRA on) as the teacher, shared backbone', settings: { teacher: 'policy' } },
  { name: 'paper', what: 'paper-faithful preset (policy teacher, G 2 x 64, beta 0.03, one update)', settings: GVU_PRESETS.paper.config },
];

/** The judge's rewards are 0, 0.5 and 1: a dead zone under 0.5 only ever zeroes all-equal groups. */
const deadZoneBelowJudgeStep = (r: StudyRow) => r.settings.advantage === 'dead_zone' && (r.settings.deadZone ?? 0) < 0.5;

/** Every row: the GvU rows and their judge twins (the teacher does not matter to the judge's reward). */
export const STUDY_ROWS: readonly StudyRow[] = [
  ...GVU_ROWS,
  ...GVU_ROWS.map((r) => ({
    name: `judge_${r.name}`,
    what: `judge as the reward, otherwise as ${r.name}`,
    settings: { ...r.settings, reward: 'judge' as const, teacher: 'frozen' as const },
    // The policy-teacher row differs from gvu only in the teacher, which the judge's reward ignores;
    // the dead zone only in groups whose reward range is below 0.05, and the judge's rewards (0, 0.5,
    // 1) have range 0 there, where std advantages are 0 too: both train exactly judge_gvu's run.
    ...(r.sameRunAs || r.name === 'policy_teacher' || deadZoneBelowJudgeStep(r) ? { sameRunAs: `judge_${r.sameRunAs ?? 'gvu'}` } : {}),
  })),
];
export const STUDY_ROW_NAMES = STUDY_ROWS.map((r) => r.name);

export const studyRow = (name: string): StudyRow => STUDY_ROWS.find((r) => r.name === name)!;

/** The run folder that trains a row: its own, or the one its sameRunAs chain ends at (judge_dead_zone_gen_only -> judge_dead_zone -> judge_gvu). */
export const trainingRowOf = (row: StudyRow): string => (row.sameRunAs ? trainingRowOf(studyRow(row.sameRunAs)) : row.name);
