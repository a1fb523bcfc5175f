// Test hooks: the browser tests and the bench CLI (src/cli/browserBench.ts) drive the same worker
// the UI uses, and a comlink remote cannot be made from outside the page. Only the dev server
// (what tests and benches open) installs them; in a production build `import.meta.env.DEV` is the
// constant false, so this body is dropped from the bundle and nothing can turn it on.
import type { Engine } from './engine.ts';
import * as batchDb from './store/batchDb.ts';

declare global {
  interface Window {
    /** batchDb: the store's own IndexedDB layer, so a test can seed a big batch the way the app stores one. */
    __gvu?: { engine: Engine; setHangMs(ms: number): void; batchDb: typeof batchDb };
  }
}

export function installTestHooks(engine: Engine, setHangMs: (ms: number) => void): void {
  if (!import.meta.env.DEV) return;
  window.__gvu = { engine, setHangMs, batchDb };
}
