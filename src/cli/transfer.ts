// `npm run gvu -- transfer`: does what GvU learns on some prompts carry to prompts it never trained
// on? For each K it trains a GvU run on K prompts of one category of the RL pool, then measures
// the judge's pass rate before and after on those K prompts and on held-out siblings (prompts of the
// same category that no run trains on). Writes docs/results/transfer.json.
// A result on the held-out test prompts needs the sibling gain; a train gain alone is memorisation.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sampleAndJudge } from '../core/eval/generationScore.ts';
import { GVU_SAMPLING, releaseGenerationSessions } from '../core/gvu/sampling.ts';
import { FIRST_HEADLINE_METHOD } from '../core/gvu/presets.ts';
import { ADAPTER_CONFIG_FILE } from '../core/model/adapter.ts';
import type { ModelConfig } from '../core/model/config.ts';
import type { LoraConfig } from '../core/model/lora.ts';
import type { Weights } from '../core/model/weights.ts';
import { mergeAdapter } from '../core/model/mergeAdapter.ts';
import { mulberry32 } from '../core/tensor.ts';
import { type Spec, TAGS, promptSetJsonl, shuffled } from '../core/world/index.ts';
import { loadAdapter } from './adapterFiles.ts';
import { loadModel } from './modelFiles.ts';
import { InputError } from '../core/errors.ts';
import { type FlagValues, flag, parseFlags } from './flags.ts';
import { GVU_FLAGS } from './gvuFlags.ts';
import { withOutputDir } from './outputDir.ts';
import { loadPromptSet } from './promptSets.ts';
import { TRAIN_CLI_DEFAULTS, TRAIN_FLAGS, runTraining } from './train.ts';
import { createGenerationSessions } from './generationSessions.ts';

export const TRANSFER_FLAGS = {
  model: TRAIN_FLAGS.model,
  pool: flag.string('pool', 'SET|FILE', 'prompts to draw from'),
  category: flag.choice(TAGS, 'color_pos', 'the category trained on and measured'),
  sizes: flag.integers([16, 64, 256], 'K: trained prompts per run', { min: 1 }),
  siblings: flag.integer(32, 'held-out prompts of the category, shared by every run', { min: 1 }),
  steps: { ...GVU_FLAGS.steps, default: 60, help: 'GRPO steps per run (16 prompts x G = 8 each)' },
  lr: GVU_FLAGS.lr,
  beta: GVU_FLAGS.beta,
  reward: GVU_FLAGS.reward,
  seed: GVU_FLAGS.seed,
  evalGroupSize: flag.integer(16, 'images per prompt for the pass rates', { min: 1 }),
  out: flag.output('runs/transfer', 'DIR', 'per-K run folders (resumed, or skipped when their adapter exists)'),
  results: flag.output('docs/results/transfer.json', 'FILE', 'the pass rates'),
} as const;

/**
 * A policy's judge pass rate on prompt sets: evalGroupSize images per prompt, seed set 0; one pair
 * of sessions for all sets. The policy is `base` plus the adapter, if any.
 */
async function passRates(cfg: ModelConfig, base: Weights, adapter: { lora: LoraConfig; weights: Weights } | undefined, sets: Spec[][], g: number): Promise<number[]> {
  const policy = adapter ? mergeAdapter(base, adapter.lora, adapter.weights) : base;
  const sessions = await createGenerationSessions(cfg, policy);
  try {
    const rates = [];
    for (const specs of sets) {
      const samples = await sampleAndJudge(cfg, policy, sessions, specs, { ...GVU_SAMPLING, groupSize: g }, 0);
      rates.push(samples.filter((s) => s.pass).length / samples.length);
    }
    return rates;
  } finally {
    await releaseGenerationSessions(sessions);
  }
}

export async function transferCommand(argv: string[]): Promise<void> {
  const o = parseFlags('transfer', TRANSFER_FLAGS, argv);
  const { cfg, weights } = loadModel(o.model);
  const all = shuffled(mulberry32(o.seed + 17), loadPromptSet(o.pool).filter((s) => s.tag === o.category));
  const need = o.siblings + Math.max(...o.sizes);
  if (all.length < need) throw new InputError(`${o.pool} has ${all.length} ${o.category} prompts; siblings + largest K need ${need}`);
  await withOutputDir(o.out, () => runTransfer(o, argv, cfg, weights, all));
}

async function runTransfer(o: FlagValues<typeof TRANSFER_FLAGS>, argv: string[], cfg: ModelConfig, weights: Weights, all: Spec[]): Promise<void> {
  const sizes = o.sizes;
  const siblings = all.slice(0, o.siblings);
  writeFileSync(join(o.out, 'siblings.jsonl'), promptSetJsonl(siblings));

  const trainedSets = sizes.map((k) => all.slice(o.siblings, o.siblings + k));
  const [baseSiblings, ...baseTrained] = await passRates(cfg, weights, undefined, [siblings, ...trainedSets], o.evalGroupSize);
  console.log(`base: held-out siblings pass ${baseSiblings.toFixed(3)}`);
  const runs = [];
  for (const [i, k] of sizes.entries()) {
    const trained = trainedSets[i];
    const perStep = Math.min(TRAIN_CLI_DEFAULTS.promptsPerStep, k);
    const dir = join(o.out, `${o.reward}-k${k}`);
    const prompts = join(dir, 'prompts.jsonl');
    await withOutputDir(dir, async () => {
      writeFileSync(prompts, promptSetJsonl(trained));
      if (!existsSync(join(dir, 'adapter', ADAPTER_CONFIG_FILE))) {
        await runTraining({
          ...TRAIN_CLI_DEFAULTS, ...FIRST_HEADLINE_METHOD, model: o.model, out: dir, prompts, steps: o.steps, lr: o.lr, beta: o.beta,
          reward: o.reward, seed: o.seed, promptsPerStep: perStep, evalEvery: 0, promptSampling: 'uniform', // as measured, before by_tag was the default
        });
      }
    });
    const adapter = loadAdapter(join(dir, 'adapter'), cfg);
    const [trainedAfter, siblingsAfter] = await passRates(cfg, weights, adapter, [trained, siblings], o.evalGroupSize);
    const row = {
      k,
      images_per_step: perStep * TRAIN_CLI_DEFAULTS.groupSize,
      visits_per_prompt: (o.steps * perStep) / k,
      trained_before: baseTrained[i],
      trained_after: trainedAfter,
      siblings_before: baseSiblings,
      siblings_after: siblingsAfter,
    };
    console.log(JSON.stringify(row));
    runs.push(row);
  }
  const result = {
    command: `npm run gvu -- transfer ${argv.join(' ')}`.trim(),
    category: o.category, pool: o.pool, siblings: o.siblings, steps: o.steps,
    lr: o.lr, beta: o.beta, reward: o.reward, eval_images_per_prompt: o.evalGroupSize, runs,
  };
  mkdirSync(dirname(o.results), { recursive: true });
  writeFileSync(o.results, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${o.results}`);
}
