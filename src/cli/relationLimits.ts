// What limits the relation categories under RL, measured on the base model's own samples
// (`npx tsx src/cli/relationLimits.ts [model] [out]` -> docs/results/relation-limits.json):
//   drawing:  of the failures, how many draw every asked object right and only misplace them
//             (the spec without its relations passes), and how often a group of G has no pass at
//             all (GRPO with the judge's reward gets nothing from such a group);
//   reward:   within-group AUC of the intrinsic reward against the judge, per category, and
//             restricted to relation-only failures (does the reward rank a misplaced pair below
//             a right one?).
// Test prompts, G = 8, seed set 0, the paper's sampling, GenEval's relation rule.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type GenerationSettings, sampleAndJudge } from '../core/eval/generationScore.ts';
import { detectObjects } from '../core/eval/detectObjects.ts';
import { withinGroupAuc } from '../core/eval/rewardAgreement.ts';
import { serializeModel } from '../core/graph/index.ts';
import { GVU_SAMPLING, releaseGenerationSessions } from '../core/gvu/sampling.ts';
import { scoreImages } from '../core/gvu/scoreImages.ts';
import { buildUnderstandingScoreGraph } from '../core/model/umm.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import { type Spec, buildSpec } from '../core/world/spec.ts';
import { checkSpec } from '../core/world/specCheck.ts';
import { createGenerationSessions } from './generationSessions.ts';
import { loadModel } from './modelFiles.ts';
import { loadPromptSet } from './promptSets.ts';

const RELATION_TAGS = ['position', 'color_pos', 'pos_count', 'pos_size'] as const;
const G = 8;

/** The spec with its relations dropped: what "drew the right objects" means. */
const withoutRelations = (spec: Spec): Spec => buildSpec(spec.tag, spec.include.map(({ position: _, ...e }) => e));

async function main(modelDir = 'public/models/tiny-umm', out = 'docs/results/relation-limits.json'): Promise<void> {
  const { cfg, weights } = loadModel(modelDir);
  const specs = loadPromptSet('test').filter((s) => (RELATION_TAGS as readonly string[]).includes(s.tag));
  const sessions = await createGenerationSessions(cfg, weights);
  const scorer = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(cfg)));
  const settings: GenerationSettings = { ...GVU_SAMPLING, groupSize: G };
  const samples = await sampleAndJudge(cfg, weights, sessions, specs, settings, 0);
  const rewards = (await scoreImages(cfg, weights, scorer, samples.map((x) => ({ image: x.image, prompt: x.spec.prompt })))).map((r) => r.reward);
  const relationOnly = samples.map((x) => !x.pass && checkSpec(detectObjects(x.image), withoutRelations(x.spec)).pass);
  const byTag = Object.fromEntries(RELATION_TAGS.map((tag) => {
    const idx = samples.flatMap((x, i) => (x.spec.tag === tag ? [i] : []));
    const prompts = [...new Set(idx.map((i) => samples[i].promptIndex))];
    const group = (p: number, keep: (i: number) => boolean) => idx.filter((i) => samples[i].promptIndex === p && keep(i)).map((i) => ({ reward: rewards[i], pass: samples[i].pass }));
    const fails = idx.filter((i) => !samples[i].pass);
    const groups = prompts.map((p) => group(p, () => true));
    const auc = withinGroupAuc(groups);
    const aucRelationOnly = withinGroupAuc(prompts.map((p) => group(p, (i) => samples[i].pass || relationOnly[i])));
    return [tag, {
      prompts: prompts.length,
      images: idx.length,
      pass_rate: idx.filter((i) => samples[i].pass).length / idx.length,
      failures_relation_only: fails.filter((i) => relationOnly[i]).length / Math.max(1, fails.length),
      groups_without_a_pass: groups.filter((g) => !g.some((s) => s.pass)).length / groups.length,
      reward_auc_within_group: auc.auc,
      reward_auc_pairs: auc.pairs,
      reward_auc_relation_only_failures: aucRelationOnly.auc,
      reward_auc_relation_only_pairs: aucRelationOnly.pairs,
    }];
  }));
  await Promise.all([releaseGenerationSessions(sessions), scorer.release()]);
  const result = {
    command: `npx tsx src/cli/relationLimits.ts ${modelDir} ${out}`,
    model: modelDir, prompts: 'public/data/prompts/test.jsonl (relation categories)', group_size: G, seed_set: 0, relation_rule: 'GenEval relative_position',
    by_category: byTag,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}

await main(process.argv[2], process.argv[3]);
