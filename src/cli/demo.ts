// `npm run gvu -- demo`: what the Train view's one-click demo does, measured. For each seed it runs
// the demo's GvU settings (core/gvu/demo.ts) on its four prompts with onnxruntime-node, then
// judges evalGroupSize images per prompt from the base and from the trained adapter (the same
// image seeds for both). Writes docs/results/demo.json; the README quotes it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEMO_CONFIG, DEMO_EVAL_GROUP_SIZE, DEMO_PROMPT_SET } from '../core/gvu/demo.ts';
import { sampleAndJudge } from '../core/eval/generationScore.ts';
import { GVU_SAMPLING, releaseGenerationSessions } from '../core/gvu/sampling.ts';
import { GVU_DEFAULTS } from '../core/gvu/trainer.ts';
import { parseRunEvals } from '../core/io/runFolder.ts';
import type { DecodedAdapter } from '../core/model/adapter.ts';
import type { ModelConfig } from '../core/model/config.ts';
import type { Weights } from '../core/model/weights.ts';
import { mergeAdapter } from '../core/model/mergeAdapter.ts';
import type { Spec } from '../core/world/index.ts';
import { loadAdapter } from './adapterFiles.ts';
import { flag, parseFlags } from './flags.ts';
import { createGenerationSessions } from './generationSessions.ts';
import { loadModel } from './modelFiles.ts';
import { loadPromptSet } from './promptSets.ts';
import { TRAIN_CLI_DEFAULTS, TRAIN_FLAGS, runTraining } from './train.ts';

export const DEMO_FLAGS = {
  model: TRAIN_FLAGS.model,
  seeds: flag.integers([0, 1, 2], 'training seeds: one demo run each', { min: 0 }),
  evalGroupSize: flag.integer(32, 'images per demo prompt for the before/after pass rates', { min: 1 }),
  out: flag.output('runs/demo', 'DIR', 'one run folder per seed (replaced on each call)'),
  results: flag.output('docs/results/demo.json', 'FILE', 'the before/after pass rates'),
} as const;

/** The judge's pass rate of base (+ adapter) on the prompts: g images each, image seed set 0. */
async function passRate(cfg: ModelConfig, base: Weights, adapter: DecodedAdapter | null, prompts: readonly Spec[], g: number): Promise<number> {
  const policy = adapter ? mergeAdapter(base, adapter.lora, adapter.weights) : base;
  const sessions = await createGenerationSessions(cfg, policy);
  try {
    const samples = await sampleAndJudge(cfg, policy, sessions, prompts, { ...GVU_SAMPLING, groupSize: g }, 0);
    return samples.filter((s) => s.pass).length / samples.length;
  } finally {
    await releaseGenerationSessions(sessions);
  }
}

export async function demoCommand(argv: string[]): Promise<void> {
  const o = parseFlags('demo', DEMO_FLAGS, argv);
  const { cfg, weights } = loadModel(o.model);
  const prompts = loadPromptSet(DEMO_PROMPT_SET);
  const before = await passRate(cfg, weights, null, prompts, o.evalGroupSize);
  console.log(`base: pass ${before.toFixed(3)} on ${prompts.length} demo prompts x ${o.evalGroupSize} images`);
  const runs = [];
  for (const seed of o.seeds) {
    const dir = join(o.out, `seed-${seed}`);
    if (existsSync(dir)) rmSync(dir, { recursive: true }); // a fresh run each call: the timing is part of the result
    mkdirSync(dir, { recursive: true });
    const t0 = Date.now();
    await runTraining({
      // The core defaults, as the tab's worker uses, not the CLI's (the headline preset's).
      ...TRAIN_CLI_DEFAULTS, ...GVU_DEFAULTS, ...DEMO_CONFIG, model: o.model, out: dir, prompts: DEMO_PROMPT_SET, val: DEMO_PROMPT_SET,
      evalGroupSize: DEMO_EVAL_GROUP_SIZE, checkpointEvery: DEMO_CONFIG.steps, snapshotEvery: 0, seed,
    });
    const trainSeconds = (Date.now() - t0) / 1000;
    const after = await passRate(cfg, weights, loadAdapter(join(dir, 'adapter'), cfg), prompts, o.evalGroupSize);
    const evals = parseRunEvals(readFileSync(join(dir, 'eval.jsonl'), 'utf8'), join(dir, 'eval.jsonl'));
    const row = { seed, pass_before: before, pass_after: after, train_seconds: Math.round(trainSeconds * 10) / 10, validation: evals.map((e) => ({ step: e.step, pass: e.valOverall })) };
    console.log(JSON.stringify(row));
    runs.push(row);
  }
  const mean = runs.reduce((a, r) => a + r.pass_after, 0) / runs.length;
  const result = {
    command: `npm run gvu -- demo ${argv.join(' ')}`.trim(),
    prompts: prompts.map((p) => p.prompt),
    config: { ...DEMO_CONFIG, evalGroupSize: DEMO_EVAL_GROUP_SIZE },
    eval_images_per_prompt: o.evalGroupSize,
    pass_before: before,
    pass_after_mean: mean,
    runs,
    note: 'Node (onnxruntime-node), GVU_ORT_THREADS as set when run; train_seconds includes the validation passes and graph building. Same image seeds before and after.',
  };
  mkdirSync(dirname(o.results), { recursive: true });
  writeFileSync(o.results, JSON.stringify(result, null, 2) + '\n');
  console.log(`pass rate on the demo prompts: ${before.toFixed(3)} -> ${mean.toFixed(3)} (mean of ${runs.length} seeds); wrote ${o.results}`);
}
