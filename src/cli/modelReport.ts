// `npm run gvu -- model-report`: the model card's numbers for a model directory (or a training
// checkpoint): understanding ranking per edit type, generation per category over seed sets with a
// 95% interval, the reward's within-group agreement with the judge, and the tokenizer round trip.
// Writes docs/results/model.json (or --out).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freezeInputs, serializeModel } from '../core/graph/index.ts';
import { type GenerationSettings, sampleAndJudge } from '../core/eval/generationScore.ts';
import { measureUnderstanding } from '../core/eval/understandingRanking.ts';
import { judge } from '../core/eval/judge.ts';
import { GVU_SAMPLING, releaseGenerationSessions } from '../core/gvu/sampling.ts';
import { buildUnderstandingScoreGraph } from '../core/model/umm.ts';
import { type Weights, countParams } from '../core/model/weights.ts';
import type { ModelConfig } from '../core/model/config.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import { mulberry32 } from '../core/tensor.ts';
import { type Spec, renderTokens, sampleSceneForSpec, sceneToTokens } from '../core/world/index.ts';
import { MEASUREMENT_FLAGS, evaluatePolicy } from './evaluate.ts';
import { loadCheckpoint, loadModel } from './modelFiles.ts';
import { flag, parseFlags } from './flags.ts';
import { loadPromptSet } from './promptSets.ts';
import { loggedMinutes, readRunLog } from './runLog.ts';
import { createGenerationSessions } from './generationSessions.ts';

export const MODEL_REPORT_FLAGS = {
  model: flag.input('public/models/tiny-umm', 'dir', 'model directory', 'model directory, or a checkpoint directory (has state.json)'),
  prompts: flag.string('test', 'SET|FILE', 'prompt set to measure on'),
  ...MEASUREMENT_FLAGS,
  trainLog: flag.string('runs/pretrain/log.jsonl', 'FILE', 'pretraining log for train_minutes, read when present'),
  out: flag.output('docs/results/model.json', 'FILE', 'the report'),
} as const;

export async function modelReportCommand(argv: string[]): Promise<void> {
  const o = parseFlags('model-report', MODEL_REPORT_FLAGS, argv);
  const fromCkpt = existsSync(join(o.model, 'state.json')) ? loadCheckpoint(o.model) : null;
  const { cfg, weights } = fromCkpt ?? loadModel(o.model);
  const specs = loadPromptSet(o.prompts);
  const t0 = Date.now();
  const e = await evaluatePolicy(cfg, weights, null, specs, { ...o, log: (line) => console.log(line) });
  const settings: GenerationSettings = { ...GVU_SAMPLING, groupSize: o.groupSize };

  const rng = mulberry32(11);
  let rt = 0;
  let rtTotal = 0;
  for (const spec of specs) {
    for (let k = 0; k < 8; k++, rtTotal++) if (judge(renderTokens(sceneToTokens(sampleSceneForSpec(spec, rng))), spec).pass) rt++;
  }

  const smoke = await smokeNumbers(cfg, weights, specs);
  console.log(`smoke subset: understanding ${pct(smoke.understanding)} generation ${pct(smoke.generation)}`);

  const report = {
    smoke,
    model: o.model,
    prompt_set: o.prompts,
    params: countParams(weights),
    train_minutes: loggedMinutes(readRunLog(o.trainLog)),
    understanding: {
      overall: e.understanding,
      pairs: e.understanding_pairs,
      per_edit: e.understanding_per_edit,
      per_edit_counts: e.understanding_per_edit_counts,
      scenes_per_prompt: o.scenesPerPrompt,
    },
    generation: {
      overall: e.overall,
      ci95: e.overall_ci95,
      std: e.overall_std,
      strict_overall: e.strict_overall,
      strict_ci95: e.strict_ci95,
      per_seed: e.per_seed,
      per_category: e.per_category,
      per_category_ci95: e.per_category_ci95,
      per_category_strict: e.per_category_strict,
      geneval_overall: e.geneval_overall,
      genevalplus_overall: e.genevalplus_overall,
    },
    sampling: { ...settings, seed_sets: o.seedSets, images_per_seed_set: specs.length * o.groupSize },
    reward_auc_within_group: e.agreement_auc,
    reward_auc_within_group_pairs: e.agreement_pairs,
    reward_auc_within_group_with_eos: e.agreement_auc_with_eos,
    tokenizer_roundtrip_judge_pass: rt / rtTotal,
    measured_seconds: (Date.now() - t0) / 1000,
    command: `npm run gvu -- model-report ${argv.join(' ')}`.trim(),
  };
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify({ ...report, generation: { ...report.generation, per_seed: undefined } }, null, 2));
  console.log(`wrote ${o.out}`);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * A small fixed measurement (every 5th test prompt, fixed seeds) that tests/cli/shippedModel.test.ts
 * repeats on the committed model to check it still gives the documented numbers.
 */
export async function smokeNumbers(cfg: ModelConfig, weights: Weights, specs: readonly Spec[]) {
  const subset = specs.filter((_, i) => i % 5 === 0);
  const scorer = await createNodeSession(serializeModel(freezeInputs(buildUnderstandingScoreGraph(cfg), weights)), { frozen: weights });
  const sessions = await createGenerationSessions(cfg, weights);
  const u = await measureUnderstanding(cfg, weights, scorer, subset, { scenesPerPrompt: 1, seed: 3 });
  const samples = await sampleAndJudge(cfg, weights, sessions, subset, { ...GVU_SAMPLING, groupSize: 4 }, 0);
  const gen = samples.filter((x) => x.pass).length / samples.length;
  await Promise.all([scorer.release(), releaseGenerationSessions(sessions)]);
  return { prompts: subset.length, understanding: u.overall, understanding_pairs: u.pairs, generation: gen, images: samples.length, tolerance: 0.03 };
}
