// Batch jobs in IndexedDB (idb): the job (its prompts and settings) and one record per finished
// prompt, written as each arrives, so a reload or a crash resumes where it stopped.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { BatchItem, ScoredRow } from '../../../workers/engineApi.ts';
import type { LineProblem } from '../../core/io/promptSet.ts';

export interface BatchJob {
  readonly id: string;
  readonly fileName: string;
  readonly format: string;
  readonly items: readonly BatchItem[];
  readonly problems: readonly LineProblem[];
  readonly groupSize: number;
  readonly seed: number;
  /** 'running' is written when a run starts and cleared when it ends: a reload that finds it resumes. */
  readonly state: 'ready' | 'running' | 'stopped' | 'done';
}

export interface BatchRecord {
  readonly index: number;
  readonly rows: readonly ScoredRow[];
  readonly images: readonly Uint8Array[];
}

interface Schema extends DBSchema {
  job: { key: string; value: BatchJob };
  results: { key: number; value: BatchRecord };
}

const JOB_KEY = 'current';
let db: Promise<IDBPDatabase<Schema>> | null = null;

function open(): Promise<IDBPDatabase<Schema>> {
  db ??= openDB<Schema>('gvu-playground', 1, {
    upgrade(d) {
      d.createObjectStore('job');
      d.createObjectStore('results', { keyPath: 'index' });
    },
  });
  return db;
}

export async function saveJob(job: BatchJob): Promise<void> {
  await (await open()).put('job', job, JOB_KEY);
}

/** A new job replaces the old one and its results. */
export async function replaceJob(job: BatchJob): Promise<void> {
  const d = await open();
  const tx = d.transaction(['job', 'results'], 'readwrite');
  await tx.objectStore('results').clear();
  await tx.objectStore('job').put(job, JOB_KEY);
  await tx.done;
}

export async function saveRecord(rec: BatchRecord): Promise<void> {
  await (await open()).put('results', rec);
}

export async function loadJob(): Promise<{ job: BatchJob; records: BatchRecord[] } | null> {
  const d = await open();
  const job = await d.get('job', JOB_KEY);
  if (!job) return null;
  return { job, records: await d.getAll('results') };
}
