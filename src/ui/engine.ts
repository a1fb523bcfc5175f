// The one engine worker of the page, wrapped by comlink. Only store actions call it (callEngine).
import * as Comlink from 'comlink';
import type { EngineApi } from '../../workers/engineApi.ts';

export type Engine = Comlink.Remote<EngineApi>;

declare global {
  interface Window {
    /** Test hook, see getEngine. */
    __gvu?: { engine: Engine };
  }
}

let engine: Engine | null = null;
let failure: Promise<never> | null = null;

export function getEngine(): Engine {
  if (!engine) {
    const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'gvu-engine' });
    // A worker that fails to load or crashes never answers comlink calls; turn its error event
    // into a rejection that every call races against, so the UI shows it instead of spinning.
    failure = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (ev) => {
        const e = new Error(`the engine worker failed: ${ev.message || 'could not load workers/engine.worker.ts (see the console)'}`);
        e.name = 'WorkerError';
        reject(e);
      });
    });
    failure.catch(() => {}); // observed through callEngine
    engine = Comlink.wrap<EngineApi>(worker);
    // Exposed on purpose: browser tests and the bench CLI (src/cli/browserBench.ts) drive the same
    // worker the UI uses; a comlink remote cannot be made from outside the page.
    window.__gvu = { engine };
  }
  return engine;
}

export function callEngine<T>(call: (engine: Engine) => Promise<T>): Promise<T> {
  const e = getEngine();
  return Promise.race([call(e), failure!]);
}
