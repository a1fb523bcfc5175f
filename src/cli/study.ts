// `npm run gvu -- study`: issue 12's table in one command. Trains every requested row (studyRows.ts)
// for every seed at the same budget, measures base and each adapter on the test prompts (never seen
// by RL) and on a fixed slice of the RL pool (seen), with understanding, the relation edits, the
// fine-grained probe and the reward-judge AUC, and writes docs/results/gvu.json. Runs resume from
// their checkpoints and every measurement is cached in its run folder, so the command can be
// stopped and run again. --workers=N trains N runs at once in their own processes; disjoint
// --rows/--seeds in separate commands work too, gathered by a last run over all of them.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.ts';
import { type ProbeResult, buildProbe, measureProbe } from '../core/eval/understandingProbe.ts';
import { serializeModel } from '../core/graph/index.ts';
import { GVU_PRESETS } from '../core/gvu/presets.ts';
import { ADAPTER_CONFIG_FILE } from '../core/model/adapter.ts';
import type { ModelConfig } from '../core/model/config.ts';
import type { LoraConfig } from '../core/model/lora.ts';
import { buildUnderstandingScoreGraph } from '../core/model/umm.ts';
import type { Weights } from '../core/model/weights.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import type { Spec } from '../core/world/index.ts';
import { loadAdapter } from './adapterFiles.ts';
import { type PolicyEval, evaluatePolicy } from './evaluate.ts';
import { type FlagValues, flag, parseFlags } from './flags.ts';
import { GVU_FLAGS } from './gvuFlags.ts';
import { loadModel } from './modelFiles.ts';
import { withOutputDir } from './outputDir.ts';
import { everyKth, loadPromptSet } from './promptSets.ts';
import { loggedMinutes, readRunLog } from './runLog.ts';
import { studyMarkdown } from './studyMarkdown.ts';
import { writeStudyPlots } from './studyPlots.ts';
import { STUDY_BASE, STUDY_ROW_NAMES, type StudyRow, studyRow, trainingRowOf } from './studyRows.ts';
import { TRAIN_CLI_DEFAULTS, TRAIN_FLAGS, type TrainCliConfig, runTraining } from './train.ts';

export const STUDY_FLAGS = {
  model: TRAIN_FLAGS.model,
  out: flag.output('runs/study', 'DIR', 'one folder per row and seed (resumed; measurements cached there)'),
  results: flag.output('docs/results/gvu.json', 'FILE', 'the table'),
  rows: flag.choices(STUDY_ROW_NAMES, STUDY_ROW_NAMES, 'rows to train and measure (each GvU row has a judge_ twin)'),
  seeds: flag.integers([0, 1, 2], 'seeds of every row', { min: 0 }),
  steps: { ...GVU_FLAGS.steps, help: 'GRPO steps per run, the same for every row (1500: the 30-CPU-minute budget of one run alone on 2 cores)' },
  promptsPerStep: { ...GVU_FLAGS.promptsPerStep, help: 'P; with groupSize, the images per step of every row (a row with its own G gets P x G / G prompts)' },
  groupSize: GVU_FLAGS.groupSize,
  prompts: { ...TRAIN_FLAGS.prompts, help: 'RL prompts (seen): a shipped set or a spec .jsonl' },
  test: flag.string('test', 'SET|FILE', 'held-out prompts (never seen by RL)'),
  seenPrompts: flag.integer(115, 'prompts of the RL set measured as "seen" (every k-th, k = set size / this)', { min: 1 }),
  evalEvery: { ...GVU_FLAGS.evalEvery, default: 0, help: 'validation during training (0 = never; the table does not use it)' },
  checkpointEvery: GVU_FLAGS.checkpointEvery,
  seedSets: flag.integer(3, 'generation seed sets on the test prompts', { min: 1 }),
  evalGroupSize: flag.integer(8, 'images per prompt per seed set', { min: 1 }),
  scenesPerPrompt: flag.integer(4, 'held-out renders per prompt for the caption ranking', { min: 1 }),
  probePerFamily: flag.integer(100, 'items per family of the fine-grained probe (seed 5)', { min: 1 }),
  note: flag.string('', 'TEXT', 'written into the JSON as budget.note (say when a run is a reduced-budget pilot)'),
  workers: flag.integer(1, 'runs trained at once, each in its own process with one ORT thread (2 on a 2-core machine)', { min: 1 }),
  finished: flag.boolean(false, 'train nothing: gather only the seeds each row has finished (an interim table while runs train; each row gives its seeds)'),
} as const;
type StudyConfig = FlagValues<typeof STUDY_FLAGS>;

/** One measured policy: ShapesEval on test and seen prompts, understanding, probe, and its run's log. */
interface Measured {
  test: PolicyEval;
  seen: PolicyEval;
  probe: ProbeResult;
  kl_last100: number | null;
  rollout_pass_last100: number | null;
  minutes: number | null;
  steps_done: number;
  seed: number;
}

export async function studyCommand(argv: string[]): Promise<void> {
  const o = parseFlags('study', STUDY_FLAGS, argv);
  const { cfg, weights } = loadModel(o.model);
  const test = loadPromptSet(o.test);
  const pool = loadPromptSet(o.prompts);
  const { slice: seen } = everyKth(pool, o.seenPrompts);
  for (const name of o.rows) {
    const from = trainingRowOf(studyRow(name));
    if (from !== name && !o.rows.includes(from)) throw new InputError(`--rows: ${name} measures the adapters of ${from}; add ${from} to --rows`);
  }
  await withOutputDir(o.out, () => runStudy(o, argv, cfg, weights, test, seen, pool.length));
}

const runDir = (o: StudyConfig, row: StudyRow, seed: number) => join(o.out, `${trainingRowOf(row)}-s${seed}`);

async function runStudy(o: StudyConfig, argv: string[], cfg: ModelConfig, base: Weights, test: Spec[], seen: Spec[], seenTotal: number): Promise<void> {
  const isTrained = (row: StudyRow, seed: number) => existsSync(join(runDir(o, row, seed), 'adapter', ADAPTER_CONFIG_FILE));
  // --finished: each row keeps the seeds whose run has finished; a row with none is left out.
  const seedsOf = new Map(o.rows.map((name) => [name, o.finished ? o.seeds.filter((s) => isTrained(studyRow(name), s)) : o.seeds]));
  const rows = o.rows.map(studyRow).filter((r) => seedsOf.get(r.name)!.length > 0);
  for (const name of o.rows.filter((n) => !seedsOf.get(n)!.length)) console.log(`== ${name}: no finished seed, left out`);
  const pending = o.finished ? [] : rows.filter((r) => !r.sameRunAs).flatMap((row) => o.seeds.map((seed) => ({ row, seed, run: trainingConfig(o, row, seed) })))
    .filter((j) => !isTrained(j.row, j.seed));
  if (o.workers > 1) await trainInProcesses(o, pending);
  else {
    for (const { row, seed, run } of pending) {
      console.log(`\n== training ${row.name} seed ${seed} (${row.what})`);
      await runTraining(run);
    }
  }

  const probeItems = buildProbe(o.probePerFamily, 5);
  const evalOpts = { seedSets: o.seedSets, groupSize: o.evalGroupSize, scenesPerPrompt: o.scenesPerPrompt };
  const seenOpts = { seedSets: 1, groupSize: o.evalGroupSize, scenesPerPrompt: 1 };
  // Cache files name what was measured, so a run with other evaluation settings measures again
  // instead of reading numbers made another way.
  const names = {
    test: `test-${basename(o.test)}-s${o.seedSets}-g${o.evalGroupSize}-r${o.scenesPerPrompt}.json`,
    seen: `seen-${basename(o.prompts)}-n${o.seenPrompts}-g${o.evalGroupSize}.json`,
    probe: `probe-p${o.probePerFamily}.json`,
  };
  console.log('\n== measuring base');
  const baseM = {
    test: await cached(join(o.out, `base-${names.test}`), () => evaluatePolicy(cfg, base, null, test, evalOpts)),
    seen: await cached(join(o.out, `base-${names.seen}`), () => evaluatePolicy(cfg, base, null, seen, seenOpts)),
    probe: await cached(join(o.out, `base-${names.probe}`), () => probeOf(cfg, base, undefined, probeItems)),
  };

  const measured: Record<string, Measured[]> = {};
  for (const row of rows) {
    measured[row.name] = [];
    const scope = row.settings.adapterScope ?? 'shared';
    for (const seed of seedsOf.get(row.name)!) {
      const dir = runDir(o, row, seed);
      const adapter = loadAdapter(join(dir, 'adapter'), cfg);
      console.log(`== measuring ${row.name} seed ${seed}`);
      const testEval = await cached(join(dir, `eval-${names.test}`), () => evaluatePolicy(cfg, base, adapter, test, evalOpts));
      const seenEval = await cached(join(dir, `eval-${names.seen}`), () => evaluatePolicy(cfg, base, adapter, seen, seenOpts));
      // Generation-only placement: understanding runs the base weights, so its caption ranking
      // and probe are the base's (the same weights give the same numbers); generation is the adapter's.
      const understandingFrom = scope === 'generation' ? baseM.test : testEval;
      const probe = scope === 'generation' ? baseM.probe : await cached(join(dir, names.probe), () => probeOf(cfg, base, adapter, probeItems));
      const log = readRunLog(join(dir, 'log.jsonl'));
      const last = log.slice(-100);
      const meanOf = (key: string) => (last.length ? last.reduce((a, r) => a + r[key], 0) / last.length : null);
      measured[row.name].push({
        test: { ...testEval, understanding: understandingFrom.understanding, understanding_per_edit: understandingFrom.understanding_per_edit },
        seen: seenEval, probe, kl_last100: meanOf('kl'), rollout_pass_last100: meanOf('judgePass'),
        minutes: loggedMinutes(log), steps_done: log.at(-1)?.step ?? 0, seed,
      });
    }
  }

  const result = studyTable(o, argv, rows, baseM, measured, seen, seenTotal);
  writeFileSync(o.results, JSON.stringify(result, null, 2) + '\n');
  const table = o.results.replace(/\.json$/, '') + '.md';
  writeFileSync(table, studyMarkdown(result));
  const trained = rows.filter((r) => !r.sameRunAs).map((r) => [r.name, seedsOf.get(r.name)!.map((seed) => runDir(o, r, seed))] as const);
  writeStudyPlots(join(dirname(o.results), 'plots'), Object.fromEntries(trained), o.steps);
  console.log(`wrote ${o.results}, ${table} and plots/study-*.svg beside them`);
  console.log(JSON.stringify({ base: result.base.overall, best: result.best_rule, gvu: result.gvu, judge: result.judge_reward_control?.overall }, null, 2));
}

/** A row's training run for one seed: STUDY_BASE, the row's settings, the study's budget. */
function trainingConfig(o: StudyConfig, row: StudyRow, seed: number): TrainCliConfig {
  // Equal budget: every row samples P x G images per step; a row with its own G (paper: 2) gets P x G / its G prompts.
  const g = row.settings.groupSize ?? o.groupSize;
  const promptsPerStep = (o.promptsPerStep * o.groupSize) / g;
  if (!Number.isInteger(promptsPerStep)) throw new InputError(`row ${row.name}: ${o.promptsPerStep} x ${o.groupSize} images per step do not split into groups of ${g}`);
  const run = {
    ...TRAIN_CLI_DEFAULTS, ...STUDY_BASE, ...row.settings, groupSize: g, promptsPerStep,
    model: o.model, out: runDir(o, row, seed), prompts: o.prompts, steps: o.steps, seed, evalEvery: o.evalEvery, checkpointEvery: o.checkpointEvery,
    snapshotEvery: 0,
  };
  // Only train's own flags: the config also goes to a `train` process as its --config file.
  return Object.fromEntries(Object.keys(TRAIN_FLAGS).map((k) => [k, run[k as keyof typeof run]])) as TrainCliConfig;
}

/**
 * --workers=N: N `gvu train` processes at a time, each with one ORT thread (GVU_ORT_THREADS=1), fed
 * the runs still to train. On 2 cores two such runs take ~0.8 s of machine time per step against
 * ~1.1 s for one run on two threads (docs/benchmarks.md). A run's console goes to <out>/<run>.log;
 * a failed run is named with its log once the others are done.
 */
async function trainInProcesses(o: StudyConfig, jobs: readonly { row: StudyRow; seed: number; run: TrainCliConfig }[]): Promise<void> {
  const entry = fileURLToPath(new URL('./gvu.ts', import.meta.url));
  const failed: string[] = [];
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const name = basename(job.run.out);
      const configFile = join(o.out, `${name}.train.json`);
      const logFile = join(o.out, `${name}.log`);
      writeFileSync(configFile, JSON.stringify(job.run, null, 2) + '\n');
      console.log(`== training ${job.row.name} seed ${job.seed} in a process (${job.row.what}); console in ${logFile}`);
      const code = await new Promise<number | null>((done) => {
        const log = openSync(logFile, 'a');
        // As `npm run gvu` starts the CLI (package.json), whatever started this process (vitest, tsx).
        const child = spawn(process.execPath, ['--import', 'tsx', entry, 'train', `--config=${configFile}`], {
          env: { ...process.env, GVU_ORT_THREADS: '1' }, stdio: ['ignore', log, log],
        });
        // 'close' comes once, after 'exit' or after a failed spawn's 'error' (code null then).
        child.on('error', (e) => console.error(`study: could not start ${name}: ${e.message}`));
        child.on('close', (c) => { closeSync(log); done(c); });
      });
      if (code === 0) console.log(`== ${name} trained`);
      else failed.push(`${name} (exit ${code}; see ${logFile})`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.workers, jobs.length) }, worker));
  if (failed.length) throw new Error(`study: ${failed.length} training run(s) failed: ${failed.join(', ')}`);
}

async function probeOf(cfg: ModelConfig, base: Weights, adapter: { lora: LoraConfig; weights: Weights } | undefined, items: ReturnType<typeof buildProbe>) {
  const scorer = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(cfg, adapter ? { lora: adapter.lora } : {})));
  try {
    return await measureProbe(cfg, { ...base, ...(adapter?.weights ?? {}) }, scorer, items);
  } finally {
    await scorer.release();
  }
}

async function cached<T>(file: string, make: () => Promise<T>): Promise<T> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  const v = await make();
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(v, null, 2) + '\n');
  return v;
}

// A NaN (no pairs of a kind) is cached as null; read it back as NaN, never as 0.
const mean = (xs: readonly (number | null)[]) => xs.reduce((a: number, b) => a + (b ?? NaN), 0) / xs.length;
const sd = (xs: readonly number[]) => (xs.length < 2 ? null : Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1)));
const meanOrNull = (xs: readonly (number | null)[]) => (xs.some((x) => x === null) ? null : mean(xs as number[]));
const perCategory = (evals: readonly PolicyEval[]) =>
  Object.fromEntries(Object.keys(evals[0].per_category).map((t) => [t, mean(evals.map((e) => e.per_category[t]))]));

/** A row's numbers, means over seeds (std over seeds where there are two or more). */
function rowSummary(row: StudyRow, ms: readonly Measured[], base: { test: PolicyEval; seen: PolicyEval }) {
  const overall = ms.map((m) => m.test.overall);
  return {
    what: row.what,
    settings: { ...STUDY_BASE, ...row.settings },
    trained_as: trainingRowOf(row),
    seeds: ms.length,
    seed_ids: ms.map((m) => m.seed),
    overall: mean(overall),
    overall_std: sd(overall),
    per_seed_overall: overall,
    strict_overall: mean(ms.map((m) => m.test.strict_overall)),
    relative_gain: mean(overall) / base.test.overall - 1,
    per_category: perCategory(ms.map((m) => m.test)),
    seen_overall: mean(ms.map((m) => m.seen.overall)),
    seen_per_category: perCategory(ms.map((m) => m.seen)),
    understanding: mean(ms.map((m) => m.test.understanding)),
    relation_edits: mean(ms.map((m) => m.test.understanding_per_edit.relation)),
    probe: mean(ms.map((m) => m.probe.overall)),
    probe_per_family: Object.fromEntries(Object.keys(ms[0].probe.perFamily).map((f) => [f, mean(ms.map((m) => m.probe.perFamily[f as keyof ProbeResult['perFamily']].accuracy))])),
    reward_judge_auc: mean(ms.map((m) => m.test.agreement_auc)),
    kl_last100: meanOrNull(ms.map((m) => m.kl_last100)),
    rollout_pass_last100: meanOrNull(ms.map((m) => m.rollout_pass_last100)),
    minutes: meanOrNull(ms.map((m) => m.minutes)),
    steps_done: Math.min(...ms.map((m) => m.steps_done)),
  };
}
type RowSummary = ReturnType<typeof rowSummary>;

export const BEST_RULE = 'the GvU row (not a judge twin) with the highest test overall among those whose understanding is within 0.01 of the base; if none, the highest test overall';

export function pickBest(gvuRows: readonly [string, Pick<RowSummary, 'overall' | 'understanding'>][], baseUnderstanding: number): string | null {
  if (gvuRows.length === 0) return null;
  const kept = gvuRows.filter(([, r]) => r.understanding >= baseUnderstanding - 0.01);
  const pool = kept.length ? kept : gvuRows;
  return pool.reduce((best, cur) => (cur[1].overall > best[1].overall ? cur : best))[0];
}

function studyTable(
  o: StudyConfig, argv: string[], rows: readonly StudyRow[], base: { test: PolicyEval; seen: PolicyEval; probe: ProbeResult }, measured: Record<string, Measured[]>,
  seen: readonly Spec[], seenTotal: number,
) {
  const summaries = Object.fromEntries(rows.map((r) => [r.name, rowSummary(r, measured[r.name], base)]));
  const gvuNames = rows.filter((r) => !r.name.startsWith('judge_')).map((r) => r.name);
  const best = pickBest(gvuNames.map((n) => [n, summaries[n]]), base.test.understanding);
  const b = best ? summaries[best] : null;
  const twin = best ? summaries[`judge_${best}`] ?? null : null;
  const minutes = Object.values(summaries).map((s) => s.minutes).filter((m): m is number => m !== null);
  const headlineImages = GVU_PRESETS.headline.config.promptsPerStep * GVU_PRESETS.headline.config.groupSize;
  return {
    question: 'How much of a perfect verifier\'s gain does the model\'s own understanding deliver, and what does it cost the understanding?',
    command: `npm run gvu -- study ${argv.join(' ')}`.trim(),
    budget: {
      steps_per_run: o.steps, images_per_step: o.promptsPerStep * o.groupSize, full_budget_steps: GVU_PRESETS.headline.config.steps,
      full_budget_images_per_step: headlineImages, pilot: o.steps < GVU_PRESETS.headline.config.steps || o.seeds.length < 3, note: o.note,
      interim: o.finished, // rows may have fewer seeds than asked: each row's `seeds` says
    },
    minutes_per_run: minutes.length ? mean(minutes) : null,
    eval: {
      test: o.test, seed_sets: o.seedSets, group_size: o.evalGroupSize,
      seen: { prompts: o.prompts, measured: seen.length, every_kth: Math.max(1, Math.floor(seenTotal / o.seenPrompts)), seed_sets: 1 },
      relation_rule: 'GenEval relative_position', probe: { per_family: o.probePerFamily, seed: 5, pairs: base.probe.pairs },
    },
    best_rule: BEST_RULE,
    base: {
      overall: base.test.overall, strict_overall: base.test.strict_overall, per_category: base.test.per_category,
      seen_overall: base.seen.overall, seen_per_category: base.seen.per_category,
      understanding: base.test.understanding, relation_edits: base.test.understanding_per_edit.relation,
      probe: base.probe.overall, probe_per_family: Object.fromEntries(Object.entries(base.probe.perFamily).map(([f, v]) => [f, v.accuracy])),
      reward_judge_auc: base.test.agreement_auc,
    },
    gvu: b && {
      row: best, overall: b.overall, strict_overall: b.strict_overall, overall_std: b.overall_std, seeds: b.seeds,
      per_seed_overall: b.per_seed_overall, relative_gain: b.relative_gain, per_category: b.per_category,
    },
    judge_reward_control: twin && {
      row: `judge_${best}`, overall: twin.overall, strict_overall: twin.strict_overall, overall_std: twin.overall_std, seeds: twin.seeds,
      relative_gain: twin.relative_gain, per_category: twin.per_category,
      gvu_share_of_judge_gain: b && (b.overall - base.test.overall) / (twin.overall - base.test.overall),
    },
    paper_config: summaries.paper ?? null,
    understanding: b && {
      before: base.test.understanding, after: b.understanding, relation_before: base.test.understanding_per_edit.relation, relation_after: b.relation_edits,
    },
    probe: { before: base.probe.overall, after: Object.fromEntries(Object.entries(summaries).map(([n, s]) => [n, s.probe])) },
    seen_vs_unseen: Object.fromEntries(Object.entries(summaries).map(([n, s]) => [n, {
      seen: { before: base.seen.overall, after: s.seen_overall, per_category_before: base.seen.per_category, per_category_after: s.seen_per_category },
      unseen: { before: base.test.overall, after: s.overall, per_category_before: base.test.per_category, per_category_after: s.per_category },
    }])),
    rows: summaries,
  };
}
