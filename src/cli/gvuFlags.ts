// The GvU training settings as command-line flags, shared by `train` (every setting) and by
// `experiment` and `transfer` (the ones they pass through). Types and choices are checked here;
// the allowed ranges of the numbers (G >= 2, lr > 0, ...) are checked where the UI and the worker
// check them too, when training starts (src/core/gvu/trainSettings.ts). The defaults are the
// headline configuration (core/gvu/presets.ts), so a plain `train` reproduces RESULTS.md's GvU row.
import { ADVANTAGE_MODES } from '../core/gvu/advantages.ts';
import { GVU_PRESETS } from '../core/gvu/presets.ts';
import { REWARD_VARIANTS } from '../core/gvu/reward.ts';
import { GVU_DEFAULTS as CORE_DEFAULTS, type GvuConfig } from '../core/gvu/trainer.ts';
import { type FlagSpec, type FlagValues, flag, flagDefaults } from './flags.ts';

/** The command line's defaults: the core's bookkeeping, the headline preset's method. */
export const GVU_CLI_DEFAULTS: GvuConfig = { ...CORE_DEFAULTS, ...GVU_PRESETS.headline.config, evalEvery: 250, checkpointEvery: 50 };
const GVU_DEFAULTS = GVU_CLI_DEFAULTS;

export const GVU_FLAGS = {
  steps: flag.integer(GVU_DEFAULTS.steps, 'rollouts (each followed by innerUpdates optimiser steps)'),
  promptsPerStep: flag.integer(GVU_DEFAULTS.promptsPerStep, 'P prompts per rollout'),
  groupSize: flag.integer(GVU_DEFAULTS.groupSize, 'G images per prompt'),
  innerUpdates: flag.integer(GVU_DEFAULTS.innerUpdates, 'Adam steps per rollout; > 1 makes the ratio and clipping matter'),
  lr: flag.number(GVU_DEFAULTS.lr, 'Adam learning rate on the adapter'),
  beta: flag.number(GVU_DEFAULTS.beta, 'KL coefficient (paper: 0.03)'),
  clipEps: flag.number(GVU_DEFAULTS.clipEps, 'PPO ratio clip range'),
  temperature: flag.number(GVU_DEFAULTS.temperature, 'sampling temperature (paper: 1.0)'),
  topK: flag.integer(GVU_DEFAULTS.topK, 'top-k sampling (0 = off)'),
  topP: flag.number(GVU_DEFAULTS.topP, 'nucleus sampling (1 = off)'),
  minP: flag.number(GVU_DEFAULTS.minP, 'min-p sampling (paper: 0.03)'),
  cfgScale: flag.number(GVU_DEFAULTS.cfgScale, 'classifier-free guidance (1 = none, as the paper)'),
  reward: flag.choice(['intrinsic', 'judge'], GVU_DEFAULTS.reward, 'judge is the control: the external judge as the reward'),
  rewardVariant: flag.choice([...REWARD_VARIANTS, 'sequence'], GVU_DEFAULTS.rewardVariant, 'how word probabilities make the reward; sequence = an image-level likelihood'),
  includeEos: flag.boolean(GVU_DEFAULTS.includeEos, 'score the end-of-sequence token too'),
  teacher: flag.choice(['frozen', 'policy'], GVU_DEFAULTS.teacher, 'frozen base model, or the co-evolving policy (the paper\'s code)'),
  promptSampling: flag.choice(['by_tag', 'uniform'], GVU_DEFAULTS.promptSampling, 'by_tag: a category first, then a prompt; uniform: any prompt'),
  advantage: flag.choice([...ADVANTAGE_MODES], GVU_DEFAULTS.advantage, 'group advantages: std (GRPO), no_std (Dr. GRPO), dead_zone (none below --deadZone of reward range), rank'),
  deadZone: flag.number(GVU_DEFAULTS.deadZone, 'advantage dead_zone: a group whose reward range is below this gets no advantage'),
  adapterScope: flag.choice(['shared', 'generation'], GVU_DEFAULTS.adapterScope, 'where the shipped adapter acts: every sequence, or generation sequences only (understanding keeps the base)'),
  loraRank: flag.integer(GVU_DEFAULTS.loraRank, 'LoRA rank'),
  loraAlpha: flag.number(GVU_DEFAULTS.loraAlpha, 'LoRA alpha'),
  loraTargets: flag.string(GVU_DEFAULTS.loraTargets, 'all|NAMES', 'comma-separated LoRA targets (PEFT target_modules), or all'),
  seed: flag.integer(GVU_DEFAULTS.seed, 'seed of the adapter init and the prompt order'),
  logEvery: flag.integer(GVU_DEFAULTS.logEvery, 'steps between log lines'),
  evalEvery: flag.integer(GVU_DEFAULTS.evalEvery, 'steps between validation evaluations (0 = never)'),
  evalGroupSize: flag.integer(GVU_DEFAULTS.evalGroupSize, 'images per validation prompt'),
  checkpointEvery: flag.integer(GVU_DEFAULTS.checkpointEvery, 'steps between checkpoints'),
} as const satisfies { readonly [K in keyof GvuConfig]: FlagSpec };

// The table's value types must be GvuConfig's: a choice the trainer does not know fails to compile here.
export const GVU_FLAG_DEFAULTS: GvuConfig = flagDefaults(GVU_FLAGS) satisfies FlagValues<typeof GVU_FLAGS>;
