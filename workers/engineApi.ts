// The engine worker's interface (DESIGN.md: UI -> store action -> comlink -> engine worker). Plain
// data in and out; the UI imports this file type-only, so no engine code reaches the main thread.
import type { TensorData } from '../src/core/tensor.ts';
import type { BackendProbe, WebBackend } from '../src/core/runtime/web.ts';

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

export interface EngineApi {
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
