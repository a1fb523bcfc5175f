// Runs: every training run of the tab (and every CLI run imported) kept in IndexedDB (runsDb.ts),
// listed to reopen, rename, compare, export and delete. The train slice reports a run's life
// (begun, a step, a validation, paused or ended, its grid); this slice owns the records.
import type { AdapterFilesData, CompareGrid, GvuLogRow } from '../../../workers/engineApi.ts';
import { InputError } from '../../core/errors.ts';
import { zipAdapter } from '../../core/io/adapterZip.ts';
import { type RunEval, type RunFile, readCliRun, runEvalsJsonl, runLogJsonl } from '../../core/io/runFolder.ts';
import { callEngine } from '../engine.ts';
import { download } from './engineSlice.ts';
import * as db from './runsDb.ts';
import type { RunRecord } from './runsDb.ts';
import type { TrainConfig, TrainRunStatus } from './trainSlice.ts';
import type { Slice } from './types.ts';

export type { RunRecord };

export interface RunsSlice {
  /** Every kept run, newest first; the one training now is updated here as its steps arrive. */
  readonly trainRuns: readonly RunRecord[];
  /** The run the Train view shows (its curves, grid and settings). */
  readonly currentRunId: string | null;
  /** The run whose state (adapter, Adam moments) the worker holds: the only one Resume continues. */
  readonly workerRunId: string | null;
  /** Runs overlaid on the current one in the curves, and compared below them. */
  readonly compareIds: readonly string[];
  /** The run whose adapter the engine holds (null: none, or one uploaded on its own). */
  readonly adapterRunId: string | null;
  readonly runsError: string | null;

  loadRuns(): Promise<void>;
  /** A run starts: a new record (an old one is never reused). */
  beginRun(config: TrainConfig, prompts: string): Promise<string>;
  recordStep(row: GvuLogRow): void;
  recordEval(e: RunEval): void;
  /** A run paused, stopped, finished or failed: its status and the adapter as it stands. */
  endRun(status: TrainRunStatus, adapter: AdapterFilesData | null, step: number | null): Promise<void>;
  recordGrid(grid: CompareGrid): Promise<void>;
  reopenRun(id: string): Promise<void>;
  renameRun(id: string, name: string): Promise<void>;
  deleteRun(id: string): Promise<void>;
  toggleCompare(id: string): void;
  exportRunLog(id: string, which: 'log' | 'eval'): void;
  downloadRunAdapter(id: string): Promise<void>;
  /** A run folder the CLI wrote (picked as a folder, or its files), checked and kept as a run. */
  importCliRun(files: readonly File[]): Promise<void>;
}

/** The name a file name can carry: letters, digits, dot, dash, underscore. */
const fileStem = (name: string) => name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';

const newId = () => `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;

export const createRunsSlice: Slice<RunsSlice> = (set, get) => {
  // Step rows arrive faster than IndexedDB needs them: the record is written at most this often,
  // and always when the run ends.
  const SAVE_MS = 1000;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;

  const patch = (id: string, change: (r: RunRecord) => RunRecord): RunRecord | undefined => {
    let out: RunRecord | undefined;
    set((s) => ({ trainRuns: s.trainRuns.map((r) => (r.id === id ? (out = change(r)) : r)) }));
    return out;
  };
  const failed = (err: unknown) => set({ runsError: err instanceof Error ? err.message : String(err) });
  async function flush(id: string): Promise<void> {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    const run = get().trainRuns.find((r) => r.id === id);
    if (run) await db.saveRun(run);
  }
  function saveSoon(id: string): void {
    saveTimer ??= setTimeout(() => void flush(id).catch(failed), SAVE_MS);
  }

  return {
    trainRuns: [],
    currentRunId: null,
    workerRunId: null,
    compareIds: [],
    adapterRunId: null,
    runsError: null,

    async loadRuns() {
      try {
        const stored = await db.listRuns();
        // The tab's own live records are newer than what is stored, and one begun while the list
        // was read may not be stored yet.
        set((s) => {
          const live = new Map(s.trainRuns.map((r) => [r.id, r]));
          const merged = [...s.trainRuns.filter((r) => !stored.some((x) => x.id === r.id)), ...stored.map((r) => live.get(r.id) ?? r)];
          return { trainRuns: merged.sort((a, b) => b.createdAt - a.createdAt) };
        });
      } catch (err) {
        failed(err);
      }
    },

    async beginRun(config, prompts) {
      // A paused run cannot resume once the worker holds another: it is stopped where it paused.
      const previous = get().trainRuns.find((r) => r.id === get().workerRunId && r.status === 'paused');
      if (previous) {
        const stopped = patch(previous.id, (r) => ({ ...r, status: 'stopped' }));
        if (stopped) await db.saveRun(stopped).catch(failed);
      }
      const createdAt = Date.now();
      const n = get().trainRuns.length + 1;
      const run: RunRecord = {
        id: newId(), name: `run ${n} · ${new Date(createdAt).toLocaleTimeString()}`, createdAt, origin: 'tab', status: 'running',
        prompts, config: { ...config }, log: [], evals: [], adapterStep: null,
      };
      set((s) => ({ trainRuns: [run, ...s.trainRuns], currentRunId: run.id, workerRunId: run.id, adapterRunId: run.id, runsError: null }));
      try {
        await db.saveRun(run);
      } catch (err) {
        failed(err);
      }
      return run.id;
    },

    recordStep(row) {
      const id = get().workerRunId;
      if (!id) return;
      patch(id, (r) => ({ ...r, status: 'running', log: [...r.log, row] }));
      saveSoon(id);
    },

    recordEval(e) {
      const id = get().workerRunId;
      if (!id) return;
      patch(id, (r) => ({ ...r, evals: [...r.evals, e] }));
      saveSoon(id);
    },

    async endRun(status, adapter, step) {
      const id = get().workerRunId;
      if (!id) return;
      patch(id, (r) => ({ ...r, status, adapterStep: adapter ? step : r.adapterStep }));
      try {
        if (adapter) await db.saveRunAdapter(id, adapter);
        await flush(id);
      } catch (err) {
        failed(err);
      }
    },

    async recordGrid(grid) {
      const id = get().currentRunId;
      if (!id) return;
      try {
        await db.saveRunGrid(id, grid);
      } catch (err) {
        failed(err);
      }
    },

    async reopenRun(id) {
      if (get().busy) return;
      set({ runsError: null });
      try {
        const run = get().trainRuns.find((r) => r.id === id) ?? (await db.loadRun(id));
        if (!run) throw new InputError(`run ${id} is no longer stored`);
        const [grid, adapter] = await Promise.all([db.loadRunGrid(id), db.loadRunAdapter(id)]);
        const last = run.log.at(-1);
        // Only the run the worker holds can resume; any other is shown as it ended.
        const status: TrainRunStatus = id === get().workerRunId && run.status === 'paused' ? 'paused'
          : run.status === 'finished' ? 'finished' : run.status === 'error' ? 'error' : 'stopped';
        const form = Object.fromEntries(Object.keys(get().trainConfig).filter((k) => k in run.config).map((k) => [k, run.config[k]]));
        set((s) => ({
          currentRunId: id, compareIds: s.compareIds.filter((c) => c !== id),
          trainLog: run.log, trainEvals: run.evals, trainStep: last?.step ?? 0, trainStatus: status, trainPhase: null, trainError: null, grid,
          trainConfig: { ...s.trainConfig, ...form }, trainProblems: {},
        }));
        // Its adapter becomes the engine's, so the grid, Inspect and Batch use the run's weights.
        if (adapter) await get().applyAdapter(adapter, { source: 'run', label: run.name }, id);
      } catch (err) {
        failed(err);
      }
    },

    async renameRun(id, name) {
      const trimmed = name.trim();
      if (!trimmed) {
        set({ runsError: 'a run needs a name: type at least one character' });
        return;
      }
      const run = patch(id, (r) => ({ ...r, name: trimmed }));
      try {
        if (run) await db.saveRun(run);
        set({ runsError: null });
      } catch (err) {
        failed(err);
      }
    },

    async deleteRun(id) {
      if (id === get().workerRunId && (get().trainStatus === 'running' || get().trainStatus === 'pausing')) {
        set({ runsError: 'this run is training: stop it before deleting it' });
        return;
      }
      try {
        await db.deleteRun(id);
        set((s) => ({
          trainRuns: s.trainRuns.filter((r) => r.id !== id), compareIds: s.compareIds.filter((c) => c !== id),
          currentRunId: s.currentRunId === id ? null : s.currentRunId, workerRunId: s.workerRunId === id ? null : s.workerRunId,
          adapterRunId: s.adapterRunId === id ? null : s.adapterRunId,
          runsError: null,
        }));
      } catch (err) {
        failed(err);
      }
    },

    toggleCompare(id) {
      set((s) => ({ compareIds: s.compareIds.includes(id) ? s.compareIds.filter((c) => c !== id) : [...s.compareIds, id] }));
    },

    exportRunLog(id, which) {
      const run = get().trainRuns.find((r) => r.id === id);
      if (!run) return;
      const text = which === 'log' ? runLogJsonl(run.log) : runEvalsJsonl(run.evals);
      download(`${fileStem(run.name)}-${which}.jsonl`, text, 'application/jsonl');
    },

    async downloadRunAdapter(id) {
      const run = get().trainRuns.find((r) => r.id === id);
      try {
        const files = await db.loadRunAdapter(id);
        if (!run || !files) throw new InputError(`${run?.name ?? id} has no saved adapter`);
        download(`${fileStem(run.name)}-adapter${run.adapterStep !== null ? `-step${run.adapterStep}` : ''}.zip`, zipAdapter(files), 'application/zip');
      } catch (err) {
        failed(err);
      }
    },

    async importCliRun(files) {
      set({ runsError: null });
      try {
        const picked: RunFile[] = await Promise.all(files.map(async (f) => ({ path: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
        const cli = readCliRun(picked);
        // The adapter goes through the engine's checks (shapes, NaN/Inf) before the run is kept.
        if (cli.adapter) {
          if (get().busy) throw new InputError(`the engine is busy (${get().busy}); import the run when it is free`);
          const model = await callEngine((e) => e.importAdapter(cli.adapter!));
          set({ model, adapterSnapshot: cli.adapter });
        }
        const createdAt = Date.now();
        const run: RunRecord = {
          id: newId(), name: cli.name, createdAt, origin: 'cli', status: cli.adapterFrom === 'adapter' ? 'finished' : 'stopped',
          prompts: typeof cli.config?.prompts === 'string' ? cli.config.prompts : `CLI run ${cli.name}`,
          config: cli.config ?? {}, log: cli.log, evals: cli.evals, adapterStep: cli.adapter ? (cli.log.at(-1)?.step ?? null) : null,
        };
        await db.saveRun(run);
        if (cli.adapter) await db.saveRunAdapter(run.id, cli.adapter);
        set((s) => ({ trainRuns: [run, ...s.trainRuns] }));
        await get().reopenRun(run.id);
      } catch (err) {
        set({ runsError: `import: ${err instanceof Error ? err.message : String(err)}` });
      }
    },
  };
};
