// Where the dead zone acts (issue 12's drift study), measured on each policy's own groups: the
// study's seen slice of the RL pool (every k-th of pool.jsonl, 115 prompts), G = 8, seed set 0, the
// paper's sampling, the frozen base as the teacher. Groups are split by the judge into all-pass,
// mixed and all-fail; for each kind: its share of the groups, its median reward range, and the share
// whose range is below the dead zone (0.05), which std-normalised advantages still push at full size.
// `npx tsx src/cli/groupSpread.ts OUT NAME=ADAPTER_DIR ...` (NAME=base for the shipped model)
//   -> docs/results/group-spread.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type GenerationSettings, sampleAndJudge } from '../core/eval/generationScore.ts';
import { serializeModel } from '../core/graph/index.ts';
import { freezeInputs } from '../core/graph/freeze.ts';
import { GVU_SAMPLING, releaseGenerationSessions } from '../core/gvu/sampling.ts';
import { scoreImages } from '../core/gvu/scoreImages.ts';
import type { ModelConfig } from '../core/model/config.ts';
import { mergeAdapter } from '../core/model/mergeAdapter.ts';
import { buildUnderstandingScoreGraph } from '../core/model/umm.ts';
import type { Weights } from '../core/model/weights.ts';
import type { ModelSession } from '../core/runtime/session.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import type { Spec } from '../core/world/spec.ts';
import { loadAdapter } from './adapterFiles.ts';
import { createGenerationSessions } from './generationSessions.ts';
import { loadModel } from './modelFiles.ts';
import { everyKth, loadPromptSet } from './promptSets.ts';

const G = 8;
const DEAD_ZONE = 0.05;
const SEEN_PROMPTS = 115; // as study's --seenPrompts

type Kind = 'all_pass' | 'mixed' | 'all_fail';

/** One group's judge outcome and intrinsic-reward range (max - min). */
export interface GroupSpread { readonly kind: Kind; readonly range: number }

export function groupKind(passes: readonly boolean[]): Kind {
  const n = passes.filter(Boolean).length;
  return n === passes.length ? 'all_pass' : n === 0 ? 'all_fail' : 'mixed';
}

/** Per kind of group: share of all groups, median reward range, share of that kind below the dead zone. */
export function spreadSummary(groups: readonly GroupSpread[], deadZone = DEAD_ZONE) {
  const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : null);
  return Object.fromEntries((['all_pass', 'mixed', 'all_fail'] as const).map((kind) => {
    const ranges = groups.filter((g) => g.kind === kind).map((g) => g.range);
    return [kind, {
      share: ranges.length / groups.length,
      median_range: median(ranges),
      below_dead_zone: ranges.length ? ranges.filter((r) => r < deadZone).length / ranges.length : null,
    }];
  }));
}

async function policyGroups(cfg: ModelConfig, weights: Weights, scorer: ModelSession, base: Weights, specs: readonly Spec[]): Promise<GroupSpread[]> {
  const sessions = await createGenerationSessions(cfg, weights);
  const settings: GenerationSettings = { ...GVU_SAMPLING, groupSize: G };
  const samples = await sampleAndJudge(cfg, weights, sessions, specs, settings, 0);
  await releaseGenerationSessions(sessions);
  const rewards = (await scoreImages(cfg, base, scorer, samples.map((x) => ({ image: x.image, prompt: x.spec.prompt })))).map((r) => r.reward);
  return specs.map((_, p) => {
    const idx = samples.flatMap((x, i) => (x.promptIndex === p ? [i] : []));
    const r = idx.map((i) => rewards[i]);
    return { kind: groupKind(idx.map((i) => samples[i].pass)), range: Math.max(...r) - Math.min(...r) };
  });
}

async function main(out = 'docs/results/group-spread.json', policies: string[] = ['base=base']): Promise<void> {
  const { cfg, weights: base } = loadModel('public/models/tiny-umm');
  const pool = loadPromptSet('pool');
  const { slice: specs, k } = everyKth(pool, SEEN_PROMPTS);
  const scorer = await createNodeSession(serializeModel(freezeInputs(buildUnderstandingScoreGraph(cfg), base)), { frozen: base });
  const byPolicy: Record<string, unknown> = {};
  for (const arg of policies) {
    const [name, dir] = arg.split('=');
    const adapter = dir === 'base' ? null : loadAdapter(dir, cfg);
    const weights = adapter ? mergeAdapter(base, adapter.lora, adapter.weights) : base;
    const groups = await policyGroups(cfg, weights, scorer, base, specs);
    byPolicy[name] = { adapter: adapter ? dir : null, groups: groups.length, ...spreadSummary(groups) };
    console.log(name, JSON.stringify(byPolicy[name]));
  }
  await scorer.release();
  const result = {
    command: `npx tsx src/cli/groupSpread.ts ${out} ${policies.join(' ')}`,
    prompts: `public/data/prompts/pool.jsonl, every ${k}th (${specs.length}, the study's seen slice)`, group_size: G, seed_set: 0,
    teacher: 'frozen base', dead_zone: DEAD_ZONE, relation_rule: 'GenEval relative_position',
    policies: byPolicy,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv[2], process.argv.slice(3));
