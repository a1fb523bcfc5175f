// Batch: a prompt set in, G images per prompt scored and judged, results table and exports out.
// Every finished prompt is written to IndexedDB before it shows, so nothing finished is lost. Every
// job is kept (a list to reopen, export, delete); one tab runs a job, others watch it (batchOwner.ts).
import type { BatchRowResult, ScoredRow } from '../../../workers/engineApi.ts';
import { decodeText } from '../../core/io/decodeText.ts';
import { type PromptSet, parsePromptSet } from '../../core/io/promptSet.ts';
import { resultsToCsv, resultsToJsonl } from '../../core/io/results.ts';
import { callEngine, cancelJob, describeError, proxy } from '../engine.ts';
import {
  type BatchJob, type BatchJobSummary, type BatchRecord, deleteJob, listJobs, loadJob, loadJobOnly, loadRecords, saveJob, saveRecord,
} from './batchDb.ts';
import { type Release, announce, isOwned, onAnnouncement, tryOwn, waitToOwn } from './batchOwner.ts';
import { FAMILY_CFG_SCALE } from './engineModelSlice.ts';
import { download } from './engineSlice.ts';
import type { Slice } from './types.ts';
import { type ShippedPromptSet, fetchShippedPromptSet } from './shippedPromptSets.ts';

/** 'watching': another tab runs this job; this one shows its rows as they are stored. */
export type BatchStatus = 'idle' | 'ready' | 'running' | 'watching' | 'cancelled' | 'done' | 'interrupted' | 'error';
export type ExportScope = 'all' | 'filtered';
export type SortKey = 'line' | 'prompt' | 'tag' | 'reward' | 'lowestP' | 'judge';

export interface BatchSlice {
  readonly batchJob: BatchJob | null;
  readonly batchRecords: Readonly<Record<number, BatchRecord>>;
  readonly batchStatus: BatchStatus;
  readonly batchError: string | null;
  readonly batchGroupSize: number;
  /** Rate: prompts finished since the run (re)started, and when it started. */
  readonly batchRun: { readonly startedAt: number; readonly doneAtStart: number } | null;
  readonly batchSort: { readonly key: SortKey; readonly desc: boolean };
  readonly batchFilter: string;
  /** Every job kept in this browser, newest first. */
  readonly batchJobs: readonly BatchJobSummary[];
  readonly batchExportScope: ExportScope;

  /** Read back this tab's job (else the newest) from IndexedDB; resume it when the page went away mid-run. */
  restoreBatch(): Promise<void>;
  openBatchJob(id: string): Promise<void>;
  deleteBatchJob(id: string): Promise<void>;
  exportBatchJob(id: string, kind: 'csv' | 'jsonl'): Promise<void>;
  setBatchExportScope(scope: ExportScope): void;
  loadBatchFile(file: File): Promise<void>;
  loadShippedSet(name: ShippedPromptSet): Promise<void>;
  setBatchGroupSize(g: number): void;
  runBatch(): Promise<void>;
  cancelBatch(): Promise<void>;
  setBatchSort(key: SortKey): void;
  setBatchFilter(text: string): void;
  /** Export the open job's rows: all of them, or the table's filtered rows when that scope is chosen. */
  exportBatch(kind: 'csv' | 'jsonl'): void;
}

/** The batch's sampling; CFG is the job's own (batchCfgScale). */
const BATCH_SAMPLING = { temperature: 1, topK: 0, topP: 1, minP: 0.03 };

/** A new job samples as Inspect does by default: with guidance when the open family offers it (upstream Janus: 5), else without. */
export function batchCfgScale(guidance: boolean): number {
  return guidance ? FAMILY_CFG_SCALE : 1;
}

/** This tab's open job survives a reload of the tab (sessionStorage), not into other tabs. */
const CURRENT_JOB = 'gvu-batch-current';

/** The table's rows, in its order: filtered by text, sorted by the chosen column. */
export function visibleRows(records: Readonly<Record<number, BatchRecord>>, sort: BatchSlice['batchSort'], filter: string) {
  const all = Object.values(records).sort((a, b) => a.index - b.index)
    .flatMap((rec) => rec.rows.map((row, k) => ({ row, image: rec.images[k], key: `${rec.index}:${k}` })));
  const f = filter.trim().toLowerCase();
  const kept = f ? all.filter(({ row }) => `${row.prompt} ${row.tag ?? ''} ${row.lowestWord}`.toLowerCase().includes(f)) : all;
  const val = (r: ScoredRow): number | string => {
    switch (sort.key) {
      case 'line': return r.line * 1000 + r.imageIndex;
      case 'prompt': return r.prompt;
      case 'tag': return r.tag ?? '';
      case 'reward': return r.reward;
      case 'lowestP': return r.lowestP;
      case 'judge': return r.judgePass === null ? -1 : r.judgeStrictPass ? 2 : r.judgePass ? 1 : 0;
    }
  };
  const dir = sort.desc ? -1 : 1;
  return [...kept].sort((a, b) => {
    const [x, y] = [val(a.row), val(b.row)];
    return (x < y ? -1 : x > y ? 1 : 0) * dir;
  });
}

export const createBatchSlice: Slice<BatchSlice> = (set, get) => {
  /** Stops watching the open job (waiting for its lock), when another job is opened. */
  let watch: AbortController | null = null;
  let restored = false;

  const refreshJobs = async () => set({ batchJobs: await listJobs() });

  function download_(job: BatchJob, rows: readonly ScoredRow[], kind: 'csv' | 'jsonl', suffix = ''): void {
    const stem = job.fileName.replace(/\.[^.]+$/, '') + suffix;
    if (kind === 'csv') download(`${stem}-scores.csv`, resultsToCsv(rows), 'text/csv');
    else download(`${stem}-scores.jsonl`, resultsToJsonl(rows), 'application/jsonl');
  }

  async function adopt(set_: PromptSet): Promise<void> {
    const { model } = get();
    const a = model?.adapter;
    const job: BatchJob = {
      id: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      fileName: set_.fileName,
      format: set_.format,
      items: set_.rows.map((r, index) => ({ index, line: r.line, prompt: r.prompt, tag: r.tag, spec: r.spec })),
      problems: [...set_.problems],
      groupSize: get().batchGroupSize,
      seed: 1000,
      cfgScale: batchCfgScale(Boolean(model?.family?.capabilities.guidance)),
      state: 'ready',
      createdAt: Date.now(),
      model: modelLabel(),
      adapter: model?.family ? null : a ? `LoRA r=${a.rank}, ${a.source}${a.step !== null ? ` at step ${a.step}` : ''}` : null,
    };
    await saveJob(job);
    show(job, []);
    announce({ kind: 'jobs' });
    await refreshJobs();
  }

  /** Make `job` this tab's open job, with its stored records. */
  function show(job: BatchJob, records: readonly BatchRecord[]): void {
    watch?.abort();
    watch = null;
    sessionStorage.setItem(CURRENT_JOB, job.id);
    const complete = records.length >= job.items.length;
    set({
      batchJob: job, batchRecords: Object.fromEntries(records.map((r) => [r.index, r])), batchGroupSize: job.groupSize,
      batchStatus: complete && job.items.length > 0 ? 'done' : job.state === 'stopped' ? 'cancelled' : 'ready',
      batchError: null, batchRun: null,
    });
  }

  /**
   * Another tab runs the job: show its rows as they come, and take the job over if that tab goes
   * away before it is finished.
   */
  function watchJob(job: BatchJob): void {
    const ctl = new AbortController();
    watch = ctl;
    set({ batchStatus: 'watching' });
    waitToOwn(job.id, ctl.signal).then(async (release) => {
      if (ctl.signal.aborted) return release();
      const saved = await loadJob(job.id);
      if (saved && saved.job.state === 'running' && saved.records.length < saved.job.items.length) {
        show(saved.job, saved.records);
        await runWithLock(release);
      } else {
        release();
        if (saved) show(saved.job, saved.records);
      }
    }, () => {}); // aborted: this tab opened another job
  }

  onAnnouncement(async (m) => {
    if (m.kind === 'jobs') return refreshJobs();
    const job = get().batchJob;
    if (!job || m.jobId !== job.id) return;
    if (m.kind === 'row' && get().batchStatus === 'watching') {
      const rec = m.record;
      set((s) => ({ batchRecords: { ...s.batchRecords, [rec.index]: rec } }));
    } else if (m.kind === 'state' && get().batchStatus === 'watching') {
      const saved = await loadJob(job.id);
      if (saved && saved.job.state !== 'running' && get().batchJob?.id === job.id && get().batchStatus === 'watching') show(saved.job, saved.records);
      void refreshJobs();
    } else if (m.kind === 'cancel' && get().batchStatus === 'running') {
      cancelJob();
    }
  });

  /** The model a job's rows come from: an opened family's label, else the tiny model's name. */
  const modelLabel = () => get().model?.family?.label ?? get().model?.name ?? null;

  /** Run the open job's unfinished prompts; the caller holds the job's lock, released at the end. */
  async function runWithLock(release: Release): Promise<void> {
    const job = get().batchJob!;
    try {
      // One job, one model: rows from two models in one table would read as one experiment.
      if (job.model !== null && modelLabel() !== null && job.model !== modelLabel()) {
        set({ batchStatus: 'error', batchError: `This batch was made with ${job.model}; ${modelLabel()} is open. Open ${job.model} again to continue it, or upload the prompts again for a new batch.` });
        return;
      }
      const todo = job.items.filter((it) => !get().batchRecords[it.index]);
      if (todo.length === 0) {
        set({ batchStatus: 'done' });
        return;
      }
      const running = { ...job, state: 'running' as const };
      await saveJob(running);
      announce({ kind: 'state', jobId: job.id });
      set({
        batchJob: running, batchStatus: 'running', batchError: null,
        batchRun: { startedAt: performance.now(), doneAtStart: Object.keys(get().batchRecords).length },
      });
      get().setBusy('batch scoring');
      const saving: Promise<void>[] = [];
      const onRows = proxy((r: BatchRowResult) => {
        const rec: BatchRecord = { jobId: job.id, index: r.index, rows: r.rows, images: r.images };
        // Persist first: a row counts as finished only once IndexedDB has it.
        saving.push(saveRecord(rec).then(() => {
          announce({ kind: 'row', jobId: job.id, record: rec });
          if (get().batchJob?.id === job.id) set((s) => ({ batchRecords: { ...s.batchRecords, [rec.index]: rec } }));
        }));
      });
      try {
        const reward = get().reward;
        const { probe, model } = get();
        const softwareGpu = model?.backend === 'webgpu' && Boolean(probe?.webgpu.isSoftware);
        const res = await callEngine((e) => e.scoreBatch({
          ...BATCH_SAMPLING, cfgScale: job.cfgScale, items: todo, groupSize: job.groupSize, seed: job.seed, reward, promptsPerChunk: softwareGpu ? 1 : undefined,
        }, onRows));
        await Promise.all(saving); // the run is done only when its last rows are stored and shown
        const state = res.cancelled ? 'stopped' : 'done';
        await saveJob({ ...job, state });
        set({ batchJob: { ...job, state }, batchStatus: res.cancelled ? 'cancelled' : 'done' });
      } catch (err) {
        await Promise.allSettled(saving);
        set({ batchStatus: get().failure ? 'interrupted' : 'error', batchError: get().engineError(err) });
      } finally {
        get().setBusy(null);
      }
    } finally {
      release();
      announce({ kind: 'state', jobId: job.id });
      void refreshJobs();
    }
  }

  async function readUpload(file: File): Promise<PromptSet> {
    // An opened family with its own tokenizer (Janus) reads any text; the tiny model only ShapesWorld's words.
    const vocabulary = get().model?.family?.capabilities.freeText ? 'free' : 'shapesworld';
    return parsePromptSet(decodeText(new Uint8Array(await file.arrayBuffer())), file.name, { vocabulary });
  }

  return {
    batchJob: null,
    batchRecords: {},
    batchStatus: 'idle',
    batchError: null,
    batchGroupSize: 2,
    batchRun: null,
    batchSort: { key: 'line', desc: false },
    batchFilter: '',
    batchJobs: [],
    batchExportScope: 'all',

    async restoreBatch() {
      if (restored) return; // once per page (React's strict mode runs effects twice in dev)
      restored = true;
      try {
        const jobs = await listJobs();
        set({ batchJobs: jobs });
        const id = sessionStorage.getItem(CURRENT_JOB) ?? jobs[0]?.job.id;
        if (id && jobs.some((j) => j.job.id === id)) await get().openBatchJob(id);
      } catch (err) {
        set({ batchError: `could not read saved batch results: ${err instanceof Error ? err.message : String(err)}` });
      }
    },

    async openBatchJob(id) {
      if (get().batchStatus === 'running') return; // this tab's run holds the engine: finish or cancel it first
      const job = await loadJobOnly(id);
      if (!job) {
        set({ batchError: 'that batch is gone (deleted in another tab?)' });
        return refreshJobs();
      }
      // Who runs it is settled before the (slow) read of its records, so no row announced in
      // between is missed: a watcher keeps what arrives and adds the stored rows under it.
      const release = job.state === 'running' ? await tryOwn(id) : null;
      show(job, []);
      if (job.state === 'running' && !release) watchJob(job);
      const records = await loadRecords(id);
      if (get().batchJob?.id !== id) return release?.();
      set((s) => ({ batchRecords: { ...Object.fromEntries(records.map((r) => [r.index, r])), ...s.batchRecords } }));
      const complete = records.length >= job.items.length && job.items.length > 0;
      if (get().batchStatus !== 'watching') set({ batchStatus: complete ? 'done' : job.state === 'stopped' ? 'cancelled' : 'ready' });
      // It was running when its tab went away (reload, crash): this tab resumes it.
      if (release) {
        if (complete) release();
        else await runWithLock(release);
      }
    },

    async deleteBatchJob(id) {
      if (await isOwned(id)) {
        set({ batchError: 'that batch is running (here or in another tab): cancel it before deleting it' });
        return;
      }
      await deleteJob(id);
      if (get().batchJob?.id === id) {
        sessionStorage.removeItem(CURRENT_JOB);
        set({ batchJob: null, batchRecords: {}, batchStatus: 'idle', batchRun: null });
      }
      announce({ kind: 'jobs' });
      await refreshJobs();
    },

    async exportBatchJob(id, kind) {
      const saved = await loadJob(id);
      if (!saved) return;
      const rows = visibleRows(Object.fromEntries(saved.records.map((r) => [r.index, r])), { key: 'line', desc: false }, '').map((r) => r.row);
      download_(saved.job, rows, kind);
    },

    async loadBatchFile(file) {
      try {
        await adopt(await readUpload(file));
      } catch (err) {
        set({ batchError: describeError(err) }); // the open job (if any) stays as it was
      }
    },

    async loadShippedSet(name) {
      try {
        await adopt(parsePromptSet(await fetchShippedPromptSet(name), `${name}.jsonl`));
      } catch (err) {
        set({ batchError: describeError(err) });
      }
    },

    setBatchGroupSize(g) {
      set({ batchGroupSize: g });
      const job = get().batchJob;
      if (job && Object.keys(get().batchRecords).length === 0 && get().batchStatus !== 'watching') {
        const next = { ...job, groupSize: g };
        set({ batchJob: next });
        void saveJob(next).then(refreshJobs);
      }
    },

    async runBatch() {
      const job = get().batchJob;
      if (!job || get().batchStatus === 'running' || get().busy) return;
      const release = await tryOwn(job.id);
      if (!release) {
        watchJob(job);
        return;
      }
      await runWithLock(release);
    },

    async cancelBatch() {
      const { batchStatus, batchJob } = get();
      if (batchStatus === 'running') cancelJob();
      else if (batchStatus === 'watching' && batchJob) announce({ kind: 'cancel', jobId: batchJob.id }); // its owner cancels
    },

    setBatchSort(key) {
      set((s) => ({ batchSort: { key, desc: s.batchSort.key === key ? !s.batchSort.desc : key === 'reward' } }));
    },

    setBatchFilter(text) {
      set({ batchFilter: text });
    },

    setBatchExportScope(scope) {
      set({ batchExportScope: scope });
    },

    exportBatch(kind) {
      const { batchRecords, batchSort, batchFilter, batchJob, batchExportScope } = get();
      if (!batchJob) return;
      const filtered = batchExportScope === 'filtered' && batchFilter.trim() !== '';
      const rows = visibleRows(batchRecords, batchSort, filtered ? batchFilter : '').map((r) => r.row);
      download_(batchJob, rows, kind, filtered ? '-filtered' : '');
    },
  };
};
