// The engine: backend probe, the loaded model, backend choice, adapter, timings, and what to do
// when the worker dies (restart, optionally on WASM) without losing finished results.
import type {
  AdapterFilesData, AdapterOrigin, BackendProbe, ModelInfo, OpTiming, ProbeGraphResult, WebBackend,
} from '../../../workers/engineApi.ts';
import { InputError } from '../../core/errors.ts';
import { isZipName, unzipAdapter, zipAdapter } from '../../core/io/adapterZip.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from '../../core/model/adapter.ts';
import { callEngine, describeError, isEngineFailure, onEngineFailure, restartEngine } from '../engine.ts';
import type { Slice } from './types.ts';
import { type View, initialLink, initialView, writeUrl } from './url.ts';

export type RunStatus = 'idle' | 'running' | 'done' | 'error' | 'unavailable';
export type BackendChoice = 'auto' | WebBackend;

export interface ProbeRun {
  readonly status: RunStatus;
  readonly result?: ProbeGraphResult;
  readonly error?: string;
}

export interface EngineSlice {
  readonly view: View;
  readonly probe: BackendProbe | null;
  readonly probeError: string | null;
  readonly runs: Readonly<Record<WebBackend, ProbeRun>>;
  readonly model: ModelInfo | null;
  readonly modelError: string | null;
  readonly backendChoice: BackendChoice;
  readonly timings: readonly OpTiming[];
  /** The worker died: what happened. Cleared by restart. */
  readonly failure: string | null;
  /** What holds the engine now (e.g. 'training'), so other views wait instead of queueing silently. */
  readonly busy: string | null;
  readonly adapterError: string | null;
  /** The last adapter exported or imported, kept here so a restarted worker gets it back. */
  readonly adapterSnapshot: AdapterFilesData | null;
  /** Where that adapter came from, so a restarted worker names it as before. */
  readonly adapterOrigin: AdapterOrigin | null;

  setView(view: View): void;
  /** Probe backends, load the model, pick the backend. Called once at start and after a restart. */
  start(): Promise<void>;
  runProbeGraph(backend: WebBackend): Promise<void>;
  setBackendChoice(choice: BackendChoice): Promise<void>;
  refreshTimings(): Promise<void>;
  restart(backend?: WebBackend): Promise<void>;
  importAdapter(files: readonly File[]): Promise<void>;
  /**
   * Make checked adapter files the engine's (an upload, a reopened run, a shipped adapter): the same
   * checks, the same backend switch under 'auto', the snapshot a restart restores. Throws what the
   * engine refused.
   */
  applyAdapter(data: Partial<AdapterFilesData>, origin: AdapterOrigin, runId: string | null): Promise<void>;
  downloadAdapter(): Promise<void>;
  clearAdapter(): Promise<void>;
  /** Internal: route an engine error to the failure banner or return its text. */
  engineError(err: unknown): string;
  setBusy(what: string | null): void;
  /** Jobs that were running in the dead worker are marked interrupted (their finished rows stay). */
  afterRestart(): void;
}

/** The link's backend, checked with the rest of the link (link.ts): a bad value is named in a notice. */
const choiceFromUrl = (): BackendChoice => initialLink().backend;

/** 'auto': WebGPU when an adapter is present and a hardware adapter exists, else WASM (software WebGPU is slower). */
export function resolveBackend(choice: BackendChoice, probe: BackendProbe | null, hasAdapter: boolean): WebBackend {
  if (choice !== 'auto') return choice;
  return hasAdapter && probe?.webgpu.available && !probe.webgpu.isSoftware ? 'webgpu' : 'wasm';
}

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
export { download };

/** An upload: one adapter zip, or the two PEFT files (matched by name, else by extension). */
async function adapterFromUploads(files: readonly File[]): Promise<Partial<AdapterFilesData>> {
  const zips = files.filter((f) => isZipName(f.name));
  if (zips.length) {
    if (files.length > 1) throw new InputError(`choose one adapter .zip, or adapter_config.json and adapter_model.safetensors, not both (got ${files.map((f) => f.name).join(', ')})`);
    return unzipAdapter(new Uint8Array(await zips[0].arrayBuffer()), zips[0].name);
  }
  const byName = new Map(files.map((f) => [f.name, f]));
  const cfg = byName.get(ADAPTER_CONFIG_FILE) ?? files.find((f) => f.name.endsWith('.json'));
  const st = byName.get(ADAPTER_WEIGHTS_FILE) ?? files.find((f) => f.name.endsWith('.safetensors'));
  return {
    ...(cfg ? { [ADAPTER_CONFIG_FILE]: await cfg.text() } : {}),
    ...(st ? { [ADAPTER_WEIGHTS_FILE]: new Uint8Array(await st.arrayBuffer()) } : {}),
  };
}

export const createEngineSlice: Slice<EngineSlice> = (set, get) => {
  onEngineFailure((err) => set({ failure: describeError(err), busy: null }));
  return {
    view: initialView(),
    probe: null,
    probeError: null,
    runs: { wasm: { status: 'idle' }, webgpu: { status: 'idle' } },
    model: null,
    modelError: null,
    backendChoice: choiceFromUrl(),
    timings: [],
    failure: null,
    busy: null,
    adapterError: null,
    adapterSnapshot: null,
    adapterOrigin: null,

    setView(view) {
      set({ view });
      writeUrl({ view });
    },

    async start() {
      try {
        const probe = await callEngine((e) => e.probe());
        set({ probe, probeError: null });
        if (!probe.webgpu.available) {
          set((s) => ({ runs: { ...s.runs, webgpu: { status: 'unavailable', error: probe.webgpu.reason } } }));
        }
      } catch (err) {
        set({ probeError: get().engineError(err) });
        return;
      }
      try {
        let model = await callEngine((e) => e.loadModel());
        const snap = get().adapterSnapshot;
        if (snap && !model.adapter) model = await callEngine((e) => e.importAdapter(snap, get().adapterOrigin ?? undefined));
        const want = resolveBackend(get().backendChoice, get().probe, Boolean(model.adapter));
        if (model.backend !== want) model = await callEngine((e) => e.setBackend(want));
        set({ model, modelError: null });
        void get().refreshTimings();
      } catch (err) {
        set({ modelError: get().engineError(err) });
      }
    },

    async runProbeGraph(backend) {
      const setRun = (run: ProbeRun) => set((s) => ({ runs: { ...s.runs, [backend]: run } }));
      if (get().busy) return;
      const before = get().runs[backend];
      setRun({ ...before, status: 'running', error: undefined });
      get().setBusy(`probing ${backend}`);
      try {
        const result = await callEngine((e) => e.runProbeGraph(backend));
        setRun({ status: 'done', result });
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') setRun(before); // cancelled: as it was
        else setRun({ status: 'error', error: get().engineError(err) });
      } finally {
        get().setBusy(null);
      }
    },

    async setBackendChoice(choice) {
      set({ backendChoice: choice });
      writeUrl({ backend: choice === 'auto' ? null : choice });
      const want = resolveBackend(choice, get().probe, Boolean(get().model?.adapter));
      try {
        const model = await callEngine((e) => e.setBackend(want));
        set({ model, modelError: null });
      } catch (err) {
        set({ modelError: get().engineError(err) });
      }
    },

    async refreshTimings() {
      try {
        const timings = await callEngine((e) => e.timings());
        set({ timings });
      } catch (err) {
        get().engineError(err);
      }
    },

    async restart(backend) {
      restartEngine();
      set({
        failure: null, busy: null, model: null, modelError: null,
        runs: { wasm: { status: 'idle' }, webgpu: { status: 'idle' } },
        ...(backend ? { backendChoice: backend } : {}),
      });
      if (backend) writeUrl({ backend });
      get().afterRestart();
      await get().start();
    },

    async importAdapter(files) {
      set({ adapterError: null });
      try {
        await get().applyAdapter(await adapterFromUploads(files), { source: 'uploaded' }, null);
      } catch (err) {
        set({ adapterError: get().engineError(err) });
      }
    },

    async applyAdapter(data, origin, runId) {
      const model = await callEngine((e) => e.importAdapter(data, origin));
      set({ model, adapterSnapshot: data as AdapterFilesData, adapterOrigin: origin, adapterRunId: runId });
      const want = resolveBackend(get().backendChoice, get().probe, true);
      if (want !== model.backend) set({ model: await callEngine((e) => e.setBackend(want)) });
    },

    async downloadAdapter() {
      set({ adapterError: null });
      try {
        const files = await callEngine((e) => e.exportAdapter());
        set({ adapterSnapshot: files });
        const step = get().model?.adapter?.step;
        download(`gvu-adapter${typeof step === 'number' ? `-step${step}` : ''}.zip`, zipAdapter(files), 'application/zip');
      } catch (err) {
        set({ adapterError: get().engineError(err) });
      }
    },

    async clearAdapter() {
      try {
        const model = await callEngine((e) => e.clearAdapter());
        set({ model, adapterSnapshot: null, adapterOrigin: null, adapterRunId: null });
      } catch (err) {
        set({ adapterError: get().engineError(err) });
      }
    },

    engineError(err) {
      const text = describeError(err);
      if (isEngineFailure(err)) set({ failure: text, busy: null });
      return text;
    },

    setBusy(what) {
      set({ busy: what });
    },

    afterRestart() {
      const s = get();
      set({
        generating: false, heatLoading: false,
        trainStatus: s.trainStatus === 'running' || s.trainStatus === 'pausing' ? 'interrupted' : s.trainStatus,
        batchStatus: s.batchStatus === 'running' ? 'interrupted' : s.batchStatus,
      });
    },
  };
};
