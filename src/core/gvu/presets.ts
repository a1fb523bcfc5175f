// Named GvU configurations, shared by the CLI (`train` defaults to the headline), the study and the
// Train view's preset buttons. Each lists every setting that defines the method, so applying one
// over any other config gives the same run.
//   headline: the best row of issue 12's study (docs/RESULTS.md, `dead_zone_gen_only`): 1500 steps
//     x 16 prompts x G 8 on the RL pool drawn category first, lr 3e-4, KL beta 0.1 to the
//     adapter-off model, frozen teacher, std-normalised advantages with a dead zone (no advantage
//     for a group whose reward range is below 0.05), LoRA r 8 / alpha 32 on every linear layer,
//     acting on generation sequences only (understanding keeps the base weights).
//   paper: the official code's setting (matrix0721/GvU, ../shared/notes/gvu-paper.md): the teacher is
//     the current policy (its disable_adapter() is called without `with`, so the LoRA stays on while
//     scoring), G = 2 (64 prompts per step keep the 128 images of the headline), beta 0.03, one
//     update per rollout, LoRA r 8 / alpha 32 on every linear layer including the text head,
//     temperature 1, min-p 0.03, no CFG, std advantages, shared backbone; lr scaled to this model
//     (the paper's 1e-6 is for 7B).
import type { GvuConfig } from './trainer.ts';

/** The settings a preset fixes: everything but bookkeeping (seed, logging, evaluation cadence). */
export type PresetConfig = Omit<GvuConfig, 'seed' | 'logEvery' | 'evalEvery' | 'evalGroupSize' | 'checkpointEvery'>;

export interface GvuPreset {
  readonly label: string;
  readonly why: string;
  readonly config: PresetConfig;
}

/**
 * The advantages and placement of the first headline, which the earlier studies ran (experiment,
 * transfer, the issue-12 study's rows): they pin it so their committed numbers stay reproducible.
 */
export const FIRST_HEADLINE_METHOD = { advantage: 'std', deadZone: 0, adapterScope: 'shared' } as const satisfies Partial<PresetConfig>;

const HEADLINE: PresetConfig = {
  steps: 1500, promptsPerStep: 16, groupSize: 8, innerUpdates: 2, lr: 3e-4, beta: 0.1, clipEps: 0.2,
  temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 1,
  reward: 'intrinsic', rewardVariant: 'geomean', includeEos: false, teacher: 'frozen', promptSampling: 'by_tag',
  advantage: 'dead_zone', deadZone: 0.05, adapterScope: 'generation',
  loraRank: 8, loraAlpha: 32, loraTargets: 'all',
};

export const GVU_PRESETS = {
  headline: {
    label: 'Headline (RESULTS.md)',
    why: '1500 steps, 16 prompts x G 8, lr 3e-4, beta 0.1, frozen teacher, advantage dead zone 0.05: the best GvU row of docs/RESULTS.md',
    config: HEADLINE,
  },
  paper: {
    label: 'Paper-faithful',
    why: 'the official code: policy as teacher, G 2, beta 0.03, one update per rollout, LoRA on every linear incl. the text head',
    config: {
      ...HEADLINE, ...FIRST_HEADLINE_METHOD, teacher: 'policy', groupSize: 2, promptsPerStep: 64, beta: 0.03, innerUpdates: 1,
    },
  },
} as const satisfies Record<string, GvuPreset>;

export type GvuPresetName = keyof typeof GVU_PRESETS;
export const GVU_PRESET_NAMES = Object.keys(GVU_PRESETS) as GvuPresetName[];
