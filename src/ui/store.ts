// The page's one store (zustand): state and the actions beside it. Only actions call the engine.
import { create } from 'zustand';
import type { BackendProbe, ProbeGraphResult, WebBackend } from '../../workers/engineApi.ts';
import { callEngine } from './engine.ts';

export type RunStatus = 'idle' | 'running' | 'done' | 'error' | 'unavailable';

export interface ProbeRun {
  readonly status: RunStatus;
  readonly result?: ProbeGraphResult;
  readonly error?: string;
}

export interface PlaygroundState {
  readonly probe: BackendProbe | null;
  readonly probeError: string | null;
  readonly runs: Readonly<Record<WebBackend, ProbeRun>>;
  /** Probe the backends, then run the probe graph on each available one (WASM first: it is quick). */
  start(): Promise<void>;
  runProbeGraph(backend: WebBackend): Promise<void>;
}

const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

export const useStore = create<PlaygroundState>()((set, get) => ({
  probe: null,
  probeError: null,
  runs: { wasm: { status: 'idle' }, webgpu: { status: 'idle' } },

  async start() {
    let probe: BackendProbe;
    try {
      probe = await callEngine((e) => e.probe());
    } catch (err) {
      set({ probeError: describe(err) });
      return;
    }
    set({ probe, probeError: null });
    if (!probe.webgpu.available) {
      set((s) => ({ runs: { ...s.runs, webgpu: { status: 'unavailable', error: probe.webgpu.reason } } }));
    }
    await get().runProbeGraph('wasm');
    if (probe.webgpu.available) await get().runProbeGraph('webgpu');
  },

  async runProbeGraph(backend) {
    const setRun = (run: ProbeRun) => set((s) => ({ runs: { ...s.runs, [backend]: run } }));
    setRun({ ...get().runs[backend], status: 'running', error: undefined });
    try {
      const result = await callEngine((e) => e.runProbeGraph(backend));
      setRun({ status: 'done', result });
    } catch (err) {
      setRun({ status: 'error', error: describe(err) });
    }
  },
}));
