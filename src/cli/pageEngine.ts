// Call the page's engine worker (window.__gvu.engine) from Node through playwright. page.evaluate
// only carries JSON-like values, so tensors and model bytes travel as base64 of their raw bytes.
import type { Page } from 'playwright-core';
import type { BackendProbe, BenchOptions, BenchResult, WebBackend } from '../../workers/engineApi.ts';
import { type DType, type TensorData, allocate } from '../core/tensor.ts';

export interface WireTensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly b64: string;
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function encodeTensor(t: TensorData): WireTensor {
  return { dtype: t.dtype, dims: [...t.dims], b64: bytesOf(t.data).toString('base64') };
}

export function decodeTensor(w: WireTensor): TensorData {
  const bytes = Buffer.from(w.b64, 'base64');
  const n = w.dims.reduce((a, b) => a * b, 1);
  const data = allocate(w.dtype, n);
  if (bytes.byteLength !== data.byteLength) {
    throw new Error(`decodeTensor: ${bytes.byteLength} bytes for ${w.dtype}[${w.dims.join(', ')}] (expected ${data.byteLength})`);
  }
  new Uint8Array(data.buffer).set(bytes);
  return { dtype: w.dtype, dims: [...w.dims], data };
}

const encodeFeeds = (feeds: Record<string, TensorData>) =>
  Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, encodeTensor(t)]));

// The in-page half, as source text: page.evaluate(fn) would ship fn.toString(), and transpilers
// (tsx/esbuild's keepNames) inject helpers such as __name that do not exist in the page.
interface PageCall {
  kind: 'probe' | 'run' | 'bench';
  model: string;
  feeds: Record<string, WireTensor>;
  backend: WebBackend;
  outputs?: string[];
  bench?: BenchOptions;
}

const IN_PAGE = `async (call) => {
  const engine = window.__gvu && window.__gvu.engine;
  if (!engine) throw new Error('window.__gvu.engine is missing: the app did not start its engine');
  const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const ctors = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array, bool: Uint8Array };
  const feeds = {};
  for (const [k, w] of Object.entries(call.feeds)) {
    feeds[k] = { dtype: w.dtype, dims: w.dims, data: new ctors[w.dtype](fromB64(w.b64).buffer) };
  }
  const model = fromB64(call.model);
  if (call.kind === 'probe') return engine.probe();
  if (call.kind === 'bench') return engine.benchModel(model, feeds, call.backend, call.bench);
  const res = await engine.runModel(model, feeds, call.backend, call.outputs);
  const toB64 = (a) => {
    const u8 = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    let s = '';
    for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const out = {};
  for (const [k, t] of Object.entries(res)) out[k] = { dtype: t.dtype, dims: t.dims, b64: toB64(t.data) };
  return out;
}`;

const callInPage = (page: Page, call: PageCall): Promise<unknown> =>
  page.evaluate(`(${IN_PAGE})(${JSON.stringify(call)})`);

export async function runModelInPage(
  page: Page, model: Uint8Array, feeds: Record<string, TensorData>, backend: WebBackend, outputs?: readonly string[],
): Promise<Record<string, TensorData>> {
  const call: PageCall = { kind: 'run', model: bytesOf(model).toString('base64'), feeds: encodeFeeds(feeds), backend, outputs: outputs && [...outputs] };
  const res = (await callInPage(page, call)) as Record<string, WireTensor>;
  return Object.fromEntries(Object.entries(res).map(([k, w]) => [k, decodeTensor(w)]));
}

export async function benchModelInPage(
  page: Page, model: Uint8Array, feeds: Record<string, TensorData>, backend: WebBackend, bench: BenchOptions,
): Promise<BenchResult> {
  const call: PageCall = { kind: 'bench', model: bytesOf(model).toString('base64'), feeds: encodeFeeds(feeds), backend, bench };
  return (await callInPage(page, call)) as BenchResult;
}

export async function probeInPage(page: Page): Promise<BackendProbe> {
  return (await callInPage(page, { kind: 'probe', model: '', feeds: {}, backend: 'wasm' })) as BackendProbe;
}
