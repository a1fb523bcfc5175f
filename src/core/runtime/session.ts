// The runtime contract every backend implements, and the checks every run goes through
// (missing feeds, wrong dtype or rank) so a failure names the tensor at fault.
import type { DType, TensorData } from '../tensor.ts';

export type Backend = 'node' | 'wasm' | 'webgpu';
export const BACKENDS: readonly Backend[] = ['node', 'wasm', 'webgpu'];

export type Feeds = Readonly<Record<string, TensorData>>;
export type Results = Record<string, TensorData>;

export interface InputSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly rank: number;
}

/** What a backend says about one graph input or output (ORT's inputMetadata / outputMetadata). */
export interface ValueMeta {
  readonly name: string;
  readonly type: string; // element type as ORT names it ('float32', 'float16', 'int64', 'bool', ...); 'non-tensor' otherwise
  readonly shape: readonly (number | string)[]; // a number is fixed, a string symbolic; [] when unknown
}

export interface ModelSession {
  readonly backend: Backend;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Element types and shapes, where the backend exposes them (model families check them at load). */
  readonly inputMetadata?: readonly ValueMeta[];
  readonly outputMetadata?: readonly ValueMeta[];
  /** Run the model; `outputs` restricts which outputs are fetched (default all). */
  run(feeds: Feeds, outputs?: readonly string[]): Promise<Results>;
  release(): Promise<void>;
}

export interface SessionOptions {
  /** Skip ORT graph optimisations (to test op coverage without constant folding). */
  readonly optimize?: boolean;
  /** Per-input dtype/rank, checked at every run when given. */
  readonly inputs?: readonly InputSpec[];
  /**
   * Tensors the model holds as initializers (graph/freeze.ts). Callers may still pass them in the
   * feeds (a policy is base weights plus adapter): the very same tensor objects are dropped, any
   * other tensor under such a name is refused, since the session would silently ignore it.
   */
  readonly frozen?: Feeds;
  /**
   * Outputs to leave on the device where the backend has one (WebGPU): they come back as device
   * tensors (deviceTensor.ts) to feed to a later run; the caller frees them (releaseDeviceTensors).
   * CPU backends return them as usual.
   */
  readonly deviceOutputs?: readonly string[];
  /**
   * Intra-op threads for this session where the runtime sets them per session (node; GVU_ORT_THREADS
   * still caps it). A model of many tiny ops (the tiny UMM's sampling loop) runs faster on one:
   * handing each op to a second thread costs more than the op.
   */
  readonly threads?: number;
}

/** The feeds minus the session's frozen tensors (see SessionOptions.frozen). */
export function withoutFrozen(feeds: Feeds, frozen: Feeds | undefined): Feeds {
  if (!frozen) return feeds;
  const live: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const held = frozen[name];
    if (!held) live[name] = t;
    else if (held !== t) throw new Error(`feed ${name}: this session holds ${name} frozen in its model; a different tensor was fed (create a session for those weights)`);
  }
  return live;
}

/** ORT's ValueMetadata as ValueMeta (ORT node and web share the shape of it). */
export function toValueMeta(m: { readonly name: string; readonly isTensor: boolean; readonly type?: string; readonly shape?: readonly (number | string)[] }): ValueMeta {
  return m.isTensor ? { name: m.name, type: m.type ?? 'unknown', shape: [...(m.shape ?? [])] } : { name: m.name, type: 'non-tensor', shape: [] };
}

export function checkFeeds(inputNames: readonly string[], feeds: Feeds, specs?: readonly InputSpec[]): void {
  const missing = inputNames.filter((n) => !(n in feeds));
  if (missing.length) {
    throw new Error(`missing feeds: ${missing.join(', ')} (model inputs: ${inputNames.join(', ')})`);
  }
  const extra = Object.keys(feeds).filter((n) => !inputNames.includes(n));
  if (extra.length) throw new Error(`unknown feeds: ${extra.join(', ')} (model inputs: ${inputNames.join(', ')})`);
  for (const s of specs ?? []) {
    const f = feeds[s.name];
    if (f.dtype !== s.dtype || f.dims.length !== s.rank) {
      throw new Error(`feed ${s.name}: got ${f.dtype}[${f.dims.join(', ')}], model wants ${s.dtype} of rank ${s.rank}`);
    }
  }
}

export function describeFeeds(feeds: Feeds): string {
  return Object.entries(feeds).map(([n, t]) => `${n}: ${t.dtype}[${t.dims.join(', ')}]`).join('; ');
}

/** Rethrow a backend failure with every feed's name, dtype and dims. */
export function runFailure(backend: Backend, err: unknown, feeds: Feeds): Error {
  const msg = err instanceof Error ? err.message : String(err);
  const e = new Error(`${backend} run failed: ${msg}\n  feeds: ${describeFeeds(feeds)}`);
  e.name = 'RunError';
  return e;
}
