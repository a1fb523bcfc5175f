// onnxruntime-web sessions for the browser (engine worker): the WASM-only build for 'wasm' (the
// fastest CPU path) and the native WebGPU EP build for 'webgpu' (notes/runtime-facts.md). Both are
// loaded lazily by a runtime import of the files vite serves under /ort/ (vite.config.ts), never
// bundled, so each build finds its emscripten loader and .wasm next to it.
import type * as OrtWeb from 'onnxruntime-web';
import { type Feeds, type ModelSession, type Results, type SessionOptions, checkFeeds, withoutFrozen, runFailure, toValueMeta } from './session.ts';
import { type OrtTensorCtor, fromOrt, toOrt } from './ortTensors.ts';
import { deviceHandle, deviceTensor } from './deviceTensor.ts';
import { InputError } from '../errors.ts';
import type { TensorData } from '../tensor.ts';

export type WebBackend = 'wasm' | 'webgpu';
export const WEB_BACKENDS: readonly WebBackend[] = ['wasm', 'webgpu'];

export interface WebSessionOptions extends SessionOptions {
  /** URL prefix of the ORT runtime files (default: /ort/ on this origin). */
  readonly ortBase?: string;
  /** ORT log severity (0 verbose .. 4 fatal); 0 lists nodes that left the WebGPU EP. Default 3. */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /**
   * Weights kept beside the graph (`.onnx_data` chunks), each under the path the graph records
   * (its basename): ORT web cannot read files, so the caller hands it the bytes.
   */
  readonly externalData?: readonly { readonly path: string; readonly data: Uint8Array }[];
}

const BUILD_FILE: Record<WebBackend, string> = { wasm: 'ort.wasm.min.mjs', webgpu: 'ort.webgpu.min.mjs' };

/** An error whose name says which kind of failure it is (only name and message cross comlink). */
export function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

const errMsg = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * A file of the site (`path` relative to its root: 'ort/', 'models/tiny-umm/config.json'), as a URL
 * from the engine worker. The site may be served under any path (vite base './'), so the root is
 * found from the worker's own script, which sits one folder below it: workers/engine.worker.ts on
 * the dev server, assets/engine.worker-HASH.js in the build.
 */
export function siteUrl(path: string): string {
  return new URL(path, new URL('../', globalThis.location.href)).href;
}

export function defaultOrtBase(): string {
  return siteUrl('ort/');
}

/** WASM threads: only with cross-origin isolation (SharedArrayBuffer); at most 4. */
export function wasmThreadCount(): number {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') return 1;
  return Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 1));
}

const builds = new Map<WebBackend, Promise<typeof OrtWeb>>();

/** Import (once) the ORT build for a backend and configure its env. */
export function loadOrt(backend: WebBackend, ortBase = defaultOrtBase()): Promise<typeof OrtWeb> {
  let p = builds.get(backend);
  if (!p) {
    p = (async () => {
      const url = new URL(BUILD_FILE[backend], ortBase).href;
      let ort: typeof OrtWeb;
      try {
        ort = (await import(/* @vite-ignore */ url)) as typeof OrtWeb;
      } catch (err) {
        throw namedError('OrtLoadError', `could not load onnxruntime-web (${backend}) from ${url}: ${errMsg(err)}`);
      }
      ort.env.wasm.wasmPaths = ortBase;
      ort.env.wasm.numThreads = wasmThreadCount();
      ort.env.wasm.proxy = false;
      return ort;
    })();
    builds.set(backend, p);
    p.catch(() => builds.delete(backend)); // let a later call retry a failed load
  }
  return p;
}

export async function createWebSession(model: Uint8Array, backend: WebBackend, opts: WebSessionOptions = {}): Promise<ModelSession> {
  if (!WEB_BACKENDS.includes(backend)) {
    throw new InputError(`unknown web backend ${String(backend)} (valid: ${WEB_BACKENDS.join(', ')})`);
  }
  if (backend === 'webgpu' && !globalThis.navigator?.gpu) {
    throw namedError('BackendUnavailableError', 'webgpu: navigator.gpu is missing (needs a secure origin and a WebGPU-enabled browser)');
  }
  const ort = await loadOrt(backend, opts.ortBase);
  const onDevice = new Set(backend === 'webgpu' ? opts.deviceOutputs ?? [] : []);
  let session: OrtWeb.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, {
      executionProviders: [backend],
      graphOptimizationLevel: opts.optimize === false ? 'disabled' : 'all',
      logSeverityLevel: opts.logSeverityLevel ?? 3,
      // WASM threads sleep between ops instead of spinning, as on node (node.ts NO_SPINNING).
      ...(backend === 'wasm' ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
      ...(onDevice.size ? { preferredOutputLocation: Object.fromEntries([...onDevice].map((n) => [n, 'gpu-buffer' as const])) } : {}),
      ...(opts.externalData?.length ? { externalData: opts.externalData.map((d) => ({ path: d.path, data: d.data })) } : {}),
    });
  } catch (err) {
    throw namedError('SessionCreateError', `${backend}: could not create a session for a ${model.byteLength}-byte model: ${errMsg(err)}`);
  }
  const Tensor = ort.Tensor as unknown as OrtTensorCtor;
  return {
    backend,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata.map(toValueMeta),
    outputMetadata: session.outputMetadata.map(toValueMeta),
    async run(allFeeds: Feeds, outputs?: readonly string[]): Promise<Results> {
      const feeds = withoutFrozen(allFeeds, opts.frozen);
      checkFeeds(session.inputNames, feeds, opts.inputs);
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, (deviceHandle(t, k) ?? toOrt(Tensor, t)) as OrtWeb.Tensor]));
      let res: OrtWeb.InferenceSession.ReturnType;
      try {
        res = outputs ? await session.run(ortFeeds, [...outputs]) : await session.run(ortFeeds);
      } catch (err) {
        throw runFailure(backend, err, feeds);
      }
      const out: Results = {};
      for (const [k, v] of Object.entries(res)) {
        if (!onDevice.has(k)) out[k] = await fromOrt(v);
        else if (v.location === 'gpu-buffer') out[k] = deviceTensor(k, v.type as TensorData['dtype'], v.dims, v, () => v.dispose());
        else throw namedError('RunError', `${backend}: output ${k} was asked to stay on the GPU, ORT returned it at ${v.location}`);
      }
      return out;
    },
    release: () => session.release(),
  };
}

// ---------------------------------------------------------------------------------------------
// Backend probe: plain data, so it crosses the worker boundary and renders as is.

export interface WebGpuProbe {
  readonly available: boolean;
  readonly reason?: string;
  readonly adapter?: { vendor: string; architecture: string; device: string; description: string };
  readonly features?: string[];
  readonly limits?: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number };
  /** SwiftShader is a CPU emulation: correct, but its timings say nothing about GPU speed. */
  readonly isSoftware?: boolean;
}

export interface WasmProbe {
  readonly crossOriginIsolated: boolean;
  readonly threads: number;
  readonly simd: boolean;
  readonly hardwareConcurrency: number;
}

export interface BackendProbe {
  readonly userAgent: string;
  readonly webgpu: WebGpuProbe;
  readonly wasm: WasmProbe;
}

// The smallest module using a v128 instruction (wasm-feature-detect's SIMD test).
const SIMD_TEST = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

export async function probeBackends(): Promise<BackendProbe> {
  return {
    userAgent: globalThis.navigator?.userAgent ?? '',
    webgpu: await probeWebGpu(),
    wasm: {
      crossOriginIsolated: Boolean(globalThis.crossOriginIsolated),
      threads: wasmThreadCount(),
      simd: WebAssembly.validate(SIMD_TEST),
      hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1,
    },
  };
}

async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = globalThis.navigator?.gpu;
  if (!gpu) return { available: false, reason: 'navigator.gpu is missing: this browser or origin has no WebGPU' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (err) {
    return { available: false, reason: `requestAdapter failed: ${errMsg(err)}` };
  }
  if (!adapter) return { available: false, reason: 'requestAdapter returned no adapter (GPU blocklisted or disabled?)' };
  const info = adapter.info;
  const l = adapter.limits;
  return {
    available: true,
    adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description },
    features: [...adapter.features].map(String).sort(),
    limits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
    isSoftware: info.architecture === 'swiftshader' || /swiftshader/i.test(info.description),
  };
}
