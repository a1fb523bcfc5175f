// `npm run gvu -- score --prompts=FILE [--model=DIR] [--adapter=DIR] [--out=DIR]`: batch scoring from
// the command line, the same code path as the playground's Batch view. --model may name a Janus
// (MultiModality ONNX) folder: then the Janus family generates and scores (scoreJanus.ts). Any
// prompt-set format (TXT, CSV, JSONL, GenEval metadata JSONL); per-line problems are listed and the
// valid rows still run. For every prompt: G images, their intrinsic reward and per-token
// probabilities, the ShapesEval verdict when the prompt has a spec. Writes results.jsonl,
// results.csv, images/*.png and problems.txt.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { judge } from '../core/eval/judge.ts';
import { freezeInputs, serializeModel } from '../core/graph/index.ts';
import { GVU_SAMPLING, sampleImages } from '../core/gvu/sampling.ts';
import { scoreImages } from '../core/gvu/scoreImages.ts';
import { REWARD_VARIANTS } from '../core/gvu/reward.ts';
import { InputError } from '../core/errors.ts';
import { decodeText } from '../core/io/decodeText.ts';
import { type PromptRow, type PromptSet, formatProblem, parsePromptSet } from '../core/io/promptSet.ts';
import { type ScoredRow, resultsToCsv, resultsToJsonl } from '../core/io/results.ts';
import type { ModelConfig } from '../core/model/config.ts';
import { buildUnderstandingScoreGraph } from '../core/model/umm.ts';
import type { Weights } from '../core/model/weights.ts';
import { mergeAdapter } from '../core/model/mergeAdapter.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import { BOS_ID, IMAGE_SIZE, IMG_ID, UNCOND_PROMPT, lookupSpec, renderTokens } from '../core/world/index.ts';
import type { Spec } from '../core/world/spec.ts';
import { loadAdapter } from './adapterFiles.ts';
import { loadModel } from './modelFiles.ts';
import { type FlagValues, flag, parseFlags } from './flags.ts';
import { withOutputDir } from './outputDir.ts';
import { loadPromptSets } from './promptSets.ts';
import { createGenerationSessions } from './generationSessions.ts';
import { JANUS_DTYPES } from '../core/families/janus/graphFiles.ts';
import { isJanusFolder } from './janusFolder.ts';
import { scoreJanusInto } from './scoreJanus.ts';
import { QUEUE_SCORE_FLAGS } from './queue/flags.ts';

export const SCORE_FLAGS = {
  prompts: flag.input('public/data/prompts/test.jsonl', 'file', 'prompt file', 'any prompt-set file: TXT, CSV, JSONL or GenEval metadata (UTF-8 or UTF-16)'),
  model: flag.input('public/models/tiny-umm', 'dir', 'model directory', 'base model directory: the tiny UMM, or a Janus (multi_modality ONNX) folder'),
  dtype: flag.choice(JANUS_DTYPES, 'fp32', 'Janus graphs to load (onnx/NAME_SUFFIX.onnx); float16 graphs (fp16, q4f16) are converted at their edges'),
  adapter: flag.input('', 'dir', 'adapter directory', 'PEFT adapter directory (default: none, the base model)'),
  groupSize: flag.integer(4, 'images per prompt', { min: 1, max: 64 }),
  seed: flag.integer(0, 'image k of prompt row i uses seed + i * groupSize + k', { min: 0 }),
  variant: flag.choice(REWARD_VARIANTS, 'geomean', 'how word probabilities make the reward'),
  includeEos: flag.boolean(false, 'score the end-of-sequence token too'),
  teacher: flag.choice(['frozen', 'policy'], 'frozen', 'the scorer: frozen base, or the policy (base + adapter; needs --adapter)'),
  cfgScale: flag.number(1, 'classifier-free guidance (1 = none, as GvU samples; upstream Janus uses 5)', { min: 0, max: 20 }),
  images: flag.boolean(true, 'write PNGs'),
  out: flag.output('', 'DIR', 'results folder (default: runs/score/<prompt file name>)'),
  ...QUEUE_SCORE_FLAGS,
} as const;
export type ScoreConfig = FlagValues<typeof SCORE_FLAGS>;

export async function scoreCommand(argv: string[]): Promise<void> {
  const o = parseFlags('score', SCORE_FLAGS, argv);
  if (o.teacher === 'policy' && !o.adapter) throw new InputError('--teacher=policy scores with base + adapter; give --adapter=DIR too');
  // Everything that can be refused is read before the results folder exists.
  // A Janus folder reads any text with its own tokenizer; the tiny UMM only ShapesWorld's words.
  const set = parsePromptSet(decodeText(readFileSync(o.prompts)), o.prompts, { vocabulary: isJanusFolder(o.model) ? 'free' : 'shapesworld' });
  const out = o.out || join('runs/score', basename(o.prompts).replace(/\.[^.]+$/, ''));
  if (o.queue) return (await import('./queue/producer.ts')).queueScoreCommand(o, set, out);
  if (o.status || o.cancel) throw new InputError(`--${o.status ? 'status' : 'cancel'} reports on a queued run; give --queue=redis://HOST:PORT/DB too`);
  if (isJanusFolder(o.model)) {
    // No LoRA for Janus: its family cannot train (capabilities.train is false), so no adapter to score with.
    if (o.adapter) throw new InputError(`--adapter: ${o.model} is a Janus folder, and the Janus family takes no adapter`);
    await withOutputDir(out, () => scoreJanusInto(o, out, set));
    return;
  }
  if (o.dtype !== 'fp32') throw new InputError(`--dtype=${o.dtype} picks Janus graph files; ${o.model} is not a Janus folder`);
  const { cfg, weights: base } = loadModel(o.model);
  const adapter = o.adapter ? loadAdapter(o.adapter, cfg) : null;
  await withOutputDir(out, () => scoreInto(o, out, set, cfg, base, adapter));
}

async function scoreInto(
  o: ScoreConfig, out: string, set: PromptSet, cfg: ModelConfig, base: Weights, adapter: ReturnType<typeof loadAdapter> | null,
): Promise<void> {
  if (o.images) mkdirSync(join(out, 'images'), { recursive: true });
  writeProblems(o.prompts, out, set);
  console.log(`${set.rows.length} prompts (${set.format}), ${set.problems.length} problems`);

  const scorer = await createTinyScorer(o, cfg, base, adapter);
  const rows: ScoredRow[] = [];
  const t0 = Date.now();
  const per = promptsPerBatch(o.groupSize);
  for (let i = 0; i < set.rows.length; i += per) {
    for (const x of await scoreBatch(scorer, set.rows.slice(i, i + per), i)) {
      rows.push(x.row);
      if (o.images) writeImage(out, x.row, x.image);
    }
    const done = Math.min(set.rows.length, i + per);
    const rate = done / ((Date.now() - t0) / 1000);
    process.stdout.write(`\r${done}/${set.rows.length} prompts  ${rate.toFixed(1)} prompts/s  ETA ${((set.rows.length - done) / rate).toFixed(0)} s   `);
  }
  console.log('');
  writeResults(out, rows, o.images);
}

/** The settings a scored image depends on (besides its prompt, seed, model and adapter). */
export type ScoreSettings = Pick<ScoreConfig, 'groupSize' | 'seed' | 'variant' | 'includeEos' | 'teacher' | 'cfgScale'>;

/** What scoring a batch needs, made once per process: the one-machine loop and a queue worker share it. */
export interface TinyScorer {
  readonly o: ScoreSettings;
  readonly cfg: ModelConfig;
  readonly base: Weights;
  readonly policy: Weights;
  readonly teacherIsPolicy: boolean;
  readonly sessions: Awaited<ReturnType<typeof createGenerationSessions>>;
  readonly scorer: Awaited<ReturnType<typeof createNodeSession>>;
  readonly specOf: ReadonlyMap<string, Spec>;
}

export async function createTinyScorer(o: ScoreSettings, cfg: ModelConfig, base: Weights, adapter: ReturnType<typeof loadAdapter> | null): Promise<TinyScorer> {
  // The adapter is fixed for the whole run: merged into the weights, it runs on the base graph.
  const policy = adapter ? mergeAdapter(base, adapter.lora, adapter.weights) : base;
  const sessions = await createGenerationSessions(cfg, policy);
  const teacherIsPolicy = o.teacher === 'policy' && adapter !== null;
  const teacher = teacherIsPolicy ? policy : base;
  const scorer = await createNodeSession(serializeModel(freezeInputs(buildUnderstandingScoreGraph(cfg), teacher)), { frozen: teacher });
  // Plain prompts that are ShapesWorld prompts get their spec from the shipped sets, else from the
  // grammar (promptToSpec), so they are judged too.
  const shipped = Object.values(loadPromptSets()).flat();
  const specOf = new Map(shipped.map((s) => [s.prompt, s]));
  return { o, cfg, base, policy, teacherIsPolicy, sessions, scorer, specOf };
}

/** Prompts per sampling batch: G images each, 64 images at most. */
export const promptsPerBatch = (groupSize: number): number => Math.max(1, Math.floor(64 / groupSize));

/** One scored image: its row and its RGB pixels. */
export interface ScoredImage {
  readonly row: ScoredRow;
  readonly image: Uint8Array;
}

/** Score `chunk` as one sampling batch; `first` is the index of chunk[0] in the prompt set (it picks the seeds). */
export async function scoreBatch(s: TinyScorer, chunk: readonly PromptRow[], first: number): Promise<ScoredImage[]> {
  const { o, cfg } = s;
  const g = o.groupSize;
  const seeds = chunk.flatMap((_, c) => Array.from({ length: g }, (_, k) => o.seed + (first + c) * g + k));
  const samples = await sampleImages(cfg, s.policy, s.sessions, chunk.map((r) => [BOS_ID, ...r.ids, IMG_ID]), {
    ...GVU_SAMPLING, cfgScale: o.cfgScale, uncondPrompt: UNCOND_PROMPT, groupSize: g, seeds,
  });
  const images = samples.map((x) => renderTokens(x.codes));
  const rewards = await scoreImages(cfg, s.teacherIsPolicy ? s.policy : s.base, s.scorer, samples.map((x, k) => ({ image: images[k], prompt: chunk[x.prompt].words.join(' ') })), {
    variant: o.variant, includeEos: o.includeEos,
  });
  return samples.map((x, k) => {
    const row = chunk[x.prompt];
    const spec = row.spec ?? lookupSpec(row.words.join(' '), s.specOf).spec;
    const v = spec ? judge(images[k], spec) : null;
    return {
      image: images[k],
      row: {
        line: row.line, prompt: row.prompt, tag: row.tag ?? spec?.tag ?? null, seed: x.seed, imageIndex: x.member, cfgScale: o.cfgScale,
        reward: rewards[k].reward, lowestWord: rewards[k].lowest.word, lowestP: rewards[k].lowest.p,
        perToken: rewards[k].tokens.map((t) => ({ word: t.word, p: t.p })),
        judgePass: v ? v.pass : null, judgeStrictPass: v ? v.strictPass : null, judgeReasons: v ? v.reasons : [],
      },
    };
  });
}

/** images/line<L>-<k>.png, as every score run names them. */
export const imageFileName = (row: Pick<ScoredRow, 'line' | 'imageIndex'>): string => `line${row.line}-${row.imageIndex}.png`;

export const encodeImage = (image: Uint8Array): Uint8Array => encodePng({ width: IMAGE_SIZE, height: IMAGE_SIZE, data: image, channels: 3 });

function writeImage(out: string, row: ScoredRow, image: Uint8Array): void {
  writeFileSync(join(out, 'images', imageFileName(row)), encodeImage(image));
}

/** problems.txt (every refused line of the prompt file), also shown on stderr. */
export function writeProblems(promptFile: string, out: string, set: PromptSet, extra: readonly string[] = []): void {
  const problems = [...set.problems.map((p) => formatProblem(promptFile, p)), ...extra];
  writeFileSync(join(out, 'problems.txt'), problems.join('\n') + (problems.length ? '\n' : ''));
  for (const p of problems) console.warn(p);
}

/** results.jsonl and results.csv, and the summary line. */
export function writeResults(out: string, rows: readonly ScoredRow[], images: boolean): void {
  writeFileSync(join(out, 'results.jsonl'), resultsToJsonl(rows));
  writeFileSync(join(out, 'results.csv'), resultsToCsv(rows, { digits: 4 }));
  const judged = rows.filter((r) => r.judgePass !== null);
  const mean = rows.reduce((a, r) => a + r.reward, 0) / Math.max(1, rows.length);
  console.log(`mean reward ${mean.toFixed(4)}` + (judged.length ? `, ShapesEval pass ${(judged.filter((r) => r.judgePass).length / judged.length).toFixed(3)} on ${judged.length} judged images` : ''));
  console.log(`wrote ${out}/results.jsonl, results.csv${images ? ', images/' : ''}`);
}
