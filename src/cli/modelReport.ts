// `npm run gvu -- model-report`: the model card's numbers for a model directory (or a training
// checkpoint): understanding ranking per edit type, generation per category over seed sets with a
// 95% interval, the reward's within-group agreement with the judge, and the tokenizer round trip.
// Writes docs/results/model.json (or --out).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { serializeModel } from '../core/graph/index.ts';
import { type GenerationSettings, meanCi95, sampleAndJudge, scoreSamples } from '../core/eval/generationScore.ts';
import { withinGroupAuc } from '../core/eval/rewardAgreement.ts';
import type { PromptSetScore } from '../core/eval/scorePromptSet.ts';
import { measureUnderstanding } from '../core/eval/understandingRanking.ts';
import { judge } from '../core/eval/judge.ts';
import { GVU_SAMPLING, generationStepModels } from '../core/gvu/sampling.ts';
import { scoreImages } from '../core/gvu/scoreImages.ts';
import { buildUnderstandingScoreGraph } from '../core/model/umm.ts';
import { type Weights, countParams } from '../core/model/weights.ts';
import type { ModelConfig } from '../core/model/config.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import { mulberry32 } from '../core/tensor.ts';
import { type Spec, renderTokens, sampleSceneForSpec, sceneToTokens } from '../core/world/index.ts';
import { loadCheckpoint, loadModel } from './modelFiles.ts';
import { loadPromptSet } from './promptSets.ts';
import { resolveRunConfig } from './runConfig.ts';

const DEFAULTS = {
  model: 'public/models/tiny-umm', // model directory, or a checkpoint directory (has state.json)
  prompts: 'test', // prompt set to measure on
  seedSets: 3, // generation seed sets (the interval is over these)
  groupSize: 8, // images per prompt per seed set
  scenesPerPrompt: 4, // held-out renders per prompt for the understanding ranking
  trainLog: 'runs/pretrain/log.jsonl', // for train_minutes, when present
  out: 'docs/results/model.json',
};

export async function modelReportCommand(argv: string[]): Promise<void> {
  const { config: o, rest } = resolveRunConfig(DEFAULTS, argv);
  if (rest.length) throw new Error(`model-report: unknown arguments ${rest.join(' ')}`);
  const fromCkpt = existsSync(join(o.model, 'state.json')) ? loadCheckpoint(o.model) : null;
  const { cfg, weights } = fromCkpt ?? loadModel(o.model);
  const specs = loadPromptSet(o.prompts);
  const t0 = Date.now();
  const scorer = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(cfg)));
  const steps = generationStepModels(cfg);
  const sessions = { prefill: await createNodeSession(steps.prefill), decode: await createNodeSession(steps.decode) };

  const understanding = await measureUnderstanding(cfg, weights, scorer, specs, { scenesPerPrompt: o.scenesPerPrompt, seed: 7 });
  console.log(`understanding ${pct(understanding.overall)} over ${understanding.pairs} pairs:`, fmtPerEdit(understanding.perEdit));

  const settings: GenerationSettings = { ...GVU_SAMPLING, groupSize: o.groupSize };
  const perSeed: PromptSetScore[] = [];
  let agreement = null;
  let agreementEos = null;
  for (let s = 0; s < o.seedSets; s++) {
    const samples = await sampleAndJudge(cfg, weights, sessions, specs, settings, s);
    const score = scoreSamples(samples);
    perSeed.push(score);
    console.log(`generation seed set ${s}: overall ${pct(score.overall)} strict ${pct(score.strictOverall)}`);
    if (s === 0) {
      const items = samples.map((x) => ({ image: x.image, prompt: x.spec.prompt }));
      const rewards = await scoreImages(cfg, weights, scorer, items);
      const rewardsEos = await scoreImages(cfg, weights, scorer, items, { includeEos: true });
      const groups = (r: { reward: number }[]) => specs.map((_, p) => samples.flatMap((x, i) => (x.promptIndex === p ? [{ reward: r[i].reward, pass: x.pass }] : [])));
      agreement = withinGroupAuc(groups(rewards));
      agreementEos = withinGroupAuc(groups(rewardsEos));
      console.log(`reward AUC within groups ${agreement.auc.toFixed(3)} (${agreement.pairs} pairs); with <eos> ${agreementEos.auc.toFixed(3)}`);
    }
  }
  const tags = Object.keys(perSeed[0].byCategory) as (keyof PromptSetScore['byCategory'])[];
  const overall = meanCi95(perSeed.map((s) => s.overall));
  const strict = meanCi95(perSeed.map((s) => s.strictOverall));
  const perCategory = Object.fromEntries(tags.map((t) => [t, meanCi95(perSeed.map((s) => s.byCategory[t]!.accuracy))]));
  const perCategoryStrict = Object.fromEntries(tags.map((t) => [t, meanCi95(perSeed.map((s) => s.byCategory[t]!.strictAccuracy))]));

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
    train_minutes: trainMinutes(o.trainLog),
    understanding: {
      overall: understanding.overall,
      pairs: understanding.pairs,
      per_edit: Object.fromEntries(Object.entries(understanding.perEdit).map(([k, v]) => [k, v.accuracy])),
      per_edit_counts: understanding.perEdit,
      scenes_per_prompt: o.scenesPerPrompt,
    },
    generation: {
      overall: overall.mean,
      ci95: overall.ci95,
      std: overall.std,
      strict_overall: strict.mean,
      strict_ci95: strict.ci95,
      per_seed: perSeed.map((s) => ({ overall: s.overall, strict_overall: s.strictOverall })),
      per_category: Object.fromEntries(Object.entries(perCategory).map(([k, v]) => [k, v.mean])),
      per_category_ci95: Object.fromEntries(Object.entries(perCategory).map(([k, v]) => [k, v.ci95])),
      per_category_strict: Object.fromEntries(Object.entries(perCategoryStrict).map(([k, v]) => [k, v.mean])),
      geneval_overall: meanCi95(perSeed.map((s) => s.geneval?.overall ?? NaN)).mean,
      genevalplus_overall: meanCi95(perSeed.map((s) => s.genevalPlus?.overall ?? NaN)).mean,
    },
    sampling: { ...settings, seed_sets: o.seedSets, images_per_seed_set: specs.length * o.groupSize },
    reward_auc_within_group: agreement?.auc,
    reward_auc_within_group_pairs: agreement?.pairs,
    reward_auc_within_group_with_eos: agreementEos?.auc,
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
const fmtPerEdit = (p: Record<string, { accuracy: number; total: number }>) =>
  Object.entries(p).map(([k, v]) => `${k} ${pct(v.accuracy)} (${v.total})`).join(', ');

function trainMinutes(log: string): number | null {
  if (!existsSync(log)) return null;
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]) as { wallSec?: number };
  return last.wallSec ? last.wallSec / 60 : null;
}

/**
 * A small fixed measurement (every 5th test prompt, fixed seeds) that tests/cli/shippedModel.test.ts
 * repeats on the committed model to check it still gives the documented numbers.
 */
export async function smokeNumbers(cfg: ModelConfig, weights: Weights, specs: readonly Spec[]) {
  const subset = specs.filter((_, i) => i % 5 === 0);
  const scorer = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(cfg)));
  const steps = generationStepModels(cfg);
  const sessions = { prefill: await createNodeSession(steps.prefill), decode: await createNodeSession(steps.decode) };
  const u = await measureUnderstanding(cfg, weights, scorer, subset, { scenesPerPrompt: 1, seed: 3 });
  const samples = await sampleAndJudge(cfg, weights, sessions, subset, { ...GVU_SAMPLING, groupSize: 4 }, 0);
  const gen = samples.filter((x) => x.pass).length / samples.length;
  await Promise.all([scorer, sessions.prefill, sessions.decode].map((x) => x.release()));
  return { prompts: subset.length, understanding: u.overall, understanding_pairs: u.pairs, generation: gen, images: samples.length, tolerance: 0.03 };
}
