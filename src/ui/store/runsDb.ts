// Training runs in IndexedDB (idb), a database of their own beside the batch jobs' (batchDb.ts):
// every run started in the tab or imported from the CLI, with its settings, step rows and
// validation scores (one record, rewritten as steps arrive), its adapter in the PEFT layout and its
// before/after grid (a record each, keyed by the run, written when the run pauses or ends). A new
// run adds a record; nothing but Delete removes one.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { AdapterFilesData, CompareGrid, GvuLogRow } from '../../../workers/engineApi.ts';
import type { RunEval } from '../../core/io/runFolder.ts';

export interface RunRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number; // Date.now()
  /** Trained in this playground, or imported from a CLI run folder. */
  readonly origin: 'tab' | 'cli';
  /** The last state this tab saw (a 'running' run whose tab closed stays 'running': see the list). */
  readonly status: string;
  /** Where its prompts came from ("ShapesWorld train set", an uploaded file, a CLI folder). */
  readonly prompts: string;
  /** The settings it ran with: the Train form's, or the run config a CLI checkpoint saved. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly log: readonly GvuLogRow[];
  readonly evals: readonly RunEval[];
  /** The step of the saved adapter (null: none saved yet). */
  readonly adapterStep: number | null;
}

interface Schema extends DBSchema {
  runs: { key: string; value: RunRecord };
  adapters: { key: string; value: { runId: string; files: AdapterFilesData } };
  grids: { key: string; value: { runId: string; grid: CompareGrid } };
}

const DB_NAME = 'gvu-runs';
let db: Promise<IDBPDatabase<Schema>> | null = null;

function open(): Promise<IDBPDatabase<Schema>> {
  db ??= openDB<Schema>(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('runs', { keyPath: 'id' });
      d.createObjectStore('adapters', { keyPath: 'runId' });
      d.createObjectStore('grids', { keyPath: 'runId' });
    },
  });
  return db;
}

export async function saveRun(run: RunRecord): Promise<void> {
  await (await open()).put('runs', run);
}

export async function loadRun(id: string): Promise<RunRecord | undefined> {
  return (await open()).get('runs', id);
}

/** Every run, newest first. */
export async function listRuns(): Promise<RunRecord[]> {
  return (await (await open()).getAll('runs')).sort((a, b) => b.createdAt - a.createdAt);
}

/** The adapter alone; the run record's adapterStep is the caller's to save (it owns the record). */
export async function saveRunAdapter(runId: string, files: AdapterFilesData): Promise<void> {
  await (await open()).put('adapters', { runId, files });
}

export async function loadRunAdapter(runId: string): Promise<AdapterFilesData | null> {
  return (await (await open()).get('adapters', runId))?.files ?? null;
}

export async function saveRunGrid(runId: string, grid: CompareGrid): Promise<void> {
  await (await open()).put('grids', { runId, grid });
}

export async function loadRunGrid(runId: string): Promise<CompareGrid | null> {
  return (await (await open()).get('grids', runId))?.grid ?? null;
}

export async function deleteRun(id: string): Promise<void> {
  const d = await open();
  const tx = d.transaction(['runs', 'adapters', 'grids'], 'readwrite');
  await Promise.all([tx.objectStore('runs').delete(id), tx.objectStore('adapters').delete(id), tx.objectStore('grids').delete(id), tx.done]);
}
