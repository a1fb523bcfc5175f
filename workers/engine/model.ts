// The worker's model state: the shipped base model (fetched, validated), the current adapter, the
// chosen backend, and the ORT sessions built for them (cached per backend and graph). Everything
// else in workers/engine reads the model through this file.
import { Graph, freezeInputs, serializeModel } from '../../src/core/graph/index.ts';
import { type ModelConfig, validateConfig } from '../../src/core/model/config.ts';
import type { LoraConfig } from '../../src/core/model/lora.ts';
import { buildGenerationStepGraph, buildUnderstandingScoreGraph } from '../../src/core/model/umm.ts';
import { type GenerationSessions, generationSessionOptions } from '../../src/core/gvu/sampling.ts';
import { buildSamplingGraph } from '../../src/core/gvu/samplingGraph.ts';
import { type Weights, checkWeights, countParams, decodeSafetensors } from '../../src/core/model/weights.ts';
import type { ModelSession, SessionOptions } from '../../src/core/runtime/session.ts';
import { type WebBackend, createWebSession, loadOrt, siteUrl } from '../../src/core/runtime/web.ts';
import { type Spec, parseSpecJsonl, wordGroupOf } from '../../src/core/world/index.ts';
import type { AdapterInfo, ModelInfo, OpTiming, RewardSettings, Teacher } from '../engineApi.ts';

export const MODEL_DIR = 'models/tiny-umm/'; // under the site's root (siteUrl)
export const PROMPT_SETS = ['train', 'val', 'test'] as const;

interface Adapter {
  lora: LoraConfig;
  weights: Weights;
  source: AdapterInfo['source'];
  label?: string | null;
  step: number | null;
  warnings?: readonly string[];
}

interface Loaded {
  cfg: ModelConfig;
  base: Weights;
  bytes: number;
  dtype: string;
  specs: Map<string, Spec>; // exact prompt text -> spec, from the shipped prompt sets
  sets: Record<(typeof PROMPT_SETS)[number], Spec[]>;
}

let loaded: Promise<Loaded> | null = null;
let backend: WebBackend = 'wasm';
let adapter: Adapter | null = null;
const sessions = new Map<string, Promise<ModelSession>>();
const timings: OpTiming[] = [];


async function fetchOk(path: string): Promise<Response> {
  const res = await fetch(siteUrl(path));
  if (!res.ok) throw new Error(`could not fetch ${path}: HTTP ${res.status}`);
  return res;
}

export function loadModel(): Promise<Loaded> {
  loaded ??= (async () => {
    const cfg = validateConfig(await (await fetchOk(`${MODEL_DIR}config.json`)).json());
    const raw = new Uint8Array(await (await fetchOk(`${MODEL_DIR}model.safetensors`)).arrayBuffer());
    const { tensors } = decodeSafetensors(raw, `${MODEL_DIR}model.safetensors`);
    checkWeights(cfg, tensors, `${MODEL_DIR}model.safetensors`);
    const header = new TextDecoder().decode(raw.subarray(8, 8 + Math.min(4096, raw.length - 8)));
    const dtype = /"dtype":"(\w+)"/.exec(header)?.[1] ?? 'unknown';
    const specs = new Map<string, Spec>();
    const sets = {} as Loaded['sets'];
    for (const name of PROMPT_SETS) {
      sets[name] = parseSpecJsonl(await (await fetchOk(`data/prompts/${name}.jsonl`)).text(), `${name}.jsonl`);
      for (const s of sets[name]) specs.set(s.prompt, s);
    }
    return { cfg, base: tensors, bytes: raw.byteLength, dtype, specs, sets };
  })();
  loaded.catch(() => (loaded = null)); // a failed load may be retried
  return loaded;
}

export const currentBackend = (): WebBackend => backend;

/**
 * Started with the worker, so the first image does not wait for it: compile ORT's WASM (the first
 * session on a backend does) while the page probes the GPU and the model downloads, then, once the
 * weights are in, build the default policy's sampling sessions and the scorer while the page
 * renders. WASM only: the page may still move to WebGPU, where an idle CPU backend costs nothing.
 * A failure here is not reported: the session is dropped from the cache (session()), and the first
 * job that needs it builds it again and reports the error.
 */
export async function warmUp(): Promise<void> {
  if (backend !== 'wasm') return;
  const model = loadModel();
  const g = new Graph('warm_up');
  g.output(g.input('x', 'float32', [1]), 'y');
  await session('warm-up', () => serializeModel(g));
  const m = await model;
  if (backend !== 'wasm') return;
  const p = await policy();
  // Not the one-call sampling session: a first click would wait for it (the first job builds it after itself).
  await Promise.all([stepSessions(p.lora), baseFrozenSession('scorer:base', () => buildUnderstandingScoreGraph(m.cfg))]);
}

export async function setBackend(b: WebBackend): Promise<void> {
  if (b === backend) return;
  const old = [...sessions.values()];
  sessions.clear();
  backend = b;
  await Promise.allSettled(old.map(async (s) => (await s).release()));
}

/** A session for a model on the current backend, built once per key. */
export function session(key: string, build: () => Uint8Array, options?: SessionOptions): Promise<ModelSession> {
  const k = `${backend}:${key}`;
  let s = sessions.get(k);
  if (!s) {
    // Timed (Model & device's recent timings; the first-image phases in docs/results/browser.json):
    // the first creation on a backend also compiles ORT's WASM.
    const b = backend;
    s = timed(`import ORT (${b})`, () => loadOrt(b)).then(() => timed(`create session ${key}`, () => createWebSession(build(), b, options)));
    sessions.set(k, s);
    s.catch(() => sessions.delete(k));
  }
  return s;
}

/** Sessions are built per adapter shape; `null` is the base model's graph, which has no adapter nodes. */
const loraKey = (l: LoraConfig | null) => (l ? `r${l.rank}a${l.alpha}:${l.targets.join(',')}` : 'base');

/**
 * The adapter in use with its graph's shape, or the base model alone (lora null): sampling the base
 * through the LoRA graph with B = 0 gave the same images, but ran 75 adapter nodes per token for nothing.
 */
export async function policy(): Promise<{ lora: LoraConfig | null; weights: Weights; isBase: boolean }> {
  const m = await loadModel();
  if (adapter) return { lora: adapter.lora, weights: { ...m.base, ...adapter.weights }, isBase: false };
  return { lora: null, weights: m.base, isBase: true };
}

/**
 * A session whose model holds the base weights frozen: jobs pass policy() or basePolicy(), which
 * spread the very same base tensors, and the session drops them (SessionOptions.frozen).
 */
async function baseFrozenSession(key: string, graph: () => Graph, options: SessionOptions = {}): Promise<ModelSession> {
  const { base } = await loadModel();
  return session(key, () => serializeModel(freezeInputs(graph(), base)), { ...options, frozen: base });
}

/** The step-by-step sampling sessions (prefill, decode) for an adapter shape, or the base model's (null). */
async function stepSessions(lora: LoraConfig | null): Promise<{ prefill: ModelSession; decode: ModelSession }> {
  const { cfg } = await loadModel();
  // One after another: the WebGPU EP refuses to create two sessions at once.
  const prefill = await baseFrozenSession(`prefill:${loraKey(lora)}`, () => buildGenerationStepGraph(cfg, { withPast: false, ...(lora ? { lora } : {}) }), generationSessionOptions(cfg));
  const decode = await baseFrozenSession(`decode:${loraKey(lora)}`, () => buildGenerationStepGraph(cfg, { withPast: true, ...(lora ? { lora } : {}) }), generationSessionOptions(cfg));
  return { prefill, decode };
}

const groupsReady = new Map<string, ModelSession>(); // `${backend}:${loraKey}` -> one-call sampling session
let scheduleGroup: (lora: LoraConfig | null) => void = () => {};

/** How a job that finds no one-call sampling session gets one built after it (the worker queues it behind the job). */
export function setGroupScheduler(schedule: (lora: LoraConfig | null) => void): void {
  scheduleGroup = schedule;
}

const groupsFailed = new Set<string>(); // builds that failed: those jobs keep the step path, not retried

/** Build the one-call sampling session for an adapter shape or the base (WASM only: Loop and float64 kernels run there). */
export async function prepareGroupSampling(lora?: LoraConfig | null): Promise<void> {
  if (backend !== 'wasm') return;
  const { cfg } = await loadModel();
  const l = lora === undefined ? (await policy()).lora : lora;
  const key = `${backend}:${loraKey(l)}`;
  if (groupsFailed.has(key)) return;
  try {
    groupsReady.set(key, await baseFrozenSession(`group:${loraKey(l)}`, () => buildSamplingGraph(cfg, l ?? undefined)));
  } catch (err) {
    groupsFailed.add(key); // sampling stays correct (and the same) on the step path
    console.warn(`one-call sampling unavailable on ${backend}, sampling step by step:`, err);
    throw err;
  }
}

/**
 * The step sessions for an adapter just uploaded or loaded, built behind the job that applied it, so
 * the next Generate does not wait for them. Not after training: the page saves the run's adapter
 * right after a run stops, and that call would wait behind the build. A failure is left for the
 * next Generate to build again and report.
 */
export async function prepareAdapterSampling(): Promise<void> {
  if (adapter) await stepSessions(adapter.lora).catch(() => {});
}

/**
 * The sampling sessions for an adapter shape. On WASM also the whole group in one call, where it
 * is built already or `waitForGroup` (a batch: its ~0.3 s build pays back over the job); otherwise
 * this job samples step by step and the build is queued behind it, so a first image never waits
 * for it. On WebGPU the step path keeps the KV cache on the GPU.
 */
export async function generationSessions(lora: LoraConfig | null, opts: { waitForGroup?: boolean } = {}): Promise<GenerationSessions> {
  const { prefill, decode } = await stepSessions(lora);
  if (backend !== 'wasm') return { prefill, decode };
  if (opts.waitForGroup) await prepareGroupSampling(lora).catch(() => {}); // a failed build leaves the step path
  const key = `${backend}:${loraKey(lora)}`;
  const group = groupsReady.get(key);
  if (!group && !groupsFailed.has(key)) scheduleGroup(lora);
  return group ? { prefill, decode, group } : { prefill, decode };
}

/** The scorer and the weights it reads for a teacher: the frozen base or the current policy. */
export async function scorer(teacher: Teacher): Promise<{ session: ModelSession; weights: Weights }> {
  const m = await loadModel();
  if (teacher === 'frozen' || !adapter) {
    return { session: await baseFrozenSession('scorer:base', () => buildUnderstandingScoreGraph(m.cfg)), weights: m.base };
  }
  const { lora, weights } = adapter;
  const s = await baseFrozenSession(`scorer:${loraKey(lora)}`, () => buildUnderstandingScoreGraph(m.cfg, { lora }));
  return { session: s, weights: { ...m.base, ...weights } };
}

/** Reward options for the core scorer; content words are every word but the grammar's glue. */
export const rewardOptions = (r: RewardSettings) => ({
  variant: r.variant,
  includeEos: r.includeEos,
  contentWords: (w: string) => wordGroupOf(w) !== 'other',
});

export function setAdapter(next: Adapter | null): void {
  adapter = next;
}
export const currentAdapter = (): Adapter | null => adapter;

export async function modelInfo(): Promise<ModelInfo> {
  const m = await loadModel();
  return {
    name: `${m.cfg.family} (ShapesWorld)`,
    config: m.cfg,
    params: countParams(m.base),
    bytes: m.bytes,
    dtype: m.dtype,
    backend,
    adapter: adapter && {
      rank: adapter.lora.rank, alpha: adapter.lora.alpha, targets: [...adapter.lora.targets],
      params: countParams(adapter.weights), source: adapter.source, label: adapter.label ?? null, step: adapter.step, warnings: adapter.warnings ?? [],
    },
    specCount: m.specs.size,
  };
}

/** Time an operation and keep the last few timings for the Model & device view. */
export async function timed<T>(op: string, job: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await job();
  timings.push({ op, ms: performance.now() - t, backend, at: Date.now() });
  if (timings.length > 40) timings.shift();
  return out;
}
export const recentTimings = (): OpTiming[] => [...timings];
