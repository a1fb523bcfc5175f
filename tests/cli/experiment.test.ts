// `gvu experiment` end to end at smoke size on the shipped model (CI runs this, never the full run):
// it trains the planned runs, evaluates base and adapters on the test prompts, scores the kept
// snapshots, and writes gvu.json with the fields docs/RESULTS.md reads, plus the plots.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { experimentCommand } from '../../src/cli/experiment.ts';

describe('gvu experiment', () => {
  it('trains, evaluates and writes gvu.json, plots and a test curve from snapshots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'experiment-'));
    const [out, results] = [join(dir, 'runs'), join(dir, 'results')];
    await experimentCommand([
      '--steps=2', '--promptsPerStep=2', '--groupSize=2', '--runs=gvu,judge', '--seeds=0', '--seedSets=1', '--evalGroupSize=2',
      '--scenesPerPrompt=1', '--evalEvery=0', '--checkpointEvery=1', '--snapshotEvery=1', '--prompts=pool', '--promptSampling=by_tag',
      `--out=${out}`, `--results=${results}`,
    ]);
    const r = JSON.parse(readFileSync(join(results, 'gvu.json'), 'utf8'));
    expect(r.budget).toMatchObject({ steps: 2, images_per_step: 4, prompts: 'pool', prompt_sampling: 'by_tag' });
    for (const x of [r.base.overall, r.base.strict_overall, r.gvu.overall, r.gvu.strict_overall, r.understanding.before, r.understanding.after,
      r.agreement.before, r.judge_reward_control.overall]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(r.gvu.seeds).toEqual([0]);
    expect(Object.keys(r.gvu.per_category)).toHaveLength(11);
    const curve = r.runs['gvu-s0'].budget_curve as { step: number; overall: number; understanding: number }[];
    expect(curve.map((c) => c.step)).toEqual([1, 2]);
    for (const c of curve) for (const x of [c.overall, c.understanding]) expect(x >= 0 && x <= 1, JSON.stringify(c)).toBe(true);
    for (const plot of ['reward', 'kl', 'rollout-judge', 'rollout-auc', 'test-curve', 'understanding-curve']) expect(existsSync(join(results, 'plots', `${plot}.svg`)), plot).toBe(true);
  }, 240_000);
});
