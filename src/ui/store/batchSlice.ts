// Batch: a prompt set in, G images per prompt scored and judged, results table and exports out.
// Every finished prompt is written to IndexedDB before it shows, so nothing finished is lost.
import type { BatchRowResult, ScoredRow } from '../../../workers/engineApi.ts';
import { type PromptSet, parsePromptSet } from '../../core/io/promptSet.ts';
import { resultsToCsv, resultsToJsonl } from '../../core/io/results.ts';
import { callEngine, cancelJob, proxy } from '../engine.ts';
import { type BatchJob, type BatchRecord, loadJob, replaceJob, saveJob, saveRecord } from './batchDb.ts';
import { download } from './engineSlice.ts';
import type { Slice } from './types.ts';
import { type ShippedPromptSet, fetchShippedPromptSet } from './shippedPromptSets.ts';

export type BatchStatus = 'idle' | 'ready' | 'running' | 'cancelled' | 'done' | 'interrupted' | 'error';
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

  /** Read back a job from IndexedDB; resume it when the page went away mid-run. */
  restoreBatch(): Promise<void>;
  loadBatchFile(file: File): Promise<void>;
  loadShippedSet(name: ShippedPromptSet): Promise<void>;
  setBatchGroupSize(g: number): void;
  runBatch(): Promise<void>;
  cancelBatch(): Promise<void>;
  setBatchSort(key: SortKey): void;
  setBatchFilter(text: string): void;
  exportBatch(kind: 'csv' | 'jsonl'): void;
}

const BATCH_SAMPLING = { temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 1 };

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
  async function adopt(set_: PromptSet): Promise<void> {
    const job: BatchJob = {
      id: `${Date.now()}`,
      fileName: set_.fileName,
      format: set_.format,
      items: set_.rows.map((r, index) => ({ index, line: r.line, prompt: r.prompt, tag: r.tag, spec: r.spec })),
      problems: [...set_.problems],
      groupSize: get().batchGroupSize,
      seed: 1000,
      state: 'ready',
    };
    await replaceJob(job);
    set({ batchJob: job, batchRecords: {}, batchStatus: 'ready', batchError: null, batchRun: null });
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

    async restoreBatch() {
      try {
        const saved = await loadJob();
        if (!saved) return;
        const records = Object.fromEntries(saved.records.map((r) => [r.index, r]));
        const complete = saved.records.length >= saved.job.items.length;
        set({
          batchJob: saved.job, batchRecords: records, batchGroupSize: saved.job.groupSize,
          batchStatus: complete ? 'done' : saved.job.state === 'stopped' ? 'cancelled' : 'ready',
        });
        if (!complete && saved.job.state === 'running') await get().runBatch();
      } catch (err) {
        set({ batchError: `could not read saved batch results: ${err instanceof Error ? err.message : String(err)}` });
      }
    },

    async loadBatchFile(file) {
      try {
        await adopt(parsePromptSet(await file.text(), file.name));
      } catch (err) {
        set({ batchStatus: 'error', batchError: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
    },

    async loadShippedSet(name) {
      try {
        await adopt(parsePromptSet(await fetchShippedPromptSet(name), `${name}.jsonl`));
      } catch (err) {
        set({ batchStatus: 'error', batchError: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
    },

    setBatchGroupSize(g) {
      set({ batchGroupSize: g });
      const job = get().batchJob;
      if (job && Object.keys(get().batchRecords).length === 0) {
        const next = { ...job, groupSize: g };
        set({ batchJob: next });
        void saveJob(next);
      }
    },

    async runBatch() {
      const job = get().batchJob;
      if (!job || get().batchStatus === 'running' || get().busy) return;
      const todo = job.items.filter((it) => !get().batchRecords[it.index]);
      if (todo.length === 0) {
        set({ batchStatus: 'done' });
        return;
      }
      const running = { ...job, state: 'running' as const };
      await saveJob(running);
      set({
        batchJob: running, batchStatus: 'running', batchError: null,
        batchRun: { startedAt: performance.now(), doneAtStart: Object.keys(get().batchRecords).length },
      });
      get().setBusy('batch scoring');
      const saving: Promise<void>[] = [];
      const onRows = proxy((r: BatchRowResult) => {
        const rec: BatchRecord = { index: r.index, rows: r.rows, images: r.images };
        // Persist first: a row counts as finished only once IndexedDB has it.
        saving.push(saveRecord(rec).then(() => set((s) => ({ batchRecords: { ...s.batchRecords, [rec.index]: rec } }))));
      });
      try {
        const reward = get().reward;
        const res = await callEngine((e) => e.scoreBatch({ ...BATCH_SAMPLING, items: todo, groupSize: job.groupSize, seed: job.seed, reward }, onRows));
        await Promise.all(saving); // the run is done only when its last rows are stored and shown
        const state = res.cancelled ? 'stopped' : 'done';
        await saveJob({ ...job, state });
        set({ batchJob: { ...job, state }, batchStatus: res.cancelled ? 'cancelled' : 'done' });
      } catch (err) {
        set({ batchStatus: get().failure ? 'interrupted' : 'error', batchError: get().engineError(err) });
      } finally {
        get().setBusy(null);
      }
    },

    async cancelBatch() {
      if (get().batchStatus !== 'running') return;
      cancelJob();
    },

    setBatchSort(key) {
      set((s) => ({ batchSort: { key, desc: s.batchSort.key === key ? !s.batchSort.desc : key === 'reward' } }));
    },

    setBatchFilter(text) {
      set({ batchFilter: text });
    },

    exportBatch(kind) {
      const { batchRecords, batchSort, batchFilter, batchJob } = get();
      const rows = visibleRows(batchRecords, batchSort, batchFilter).map((r) => r.row);
      const stem = (batchJob?.fileName ?? 'batch').replace(/\.[^.]+$/, '');
      if (kind === 'csv') download(`${stem}-scores.csv`, resultsToCsv(rows), 'text/csv');
      else download(`${stem}-scores.jsonl`, resultsToJsonl(rows), 'application/jsonl');
    },
  };
};
