// The engine worker: owns every ORT session; the UI reaches it only through comlink (EngineApi).
// Calls are serialised: one ORT session must not run twice at once, and timings stay clean.
import * as Comlink from 'comlink';
import { buildBlockGraph } from '../src/core/graph/blockGraph.ts';
import type { ModelSession } from '../src/core/runtime/session.ts';
import { AbortError, type CancelSignal, InputError } from '../src/core/errors.ts';
import { type WebBackend, createWebSession, probeBackends } from '../src/core/runtime/web.ts';
import type { TensorData } from '../src/core/tensor.ts';
import type { BenchOptions, EngineApi, ModelInfo, ProbeGraphConfig, RunTimings } from './engineApi.ts';
import { attachControl, heartbeat, requestJob, runJob } from './engine/jobControl.ts';
import { exportAdapter, importAdapter } from './engine/adapter.ts';
import { scoreBatch } from './engine/batch.ts';
import { generate, heatmaps, inspectImages, rescore } from './engine/inspect.ts';
import {
  currentBackend, loadModel, modelInfo as tinyModelInfo, prepareAdapterSampling, prepareGroupSampling, recentTimings, setAdapter, setBackend, setGroupScheduler, timed, warmUp,
} from './engine/model.ts';
import { activeFamily, activeFamilyInfo, closeFamily, openFamily, requireTinyModel } from './engine/family.ts';
import { familyScoreBatch } from './engine/familyBatch.ts';
import { familyGenerate, familyHeatmaps, familyInspectImages, familyRescore } from './engine/familyInspect.ts';
import { compare, resumeTraining, startTraining } from './engine/train.ts';

const PROBE_CONFIG: ProbeGraphConfig = { batch: 2, seq: 16, width: 32, heads: 4 };
const PROBE_ITERS = 5;
const MAX_CACHED_SESSIONS = 8;

// ---- session cache, keyed by backend + model bytes ----------------------------------------------
interface CacheEntry { model: Uint8Array; session: Promise<ModelSession> }
const cache = new Map<string, CacheEntry[]>();

function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function cachedSession(model: Uint8Array, backend: WebBackend): Promise<ModelSession> {
  const key = `${backend}:${model.byteLength}:${fnv1a(model)}`;
  const bucket = cache.get(key) ?? [];
  const hit = bucket.find((e) => sameBytes(e.model, model));
  if (hit) return hit.session;
  const session = createWebSession(model, backend);
  const entry = { model, session };
  bucket.push(entry);
  cache.set(key, bucket);
  session.catch(() => dropEntry(key, entry)); // a failed creation is not cached
  if (cacheSize() > MAX_CACHED_SESSIONS) evictOldest();
  return session;
}

const cacheSize = () => [...cache.values()].reduce((n, b) => n + b.length, 0);

function dropEntry(key: string, entry: CacheEntry): void {
  const rest = (cache.get(key) ?? []).filter((e) => e !== entry);
  if (rest.length) cache.set(key, rest);
  else cache.delete(key);
}

function evictOldest(): void {
  const [key, bucket] = cache.entries().next().value as [string, CacheEntry[]];
  const entry = bucket[0];
  dropEntry(key, entry);
  entry.session.then((s) => s.release()).catch(() => {});
}

// ---- timing helpers ----------------------------------------------------------------------------
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function timeSession(model: Uint8Array, feeds: Record<string, TensorData>, backend: WebBackend, opts: BenchOptions, signal?: CancelSignal) {
  if (!(opts.iters >= 1) || !(opts.warmup >= 0)) {
    throw new InputError(`bench options need iters >= 1 and warmup >= 0, got iters ${opts.iters}, warmup ${opts.warmup}`);
  }
  let t = performance.now();
  const session = await createWebSession(model, backend);
  const createMs = performance.now() - t;
  try {
    t = performance.now();
    const first = await session.run(feeds);
    const firstMs = performance.now() - t;
    for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < opts.iters; i++) {
      if (signal?.aborted) throw new AbortError(`probe cancelled after ${i} of ${opts.iters} timed runs`);
      t = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t);
    }
    const timings: RunTimings = { createMs, firstMs, medianMs: median(times), minMs: Math.min(...times), iters: opts.iters };
    return { first, timings };
  } finally {
    await session.release();
  }
}

function l2(t: TensorData): number {
  const d = t.data as ArrayLike<number>;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return Math.sqrt(s);
}

/** The tiny model's info, with the opened family (if any) named as the active model. */
async function modelInfo(): Promise<ModelInfo> {
  const info = await tinyModelInfo();
  const family = activeFamilyInfo();
  return family ? { ...info, name: `Janus · ${family.label}`, backend: family.backend, family } : { ...info, family: null };
}

// ---- the API ------------------------------------------------------------------------------------
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(job: () => Promise<T>): Promise<T> {
  const p = queue.then(job);
  queue = p.catch(() => {});
  return p;
}

const engine: EngineApi = {
  probe: () => probeBackends(),

  runProbeGraph: (backend, opts = {}) =>
    serial(() => runJob(async (signal) => {
      const block = buildBlockGraph({ ...PROBE_CONFIG, dtype: 'float32', withGrad: true, seed: 7 });
      const { first, timings } = await timeSession(block.model, block.feeds, backend, { warmup: 1, iters: opts.iters ?? PROBE_ITERS }, signal);
      const loss = (first.loss.data as Float32Array)[0];
      const gradNorms = block.params.map((param) => ({ param, norm: l2(first[`grad.${param}`]) }));
      return { backend, config: PROBE_CONFIG, loss, gradNorms, timings };
    })),

  runModel: (model, feeds, backend, outputs) =>
    serial(async () => (await cachedSession(model, backend)).run(feeds, outputs)),

  benchModel: (model, feeds, backend, opts) =>
    serial(async () => (await timeSession(model, feeds, backend, opts)).timings),

  // ---- playground (workers/engine/*): model, inspect, train, batch, adapters ----
  loadModel: () => serial(async () => {
    await timed('load model', loadModel);
    return modelInfo();
  }),
  modelInfo: () => modelInfo(),
  setBackend: (backend) => serial(async () => {
    await setBackend(backend);
    return modelInfo();
  }),
  // Long jobs: each runs under runJob, whose signal the page can fire (cancel, pause) at any time.
  // With a family opened (activeFamily), Inspect and batches run on it; training needs the tiny model.
  generate: (req, onProgress) => serial(() => runJob((signal) => {
    const f = activeFamily();
    return f ? familyGenerate(f, req, signal, onProgress) : generate(req, signal, onProgress);
  })),
  inspectImages: (prompt, images, names, reward, sizes) => serial(() => timed('score uploaded images', () => {
    const f = activeFamily();
    return f ? familyInspectImages(f, prompt, images, names, reward, sizes) : inspectImages(prompt, images, names, reward);
  })),
  rescore: (prompt, images, reward, sizes) => serial(() => timed('rescore', () => {
    const f = activeFamily();
    return f ? familyRescore(f, prompt, images, reward, sizes) : rescore(prompt, images, reward);
  })),
  heatmaps: (prompt, image, teacher, opts, onProgress) => serial(() => runJob((signal) => {
    const f = activeFamily();
    return f ? familyHeatmaps(f, prompt, image, opts ?? {}, signal, onProgress) : heatmaps(prompt, image, teacher, signal);
  })),
  openModel: (label, files, onGraph) => serial(async () => {
    await loadModel(); // the tiny model stays loaded beside it: closing goes straight back
    await timed(`open ${label}`, () => openFamily(label, files, currentBackend(), onGraph));
    return modelInfo();
  }),
  closeModel: () => serial(async () => {
    await closeFamily();
    return modelInfo();
  }),
  startTraining: (req, onEvent) => serial(() => runJob((signal) => {
    requireTinyModel('Training');
    return startTraining(req, onEvent, signal);
  })),
  resumeTraining: (onEvent) => serial(() => runJob((signal) => {
    requireTinyModel('Training');
    return resumeTraining(onEvent, signal);
  })),
  compare: (prompts, seeds, sampling) => serial(() => runJob((signal) => timed('before/after grid', () => compare(prompts, seeds, sampling, signal)))),
  scoreBatch: (req, onRows) => serial(() => runJob((signal) => {
    const f = activeFamily();
    return f ? familyScoreBatch(f, req, onRows, signal) : scoreBatch(req, onRows, signal);
  })),
  // Not serialised: these must reach a running job (the page also writes them to shared memory).
  attachControl: async (buffer, lockName) => {
    attachControl(buffer);
    // Held until the worker is gone, however it goes: the page is granted it then (src/ui/engine.ts).
    if (lockName && navigator.locks) {
      await new Promise<void>((granted) => {
        void navigator.locks.request(lockName, () => {
          granted();
          return new Promise<never>(() => {});
        });
      });
    }
  },
  requestJob: async (request) => requestJob(request),
  exportAdapter: () => serial(exportAdapter),
  importAdapter: (files, origin) => serial(async () => {
    await importAdapter(files, origin);
    void serial(prepareAdapterSampling); // behind this job: the next Generate finds them built
    return modelInfo();
  }),
  clearAdapter: () => serial(async () => {
    setAdapter(null);
    return modelInfo();
  }),
  timings: async () => recentTimings(),
  // Test hooks, inert outside the dev server (see src/ui/testHooks.ts).
  crash: async () => {
    if (!import.meta.env.DEV) throw new InputError('crash is a test hook of the dev server');
    // An uncaught error, then the worker closes: what the page sees when a worker dies for real.
    setTimeout(() => {
      setTimeout(() => self.close(), 0);
      throw new Error('EngineCrash: the engine worker was crashed on purpose (test hook)');
    }, 0);
  },
  exitSilently: async () => {
    if (!import.meta.env.DEV) throw new InputError('exitSilently is a test hook of the dev server');
    setTimeout(() => self.close(), 0); // no error event: only the page's lock watch can tell
  },
  hang: async () => {
    if (!import.meta.env.DEV) throw new InputError('hang is a test hook of the dev server');
    setTimeout(() => {
      for (;;); // alive (its lock held) but never again answering or beating: only the heartbeat can tell
    }, 0);
  },

  dispose: () =>
    serial(async () => {
      const sessions = [...cache.values()].flat().map((e) => e.session);
      cache.clear();
      await Promise.allSettled(sessions.map(async (s) => (await s).release()));
    }),
};

Comlink.expose(engine);
// The one-call sampling session is built behind the first job that finds it missing, never before
// a first image (a click right after the warm-up would wait for it): that job samples step by step.
setGroupScheduler((lora) => void serial(() => prepareGroupSampling(lora)).catch(() => {}));
void warmUp().catch(() => {}); // see warmUp: a job that needs what failed builds it again and reports
// Sign of life between jobs; jobs beat each time they poll their signal.
setInterval(heartbeat, 500);
