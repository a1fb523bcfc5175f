// Evaluate a policy (the base model, or base + adapter) on a prompt set: ShapesEval per category
// over seed sets, understanding ranking with the same weights, and the within-group agreement of
// the frozen teacher's reward with the judge on the policy's own samples.
// `npm run gvu -- eval [--adapter=DIR] [--prompts=test] [--out=FILE]`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type GenerationSettings, meanCi95, sampleAndJudge, scoreSamples } from '../core/eval/generationScore.ts';
import { withinGroupAuc } from '../core/eval/rewardAgreement.ts';
import type { CategoryScore, PromptSetScore } from '../core/eval/scorePromptSet.ts';
import { type RankingResult, measureUnderstanding } from '../core/eval/understandingRanking.ts';
import { freezeInputs, serializeModel } from '../core/graph/index.ts';
import { GVU_SAMPLING, releaseGenerationSessions } from '../core/gvu/sampling.ts';
import { scoreImages } from '../core/gvu/scoreImages.ts';
import type { ModelConfig } from '../core/model/config.ts';
import type { LoraConfig } from '../core/model/lora.ts';
import { mergeAdapter } from '../core/model/mergeAdapter.ts';
import { buildUnderstandingScoreGraph } from '../core/model/umm.ts';
import type { Weights } from '../core/model/weights.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import type { Spec } from '../core/world/index.ts';
import { loadAdapter } from './adapterFiles.ts';
import { loadModel } from './modelFiles.ts';
import { flag, parseFlags } from './flags.ts';
import { loadPromptSet } from './promptSets.ts';
import { createGenerationSessions } from './generationSessions.ts';

export interface PolicyEval {
  overall: number;
  overall_ci95: number;
  overall_std: number;
  strict_overall: number;
  strict_ci95: number;
  per_seed: { overall: number; strict_overall: number }[];
  per_category: Record<string, number>;
  per_category_strict: Record<string, number>;
  per_category_ci95: Record<string, number>;
  geneval_overall: number; // the GenEval tier of the categories
  genevalplus_overall: number; // the GenEval++ tier
  understanding: number;
  understanding_pairs: number;
  understanding_per_edit: Record<string, number>;
  understanding_per_edit_counts: RankingResult['perEdit'];
  agreement_auc: number;
  agreement_pairs: number;
  agreement_auc_with_eos: number;
  objects_per_image: number;
}

export async function evaluatePolicy(
  cfg: ModelConfig, base: Weights, adapter: { lora: LoraConfig; weights: Weights } | null, specs: readonly Spec[],
  opts: { seedSets: number; groupSize: number; scenesPerPrompt: number; adapterScope?: 'shared' | 'generation'; log?: (line: string) => void },
): Promise<PolicyEval> {
  const log = opts.log ?? (() => {});
  // The adapter is fixed for the whole evaluation: merged into the weights, it runs on the base graph.
  const policy = adapter ? mergeAdapter(base, adapter.lora, adapter.weights) : base;
  // Generation-only placement: the shipped model reads images and captions with the base weights.
  const reader = opts.adapterScope === 'generation' ? base : policy;
  const sessions = await createGenerationSessions(cfg, policy);
  const policyScorer = await createNodeSession(serializeModel(freezeInputs(buildUnderstandingScoreGraph(cfg), reader)), { frozen: reader });
  const frozenScorer = await createNodeSession(serializeModel(freezeInputs(buildUnderstandingScoreGraph(cfg), base)), { frozen: base });
  const settings: GenerationSettings = { ...GVU_SAMPLING, groupSize: opts.groupSize };
  const perSeed: PromptSetScore[] = [];
  let agreement = { auc: NaN, pairs: 0 };
  let agreementEos = { auc: NaN, pairs: 0 };
  let objects = 0;
  let images = 0;
  for (let s = 0; s < opts.seedSets; s++) {
    const samples = await sampleAndJudge(cfg, policy, sessions, specs, settings, s);
    const score = scoreSamples(samples);
    perSeed.push(score);
    log(`generation seed set ${s}: overall ${pct(score.overall)} strict ${pct(score.strictOverall)}`);
    for (const x of samples) objects += x.codes.filter((c) => c !== 0).length;
    images += samples.length;
    if (s === 0) {
      const items = samples.map((x) => ({ image: x.image, prompt: x.spec.prompt }));
      const groups = (r: { reward: number }[]) => specs.map((_, p) => samples.flatMap((x, i) => (x.promptIndex === p ? [{ reward: r[i].reward, pass: x.pass }] : [])));
      agreement = withinGroupAuc(groups(await scoreImages(cfg, base, frozenScorer, items)));
      agreementEos = withinGroupAuc(groups(await scoreImages(cfg, base, frozenScorer, items, { includeEos: true })));
      log(`reward AUC within groups ${agreement.auc.toFixed(3)} (${agreement.pairs} pairs); with <eos> ${agreementEos.auc.toFixed(3)}`);
    }
  }
  const u = await measureUnderstanding(cfg, reader, policyScorer, specs, { scenesPerPrompt: opts.scenesPerPrompt, seed: 7 });
  log(`understanding ${pct(u.overall)} over ${u.pairs} pairs: ${Object.entries(u.perEdit).map(([k, v]) => `${k} ${pct(v.accuracy)} (${v.total})`).join(', ')}`);
  await Promise.all([releaseGenerationSessions(sessions), policyScorer.release(), frozenScorer.release()]);
  const tags = Object.keys(perSeed[0].byCategory) as (keyof PromptSetScore['byCategory'])[];
  const o = meanCi95(perSeed.map((s) => s.overall));
  const st = meanCi95(perSeed.map((s) => s.strictOverall));
  const perCategory = (f: (c: CategoryScore) => number) => tags.map((t) => [t, meanCi95(perSeed.map((s) => f(s.byCategory[t]!)))] as const);
  return {
    overall: o.mean, overall_ci95: o.ci95, overall_std: o.std,
    strict_overall: st.mean, strict_ci95: st.ci95,
    per_seed: perSeed.map((s) => ({ overall: s.overall, strict_overall: s.strictOverall })),
    per_category: Object.fromEntries(perCategory((c) => c.accuracy).map(([t, m]) => [t, m.mean])),
    per_category_strict: Object.fromEntries(perCategory((c) => c.strictAccuracy).map(([t, m]) => [t, m.mean])),
    per_category_ci95: Object.fromEntries(perCategory((c) => c.accuracy).map(([t, m]) => [t, m.ci95])),
    geneval_overall: meanCi95(perSeed.map((s) => s.geneval?.overall ?? NaN)).mean,
    genevalplus_overall: meanCi95(perSeed.map((s) => s.genevalPlus?.overall ?? NaN)).mean,
    understanding: u.overall,
    understanding_pairs: u.pairs,
    understanding_per_edit: Object.fromEntries(Object.entries(u.perEdit).map(([k, v]) => [k, v.accuracy])),
    understanding_per_edit_counts: u.perEdit,
    agreement_auc: agreement.auc,
    agreement_pairs: agreement.pairs,
    agreement_auc_with_eos: agreementEos.auc,
    objects_per_image: objects / images,
  };
}

/** How a policy is measured (eval and model-report): seed sets, images per prompt, held-out renders. */
export const MEASUREMENT_FLAGS = {
  seedSets: flag.integer(3, 'generation seed sets (the interval is over these)', { min: 1 }),
  groupSize: flag.integer(8, 'images per prompt per seed set', { min: 1 }),
  scenesPerPrompt: flag.integer(4, 'held-out renders per prompt for the understanding ranking', { min: 1 }),
} as const;

export const EVAL_FLAGS = {
  model: flag.input('public/models/tiny-umm', 'dir', 'model directory', 'base model directory'),
  adapter: flag.input('', 'dir', 'adapter directory', 'PEFT adapter directory (default: none, the base model)'),
  adapterScope: flag.choice(['shared', 'generation'], 'shared', 'where the adapter acts: every sequence, or generation only (understanding measured on the base weights)'),
  prompts: flag.string('test', 'SET|FILE', 'prompt set to evaluate on'),
  ...MEASUREMENT_FLAGS,
  out: flag.output('', 'FILE', 'also write the result as JSON here (default: print only)'),
} as const;

export async function evalCommand(argv: string[]): Promise<void> {
  const o = parseFlags('eval', EVAL_FLAGS, argv);
  const { cfg, weights } = loadModel(o.model);
  const adapter = o.adapter ? loadAdapter(o.adapter, cfg) : null;
  const specs = loadPromptSet(o.prompts);
  const r = await evaluatePolicy(cfg, weights, adapter, specs, o);
  console.log(JSON.stringify(r, null, 2));
  if (o.out) {
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(o.out, JSON.stringify({ model: o.model, adapter: o.adapter || null, adapterScope: o.adapterScope, prompts: o.prompts, ...r }, null, 2) + '\n');
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
