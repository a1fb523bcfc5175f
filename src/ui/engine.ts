// The one engine worker of the page, wrapped by comlink. Only store actions call it (callEngine).
// A worker that dies (crash, OOM, lost device) is replaced by restartEngine(); finished results
// live in the store and IndexedDB, never only in the worker.
import * as Comlink from 'comlink';
import type { EngineApi } from '../../workers/engineApi.ts';

export type Engine = Comlink.Remote<EngineApi>;

declare global {
  interface Window {
    /** Test hook, see getEngine. */
    __gvu?: { engine: Engine };
  }
}

let worker: Worker | null = null;
let engine: Engine | null = null;
let failure: Promise<never> | null = null;
const failureListeners = new Set<(err: Error) => void>();

/** Called once per dead worker, with the error that killed it. */
export function onEngineFailure(listener: (err: Error) => void): () => void {
  failureListeners.add(listener);
  return () => failureListeners.delete(listener);
}

export function getEngine(): Engine {
  if (!engine) {
    const w = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'gvu-engine' });
    worker = w;
    // A worker that fails to load or crashes never answers comlink calls; turn its error event
    // into a rejection that every call races against, so the UI shows it instead of spinning.
    failure = new Promise<never>((_, reject) => {
      w.addEventListener('error', (ev) => {
        const e = new Error(`the engine worker failed: ${ev.message || 'could not load workers/engine.worker.ts (see the console)'}`);
        e.name = 'WorkerError';
        reject(e);
        if (worker === w) for (const l of failureListeners) l(e);
      });
    });
    failure.catch(() => {}); // observed through callEngine
    engine = Comlink.wrap<EngineApi>(w);
    // Exposed on purpose: browser tests and the bench CLI (src/cli/browserBench.ts) drive the same
    // worker the UI uses; a comlink remote cannot be made from outside the page.
    window.__gvu = { engine };
  }
  return engine;
}

/** Drop the current worker (dead or alive) and start a fresh one on the next call. */
export function restartEngine(): Engine {
  worker?.terminate();
  worker = null;
  engine = null;
  failure = null;
  return getEngine();
}

export function callEngine<T>(call: (engine: Engine) => Promise<T>): Promise<T> {
  const e = getEngine();
  return Promise.race([call(e), failure!]);
}

export const proxy = Comlink.proxy;

/** Engine failures keep a short prefix: the engine, not the input, is at fault. */
const FAILURE_PREFIX: Readonly<Record<string, string>> = { WorkerError: 'Worker failure', DeviceLostError: 'GPU device lost' };
/** Classes only a bug throws: the name stays, for whoever reads the report. */
const BUG_NAMES = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError', 'EvalError', 'URIError', 'RuntimeError']);

/**
 * What a person reads for anything thrown. Comlink carries only name and message across, so the
 * kind lives in `name`. A user's error (InputError, UnknownWordError, AbortError, a plain Error
 * from a check) is its message alone: a class name means nothing to the reader. An engine failure
 * says so in a few words; a real bug keeps its class name.
 */
export const describeError = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err);
  if (isEngineFailure(err)) return `${FAILURE_PREFIX[err.name] ?? 'Engine failure'}: ${err.message}`;
  if (BUG_NAMES.has(err.name)) return `Internal error (${err.name}): ${err.message}`;
  return err.message;
};

/** Errors that mean the engine itself is gone, not that the input was bad. */
export const isEngineFailure = (err: unknown): boolean =>
  err instanceof Error && (err.name === 'WorkerError' || err.name === 'DeviceLostError' || /device (was )?lost|out of memory/i.test(err.message));
