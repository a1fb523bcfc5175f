// The one-click demo (Train view) and its measurement (`npm run gvu -- demo`): GvU on four prompts
// the shipped model mostly gets wrong, so the effect shows in well under a minute on WASM. The
// prompts (public/data/prompts/demo.jsonl) were picked by scoring 164 colour-position prompts of
// the RL pool with 8 images each (`gvu score`): the base passed these on 1 of 8 images, and its
// intrinsic reward separated its passes from its failures most clearly (0.58-0.69 apart), so the
// reward has something to teach. The same settings run in the tab and in Node.
import type { GvuConfig } from './trainer.ts';

/** The shipped prompt set the demo trains and validates on. */
export const DEMO_PROMPT_SET = 'demo';

/**
 * Every setting of the Train form, over the core defaults (GVU_DEFAULTS, which the tab and this
 * measurement both start from): every prompt in every step, G = 8, a brisk lr.
 */
export const DEMO_CONFIG = {
  steps: 16, promptsPerStep: 4, groupSize: 8, innerUpdates: 2, lr: 2e-3, beta: 0.03, clipEps: 0.2, evalEvery: 4,
  teacher: 'frozen', rewardVariant: 'geomean', promptSampling: 'uniform',
} as const satisfies Partial<GvuConfig>;

/** Validation images per demo prompt at each evaluation (the live pass rate the view shows). */
export const DEMO_EVAL_GROUP_SIZE = 8;

/** Seeds of the demo's before/after grid (one row per demo prompt). */
export const DEMO_GRID_SEEDS = [11, 12, 13, 14];
