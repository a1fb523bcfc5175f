// The engine worker's interface (DESIGN.md: UI -> store action -> comlink -> engine worker). Plain
// data in and out; the UI imports this file type-only, so no engine code reaches the main thread.
import type { TensorData } from '../src/core/tensor.ts';
import type { BackendProbe, WebBackend } from '../src/core/runtime/web.ts';
import type { ModelConfig } from '../src/core/model/config.ts';
import type { GvuConfig, GvuLogRow } from '../src/core/gvu/trainer.ts';
import type { RewardVariant } from '../src/core/gvu/reward.ts';
import type { Spec } from '../src/core/world/spec.ts';
import type { ScoredRow } from '../src/core/io/results.ts';
import type { JobRequest } from './jobRequests.ts';
import type { FamilyCapabilities, FamilyId } from '../src/core/families/family.ts';

export type { BackendProbe, WebBackend, WebGpuProbe, WasmProbe } from '../src/core/runtime/web.ts';

export interface ProbeGraphConfig {
  readonly batch: number;
  readonly seq: number;
  readonly width: number;
  readonly heads: number;
}

export interface RunTimings {
  /** InferenceSession.create, including ORT's graph optimisation (and the build's first load). */
  readonly createMs: number;
  /** The first run: pays WebGPU shader compilation and buffer allocation. */
  readonly firstMs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly iters: number;
}

export interface ProbeGraphResult {
  readonly backend: WebBackend;
  readonly config: ProbeGraphConfig;
  readonly loss: number;
  /** L2 norm of each parameter gradient, in parameter order. */
  readonly gradNorms: readonly { readonly param: string; readonly norm: number }[];
  readonly timings: RunTimings;
}

export interface BenchOptions {
  readonly warmup: number;
  readonly iters: number;
}

export type BenchResult = RunTimings;

export interface EngineApi extends PlaygroundApi {
  /** Which backends this browser offers: WebGPU adapter, features and limits; WASM threads. */
  probe(): Promise<BackendProbe>;
  /** Build a small transformer block forward+gradient graph in the worker, run it, time it. */
  runProbeGraph(backend: WebBackend, opts?: { iters?: number }): Promise<ProbeGraphResult>;
  /** Run a model once (sessions cached per model and backend); for parity tests. */
  runModel(model: Uint8Array, feeds: Record<string, TensorData>, backend: WebBackend, outputs?: readonly string[]): Promise<Record<string, TensorData>>;
  /** Time a model on a fresh session: creation, first run, then warmup and timed runs. */
  benchModel(model: Uint8Array, feeds: Record<string, TensorData>, backend: WebBackend, opts: BenchOptions): Promise<BenchResult>;
  /** Release every cached session. */
  dispose(): Promise<void>;
}

// ---- the playground API (model, inspect, train, batch, adapters) ------------------------------------
// Every type below is plain data (structured-clone safe); images are HWC RGB Uint8Array (48x48x3 for
// the tiny model; an opened family gives its own sizes with the group).

export type { ModelConfig, GvuConfig, GvuLogRow, RewardVariant, Spec, ScoredRow };

export type Teacher = 'frozen' | 'policy';

export interface RewardSettings {
  readonly variant: RewardVariant;
  readonly includeEos: boolean;
  /** Who reads the images: the frozen base model or the current policy (base + adapter). */
  readonly teacher: Teacher;
}

export interface SamplingSettings {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly minP: number;
  readonly cfgScale: number;
}

export interface AdapterInfo {
  readonly rank: number;
  readonly alpha: number;
  readonly targets: readonly string[];
  readonly params: number;
  /** Trained in this tab, uploaded as files, a kept run's (reopened), or one the site ships. */
  readonly source: AdapterOrigin['source'] | 'trained';
  /** The run's or shipped adapter's name (null for a trained or uploaded one). */
  readonly label: string | null;
  /** GvU steps behind a trained adapter. */
  readonly step: number | null;
  /** What the upload check found odd but loadable (e.g. weights far larger than training makes). */
  readonly warnings: readonly string[];
}

/** Where an imported adapter comes from, so the views name it (all go through the same checks). */
export interface AdapterOrigin {
  readonly source: 'uploaded' | 'run' | 'shipped';
  readonly label?: string;
}

export interface ModelInfo {
  readonly name: string;
  readonly config: ModelConfig;
  readonly params: number;
  readonly bytes: number;
  readonly dtype: string;
  readonly backend: WebBackend;
  readonly adapter: AdapterInfo | null;
  /** Prompts with a ShapesEval spec (the shipped train/val/test sets), keyed by exact text. */
  readonly specCount: number;
  /** The opened model family (issue 14), when one is active instead of the tiny model; the rest describes the tiny model. */
  readonly family?: FamilyInfo | null;
}

/** A model family opened from files (Janus), as the views show it and branch on its capabilities. */
export interface FamilyInfo {
  readonly id: FamilyId;
  readonly label: string; // where its files came from: 'onnx-community/Janus-Pro-1B-ONNX', 'folder janus-tiny'
  readonly description: string;
  readonly capabilities: FamilyCapabilities;
  readonly backend: WebBackend; // its sessions stay on the backend it was opened on
  readonly dtypes: Readonly<Record<string, string>>; // per graph
  readonly bytes: number; // of the files opened
  readonly warnings: readonly string[];
}

/** An image of any size (an opened family's, or an upload passed as is): HWC RGB. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

export interface TokenP {
  readonly word: string; // '<eos>' for the end token
  readonly p: number;
  readonly logp: number;
  readonly counted: boolean;
}

export interface ImageScore {
  readonly reward: number;
  readonly tokens: readonly TokenP[];
  readonly lowest: { readonly word: string; readonly p: number };
}

export interface Verdict {
  readonly pass: boolean;
  readonly strictPass: boolean;
  readonly reasons: readonly string[];
}

export interface GenerateRequest extends SamplingSettings {
  readonly prompt: string;
  readonly groupSize: number;
  readonly seed: number; // image i uses seed + i
  readonly reward: RewardSettings;
}

export interface GeneratedGroup {
  readonly prompt: string;
  readonly tag: string | null; // the prompt's ShapesEval category when it has a spec
  readonly specSource: 'shipped' | 'grammar' | null; // the spec from the shipped prompt sets, else read from the prompt's grammar
  readonly noSpecReason: string | null; // why there is no spec (the grammar's error), when there is none
  readonly seeds: readonly number[]; // empty for uploaded images
  /** The files the images came from, when uploaded (null: sampled). */
  readonly imageNames: readonly string[] | null;
  readonly images: readonly Uint8Array[];
  readonly verdicts: readonly (Verdict | null)[]; // null: no spec for this prompt
  readonly scores: readonly ImageScore[];
  readonly timings: { readonly sampleMs: number; readonly scoreMs: number; readonly judgeMs: number };
  /** Each image's size; absent: the tiny model's 48 x 48. */
  readonly sizes?: readonly ImageSize[];
  /** The image-token grid heatmaps are drawn on; absent: the tiny model's 4 x 4. */
  readonly grid?: { readonly rows: number; readonly cols: number };
}

export interface WordHeat {
  readonly word: string;
  readonly logp: number;
  readonly heat: Float32Array; // [rows * cols], row-major
  /** The blocks the heat is over; absent: the group's grid (the tiny model's 4 x 4). */
  readonly grid?: { readonly rows: number; readonly cols: number };
}

/** For an opened family: the image's size and the occluded block's side in image tokens (default: at most 6 x 6 blocks). */
export interface HeatmapOptions {
  readonly size?: ImageSize;
  readonly block?: number;
}

export interface TrainRequest {
  readonly config: Partial<GvuConfig>;
  /** Training prompts; null = the shipped ShapesWorld train set. */
  readonly prompts: readonly Spec[] | null;
  /** Validation prompts for evalEvery (default: the first 16 shipped val prompts). */
  readonly valPrompts?: readonly Spec[];
}

export type TrainEvent =
  | { readonly kind: 'step'; readonly row: GvuLogRow }
  | { readonly kind: 'eval'; readonly step: number; readonly valOverall: number; readonly valStrict: number }
  | { readonly kind: 'phase'; readonly phase: string };

export interface TrainStatus {
  readonly step: number;
  readonly steps: number;
  readonly finished: boolean;
}

export interface CompareGrid {
  readonly prompts: readonly string[];
  readonly seeds: readonly number[];
  readonly base: readonly Uint8Array[]; // prompt-major, seeds.length per prompt
  readonly adapter: readonly Uint8Array[];
  /** ShapesEval's verdict per image, in the same order (null: the prompt has no spec); absent in grids kept before it existed. */
  readonly pass?: { readonly base: readonly (boolean | null)[]; readonly adapter: readonly (boolean | null)[] };
}

export interface BatchItem {
  readonly index: number; // position in the job
  readonly line: number;
  readonly prompt: string;
  readonly tag: string | null;
  readonly spec: Spec | null;
}

export interface BatchRequest extends SamplingSettings {
  readonly items: readonly BatchItem[];
  /**
   * Prompts sampled together (default 4). A cancel waits for the call in flight, and a chunk's
   * prefill is one call: on a software GPU it takes seconds for 4 prompts, so the page asks for 1.
   */
  readonly promptsPerChunk?: number;
  readonly groupSize: number;
  readonly seed: number;
  readonly reward: RewardSettings;
}

export interface BatchRowResult {
  readonly index: number; // the BatchItem's index
  readonly rows: readonly ScoredRow[]; // one per image
  readonly images: readonly Uint8Array[];
}

export interface OpTiming {
  readonly op: string;
  readonly ms: number;
  readonly backend: WebBackend;
  readonly at: number; // Date.now()
}

export interface AdapterFilesData {
  readonly 'adapter_config.json': string;
  readonly 'adapter_model.safetensors': Uint8Array;
}

export interface PlaygroundApi {
  /** Fetch and check the shipped model (and the prompt sets that give specs); idempotent. */
  loadModel(): Promise<ModelInfo>;
  modelInfo(): Promise<ModelInfo>;
  setBackend(backend: WebBackend): Promise<ModelInfo>;
  generate(req: GenerateRequest, onProgress?: (done: number, total: number) => void): Promise<GeneratedGroup>;
  /**
   * Score images the user brings (HWC RGB at the model's image size): verdicts, rewards, per-word p,
   * as a group without sampling; heatmaps then work on them as on generated ones.
   */
  inspectImages(prompt: string, images: readonly Uint8Array[], names: readonly string[], reward: RewardSettings, sizes?: readonly ImageSize[]): Promise<GeneratedGroup>;
  /** Rewards of given images again, under other reward settings (no sampling); `sizes` as the group's. */
  rescore(prompt: string, images: readonly Uint8Array[], reward: RewardSettings, sizes?: readonly ImageSize[]): Promise<ImageScore[]>;
  /**
   * Open a model family from its files (path -> bytes, transferred), e.g. a Janus folder; it
   * replaces the active one only once it has loaded, so a failure leaves the tiny model usable.
   */
  openModel(label: string, files: Readonly<Record<string, Uint8Array>>, onGraph?: (graph: string, index: number, total: number) => void): Promise<ModelInfo>;
  /** Close the opened family: the tiny model is active again. */
  closeModel(): Promise<ModelInfo>;
  /** Occlusion heatmaps of one image (a word per heat-strip entry); `opts` for an opened family, progress in understanding passes. */
  heatmaps(prompt: string, image: Uint8Array, teacher: Teacher, opts?: HeatmapOptions, onProgress?: (done: number, total: number) => void): Promise<WordHeat[]>;
  /** Start (or, with a state in memory and resume, continue) a GvU run; resolves when it stops. */
  startTraining(req: TrainRequest, onEvent: (e: TrainEvent) => void): Promise<TrainStatus>;
  resumeTraining(onEvent: (e: TrainEvent) => void): Promise<TrainStatus>;
  compare(prompts: readonly string[], seeds: readonly number[], sampling: SamplingSettings): Promise<CompareGrid>;
  /** onRows is awaited for each prompt: the result comes after every row has reached the page. */
  scoreBatch(req: BatchRequest, onRows: (r: BatchRowResult) => void | Promise<void>): Promise<{ done: number; cancelled: boolean }>;
  /**
   * Share the control array (cancel/pause requests, heartbeat; workers/jobRequests.ts) and take the
   * Web Lock `lockName` for the worker's lifetime. The page calls it first.
   */
  attachControl(buffer: SharedArrayBuffer | null, lockName: string | null): Promise<void>;
  /**
   * Cancel or pause the running job: generate, batch, training, compare grid, heatmaps, probes.
   * A cancelled job rejects with AbortError (a batch resolves with cancelled: true); a paused
   * training run resolves with its status, its state kept for resumeTraining.
   */
  requestJob(request: JobRequest): Promise<void>;
  exportAdapter(): Promise<AdapterFilesData>;
  importAdapter(files: Partial<AdapterFilesData>, origin?: AdapterOrigin): Promise<ModelInfo>;
  clearAdapter(): Promise<ModelInfo>;
  timings(): Promise<OpTiming[]>;
  /** Test hook (dev server only): kill the worker with an uncaught error, as a crash would. */
  crash(): Promise<void>;
  /** Test hook (dev server only): the worker exits without any error event. */
  exitSilently(): Promise<void>;
  /** Test hook (dev server only): the worker spins forever, alive but silent. */
  hang(): Promise<void>;
}
