// `gvu study` at smoke size (seconds): the table's shape, the generation-only placement measured on
// the same adapter as its shared twin with the base's understanding, resume without retraining, and
// the rule that picks the best row.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPromptSet } from '../../src/cli/promptSets.ts';
import { pickBest, studyCommand } from '../../src/cli/study.ts';
import { specToJson } from '../../src/core/world/spec.ts';

function smokeFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'study-'));
  const test = loadPromptSet('test');
  const firstOfTag = [...new Map(test.map((s) => [s.tag, s])).values()].slice(0, 3);
  const pool = loadPromptSet('pool').filter((_, i) => i % 200 === 0);
  writeFileSync(join(dir, 'test.jsonl'), firstOfTag.map(specToJson).join('\n') + '\n');
  writeFileSync(join(dir, 'pool.jsonl'), pool.map(specToJson).join('\n') + '\n');
  return dir;
}

describe('gvu study', () => {
  it('writes the table in the issue\'s shape; gen_only reuses gvu\'s adapter and keeps the base\'s understanding; a rerun trains nothing', async () => {
    const dir = smokeFiles();
    const out = join(dir, 'runs');
    const results = join(dir, 'gvu.json');
    const argv = [
      `--out=${out}`, `--results=${results}`, '--rows=gvu,gen_only,judge_gvu', '--seeds=0', '--steps=2', '--promptsPerStep=2', '--groupSize=2',
      `--prompts=${join(dir, 'pool.jsonl')}`, `--test=${join(dir, 'test.jsonl')}`, '--seenPrompts=3', '--seedSets=1', '--evalGroupSize=2',
      '--scenesPerPrompt=1', '--probePerFamily=2', '--checkpointEvery=1', '--note=smoke',
    ];
    await studyCommand(argv);
    const t = JSON.parse(readFileSync(results, 'utf8'));
    for (const k of ['base', 'gvu', 'judge_reward_control', 'paper_config', 'understanding', 'probe', 'seen_vs_unseen', 'rows', 'minutes_per_run', 'budget']) {
      expect(t, k).toHaveProperty(k);
    }
    expect(readdirSync(out).sort()).toEqual(['base-probe-p2.json', 'base-seen-pool.jsonl-n3-g2.json', 'base-test-test.jsonl-s1-g2-r1.json', 'gvu-s0', 'judge_gvu-s0']);
    expect(t.budget).toMatchObject({ steps_per_run: 2, pilot: true, note: 'smoke' });
    const { gvu, gen_only: genOnly, judge_gvu: judge } = t.rows;
    expect(genOnly.trained_as).toBe('gvu');
    expect(genOnly.per_seed_overall).toEqual(gvu.per_seed_overall);
    expect(genOnly.understanding).toBe(t.base.understanding);
    expect(genOnly.probe).toBe(t.base.probe);
    expect(judge.settings).toMatchObject({ reward: 'judge', lr: 3e-4, beta: 0.1 });
    expect(t.judge_reward_control.row).toBe(`judge_${t.gvu.row}`);
    expect(t.paper_config).toBeNull();
    expect(Object.keys(t.seen_vs_unseen.gvu)).toEqual(['seen', 'unseen']);
    const md = readFileSync(join(dir, 'gvu.md'), 'utf8'); // the same numbers as a table
    expect(md).toContain(`| \`gvu\` | ${gvu.what} | 1 | ${gvu.overall.toFixed(3)} |`);
    expect(md).toContain('| `judge_gvu` |');
    // Training curves of the trained rows (gen_only shares gvu's runs), mean over seeds.
    const kl = readFileSync(join(dir, 'plots', 'study-kl.svg'), 'utf8');
    expect(kl).toContain('gvu (1 seed)');
    expect(kl).toContain('judge_gvu (1 seed)');
    expect(kl).not.toContain('gen_only');
    expect(readFileSync(join(dir, 'plots', 'study-reward.svg'), 'utf8')).not.toContain('judge_gvu');
    const steps = readFileSync(join(out, 'gvu-s0', 'log.jsonl'), 'utf8');
    await studyCommand(argv);
    expect(readFileSync(join(out, 'gvu-s0', 'log.jsonl'), 'utf8')).toBe(steps);
    expect(JSON.parse(readFileSync(results, 'utf8')).rows).toEqual(t.rows);
    // Other evaluation settings are measured anew, never read from the first run's files.
    await studyCommand(argv.map((a) => (a === '--evalGroupSize=2' ? '--evalGroupSize=1' : a)));
    expect(readdirSync(join(out, 'gvu-s0')).filter((f) => f.startsWith('eval-test')).sort()).toEqual([
      'eval-test-test.jsonl-s1-g1-r1.json', 'eval-test-test.jsonl-s1-g2-r1.json',
    ]);
    // --finished: an interim table of what has finished; nothing trains, a row with no finished seed is left out.
    await studyCommand([...argv.filter((a) => !a.startsWith('--rows') && !a.startsWith('--seeds')), '--rows=gvu,gen_only,judge_gvu,no_std', '--seeds=0,1', '--finished']);
    expect(readdirSync(out).filter((f) => !f.startsWith('base-')).sort()).toEqual(['gvu-s0', 'judge_gvu-s0']);
    const interim = JSON.parse(readFileSync(results, 'utf8'));
    expect(interim.budget.interim).toBe(true);
    expect(Object.keys(interim.rows)).toEqual(['gvu', 'gen_only', 'judge_gvu']);
    expect(interim.rows.gvu).toMatchObject({ seeds: 1, seed_ids: [0], per_seed_overall: gvu.per_seed_overall });
    expect(readFileSync(join(dir, 'gvu.md'), 'utf8')).toContain(`| \`gvu\` | ${gvu.what} | 1 (0) |`);
  }, 120_000);

  it('--workers=2 trains the runs in two processes with one ORT thread each, then measures them as one process would', async () => {
    const dir = smokeFiles();
    const out = join(dir, 'runs');
    const results = join(dir, 'gvu.json');
    await studyCommand([
      `--out=${out}`, `--results=${results}`, '--rows=gvu,judge_gvu', '--seeds=0', '--steps=2', '--promptsPerStep=2', '--groupSize=2',
      `--prompts=${join(dir, 'pool.jsonl')}`, `--test=${join(dir, 'test.jsonl')}`, '--seenPrompts=3', '--seedSets=1', '--evalGroupSize=2',
      '--scenesPerPrompt=1', '--probePerFamily=2', '--checkpointEvery=1', '--workers=2',
    ]);
    for (const run of ['gvu-s0', 'judge_gvu-s0']) {
      expect(readdirSync(join(out, run))).toContain('adapter');
      expect(readFileSync(join(out, `${run}.log`), 'utf8')).toMatch(/step 2\/2 /);
    }
    // Each process got the row's own settings and the study's budget as its --config.
    const judge = JSON.parse(readFileSync(join(out, 'judge_gvu-s0.train.json'), 'utf8'));
    expect(judge).toMatchObject({ reward: 'judge', teacher: 'frozen', steps: 2, seed: 0, out: join(out, 'judge_gvu-s0'), lr: 3e-4, beta: 0.1 });
    expect(Object.keys(JSON.parse(readFileSync(results, 'utf8')).rows)).toEqual(['gvu', 'judge_gvu']);
  }, 180_000);

  it('--workers: a run whose process fails is named with its log, and the table is not written', async () => {
    const dir = smokeFiles();
    const out = join(dir, 'runs');
    mkdirSync(join(out, 'gvu-s0', 'checkpoint'), { recursive: true });
    writeFileSync(join(out, 'gvu-s0', 'checkpoint', 'state.json'), '{ not json');
    await expect(studyCommand([
      `--out=${out}`, `--results=${join(dir, 'gvu.json')}`, '--rows=gvu', '--seeds=0', '--steps=2', '--promptsPerStep=2', '--groupSize=2',
      `--prompts=${join(dir, 'pool.jsonl')}`, `--test=${join(dir, 'test.jsonl')}`, '--workers=2',
    ])).rejects.toThrow(`study: 1 training run(s) failed: gvu-s0 (exit 2; see ${join(out, 'gvu-s0.log')})`);
    expect(readFileSync(join(out, 'gvu-s0.log'), 'utf8')).toContain(`checkpoint ${join(out, 'gvu-s0', 'checkpoint', 'state.json')}: not JSON`);
    expect(readdirSync(dir)).not.toContain('gvu.json');
  }, 120_000);

  it('refuses a row whose adapters come from a row not asked for', async () => {
    await expect(studyCommand(['--rows=gen_only', `--out=${join(mkdtempSync(join(tmpdir(), 'study-')), 'x')}`])).rejects.toThrow(
      '--rows: gen_only measures the adapters of gvu; add gvu to --rows',
    );
  });

  it('picks the best GvU row among those that keep understanding within a point, else the highest', () => {
    const rows: [string, { overall: number; understanding: number }][] = [['a', { overall: 0.70, understanding: 0.95 }], ['b', { overall: 0.65, understanding: 0.985 }], ['c', { overall: 0.62, understanding: 0.99 }]];
    expect(pickBest(rows, 0.99)).toBe('b');
    expect(pickBest(rows, 1.2)).toBe('a');
    expect(pickBest([], 0.99)).toBeNull();
  });
});
