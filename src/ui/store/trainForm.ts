// The Train view's numeric fields as typed: each keystroke is checked against the shared table
// (core/gvu/trainSettings.ts, the one the worker and CLI enforce too), and the problem is kept
// beside the value. An emptied field stays empty (NaN) and is a problem; it never becomes 0 or a
// default, and Start refuses while any field has a problem.
import { GVU_PRESETS, type GvuPresetName } from '../../core/gvu/presets.ts';
import { type NumericSetting, readSetting, settingProblems } from '../../core/gvu/trainSettings.ts';
import type { GvuConfig } from '../../../workers/engineApi.ts';

export type TrainConfig = Pick<GvuConfig,
  'steps' | 'promptsPerStep' | 'groupSize' | 'lr' | 'beta' | 'clipEps' | 'innerUpdates' | 'advantage' | 'deadZone' | 'teacher' | 'rewardVariant' |
  'promptSampling' | 'evalEvery'>;

/** The numeric fields of the Train view, in the order they are shown. */
export const TRAIN_NUMBER_FIELDS = ['steps', 'promptsPerStep', 'groupSize', 'lr', 'beta', 'clipEps', 'innerUpdates', 'deadZone', 'evalEvery'] as const satisfies readonly (keyof TrainConfig & NumericSetting)[];
export type TrainNumberField = (typeof TRAIN_NUMBER_FIELDS)[number];

/** A change from the form: numbers may come as the field's text. */
export type TrainConfigPatch = { [K in keyof TrainConfig]?: K extends TrainNumberField ? number | string : TrainConfig[K] };

export type TrainProblems = Partial<Record<TrainNumberField, string>>;

const isNumberField = (k: string): k is TrainNumberField => (TRAIN_NUMBER_FIELDS as readonly string[]).includes(k);

/** The config with the patch applied (refused values kept as typed, NaN when not a number) and each field's problem. */
export function patchTrainConfig(config: TrainConfig, problems: TrainProblems, patch: TrainConfigPatch): { config: TrainConfig; problems: TrainProblems } {
  const nextConfig: Record<string, unknown> = { ...config };
  const nextProblems: TrainProblems = { ...problems };
  for (const [k, v] of Object.entries(patch)) {
    if (!isNumberField(k)) {
      nextConfig[k] = v;
      continue;
    }
    const read = readSetting(k, v);
    nextConfig[k] = read.value ?? (typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : NaN);
    if (read.problem) nextProblems[k] = read.problem;
    else delete nextProblems[k];
  }
  return { config: nextConfig as TrainConfig, problems: nextProblems };
}

/**
 * The Train view's fields of a named configuration. The rest of it (sampling, the adapter's shape)
 * is the trainer's defaults, which both presets keep; the adapter's placement is the teacher choice
 * in the playground (a frozen-base teacher reads with the base weights).
 */
export function presetPatch(name: GvuPresetName): Omit<TrainConfig, 'evalEvery'> {
  const c = GVU_PRESETS[name].config;
  return {
    steps: c.steps, promptsPerStep: c.promptsPerStep, groupSize: c.groupSize, lr: c.lr, beta: c.beta, clipEps: c.clipEps,
    innerUpdates: c.innerUpdates, advantage: c.advantage, deadZone: c.deadZone, teacher: c.teacher, rewardVariant: c.rewardVariant,
    promptSampling: c.promptSampling,
  };
}

/** Every problem of a config about to be sent: the fields' own, and a re-check of the values (never send an invalid config). */
export function trainConfigProblems(config: TrainConfig, problems: TrainProblems): string[] {
  const all = { ...settingProblems(config, TRAIN_NUMBER_FIELDS), ...problems };
  return TRAIN_NUMBER_FIELDS.flatMap((k) => (all[k] ? [all[k]] : []));
}
