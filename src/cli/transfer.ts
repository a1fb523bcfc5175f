// `npm run gvu -- transfer`: does what GvU learns on some prompts carry to prompts it never trained
// on? For each K it trains a GvU run on K prompts of one category of the RL pool, then measures
// the judge's pass rate before and after on those K prompts and on held-out siblings (prompts of the
// same category that no run trains on). Writes docs/results/transfer.json.
// A result on the held-out test prompts needs the sibling gain; a train gain alone is memorisation.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleAndJudge } from '../core/eval/generationScore.ts';
import { GVU_SAMPLING } from '../core/gvu/sampling.ts';
import { ADAPTER_CONFIG_FILE } from '../core/model/adapter.ts';
import type { ModelConfig } from '../core/model/config.ts';
import type { LoraConfig } from '../core/model/lora.ts';
import type { Weights } from '../core/model/weights.ts';
import { mulberry32 } from '../core/tensor.ts';
import { type Spec, promptSetJsonl, shuffled } from '../core/world/index.ts';
import { loadAdapter } from './adapterFiles.ts';
import { loadModel } from './modelFiles.ts';
import { loadPromptSet } from './promptSets.ts';
import { resolveRunConfig } from './runConfig.ts';
import { TRAIN_CLI_DEFAULTS, runTraining } from './train.ts';
import { createGenerationSessions } from './generationSessions.ts';

const DEFAULTS = {
  model: 'public/models/tiny-umm',
  pool: 'pool', // prompts to draw from
  category: 'color_pos',
  sizes: '16,64,256', // K: trained prompts per run
  siblings: 32, // held-out prompts of the category, shared by every run
  steps: 60, // GRPO steps per run (16 prompts x G = 8 each)
  lr: 1e-3,
  beta: 0.03,
  reward: 'intrinsic', // or 'judge' (the control)
  seed: 0,
  evalGroupSize: 16, // images per prompt for the pass rates
  out: 'runs/transfer',
  results: 'docs/results/transfer.json',
};

/** A policy's judge pass rate on prompt sets: evalGroupSize images per prompt, seed set 0; one pair of sessions for all sets. */
async function passRates(cfg: ModelConfig, weights: Weights, lora: LoraConfig | undefined, sets: Spec[][], g: number): Promise<number[]> {
  const sessions = await createGenerationSessions(cfg, lora);
  try {
    const rates = [];
    for (const specs of sets) {
      const samples = await sampleAndJudge(cfg, weights, sessions, specs, { ...GVU_SAMPLING, groupSize: g }, 0);
      rates.push(samples.filter((s) => s.pass).length / samples.length);
    }
    return rates;
  } finally {
    await Promise.all([sessions.prefill.release(), sessions.decode.release()]);
  }
}

export async function transferCommand(argv: string[]): Promise<void> {
  const { config: o, rest } = resolveRunConfig(DEFAULTS, argv);
  if (rest.length) throw new Error(`transfer: unknown arguments ${rest.join(' ')}`);
  if (o.reward !== 'intrinsic' && o.reward !== 'judge') throw new Error(`transfer: reward must be intrinsic or judge, got ${o.reward}`);
  const { cfg, weights } = loadModel(o.model);
  const sizes = o.sizes.split(',').map(Number);
  const all = shuffled(mulberry32(o.seed + 17), loadPromptSet(o.pool).filter((s) => s.tag === o.category));
  const need = o.siblings + Math.max(...sizes);
  if (all.length < need) throw new Error(`transfer: ${o.pool} has ${all.length} ${o.category} prompts; siblings + largest K need ${need}`);
  const siblings = all.slice(0, o.siblings);
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'siblings.jsonl'), promptSetJsonl(siblings));

  const trainedSets = sizes.map((k) => all.slice(o.siblings, o.siblings + k));
  const [baseSiblings, ...baseTrained] = await passRates(cfg, weights, undefined, [siblings, ...trainedSets], o.evalGroupSize);
  console.log(`base: held-out siblings pass ${baseSiblings.toFixed(3)}`);
  const runs = [];
  for (const [i, k] of sizes.entries()) {
    const trained = trainedSets[i];
    const perStep = Math.min(TRAIN_CLI_DEFAULTS.promptsPerStep, k);
    const dir = join(o.out, `${o.reward}-k${k}`);
    mkdirSync(dir, { recursive: true });
    const prompts = join(dir, 'prompts.jsonl');
    writeFileSync(prompts, promptSetJsonl(trained));
    if (!existsSync(join(dir, 'adapter', ADAPTER_CONFIG_FILE))) {
      await runTraining({
        ...TRAIN_CLI_DEFAULTS, model: o.model, out: dir, prompts, steps: o.steps, lr: o.lr, beta: o.beta,
        reward: o.reward, seed: o.seed, promptsPerStep: perStep, evalEvery: 0,
      });
    }
    const adapter = loadAdapter(join(dir, 'adapter'), cfg);
    const [trainedAfter, siblingsAfter] = await passRates(cfg, { ...weights, ...adapter.weights }, adapter.lora, [trained, siblings], o.evalGroupSize);
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
  writeFileSync(o.results, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${o.results}`);
}
