// Batch jobs in IndexedDB (idb): every job a user started (its prompts, settings, what model and
// adapter scored it) and one record per finished prompt, keyed by (job id, prompt index) so rows of
// two jobs never mix, whichever tab writes them. A new upload adds a job; it never deletes one.
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
  /** Classifier-free guidance the job samples with: an opened family's default (Janus: 5), else 1. */
  readonly cfgScale: number;
  /** 'running' is written when a run starts and cleared when it ends: a reload that finds it resumes. */
  readonly state: 'ready' | 'running' | 'stopped' | 'done';
  readonly createdAt: number; // Date.now()
  /** What scored it, e.g. "tiny-umm (ShapesWorld)" and "LoRA r=8, trained at step 20" (null: none). */
  readonly model: string | null;
  readonly adapter: string | null;
}

export interface BatchRecord {
  readonly jobId: string;
  readonly index: number;
  readonly rows: readonly ScoredRow[];
  readonly images: readonly Uint8Array[];
}

/** One line of the jobs list. */
export interface BatchJobSummary {
  readonly job: BatchJob;
  readonly done: number; // prompts finished
}

interface Schema extends DBSchema {
  jobs: { key: string; value: BatchJob };
  records: { key: [string, number]; value: BatchRecord; indexes: { byJob: string } };
}

const DB_NAME = 'gvu-playground';
let db: Promise<IDBPDatabase<Schema>> | null = null;

/** Version 1 held one job ('job' store, key 'current') and its 'results': moved into version 2's stores. */
interface V1Job extends Omit<BatchJob, 'createdAt' | 'model' | 'adapter'> { createdAt?: number }

function open(): Promise<IDBPDatabase<Schema>> {
  db ??= openDB<Schema>(DB_NAME, 2, {
    async upgrade(d, oldVersion, _newVersion, tx) {
      d.createObjectStore('jobs', { keyPath: 'id' });
      d.createObjectStore('records', { keyPath: ['jobId', 'index'] }).createIndex('byJob', 'jobId');
      if (oldVersion !== 1) return;
      // Untyped: the version-1 stores are not in the schema.
      const old = tx as unknown as IDBPTransactionAny;
      const job = (await old.objectStore('job').get('current')) as V1Job | undefined;
      if (job) {
        await old.objectStore('jobs').put({ ...job, createdAt: Number(job.id) || Date.now(), model: null, adapter: null });
        for (const r of (await old.objectStore('results').getAll()) as Omit<BatchRecord, 'jobId'>[]) {
          await old.objectStore('records').put({ ...r, jobId: job.id });
        }
      }
      d.deleteObjectStore('job' as never);
      d.deleteObjectStore('results' as never);
    },
  });
  return db;
}
type IDBPTransactionAny = { objectStore(name: string): { get(k: unknown): Promise<unknown>; getAll(): Promise<unknown[]>; put(v: unknown): Promise<unknown> } };

export async function saveJob(job: BatchJob): Promise<void> {
  await (await open()).put('jobs', job);
}

export async function saveRecord(rec: BatchRecord): Promise<void> {
  await (await open()).put('records', rec);
}

export async function loadJob(id: string): Promise<{ job: BatchJob; records: BatchRecord[] } | null> {
  const job = await loadJobOnly(id);
  return job ? { job, records: await loadRecords(id) } : null;
}

// Jobs and rows stored before the CFG scale was recorded were all sampled at 1 (the batch had no
// other setting then), so reading them back fills in 1: a true value, not a guess.
const withCfg = (job: BatchJob): BatchJob => ({ ...job, cfgScale: job.cfgScale ?? 1 });
const recordWithCfg = (rec: BatchRecord): BatchRecord => ({ ...rec, rows: rec.rows.map((r) => ({ ...r, cfgScale: r.cfgScale ?? 1 })) });

/** The job without its records (a quick read: records hold images). */
export async function loadJobOnly(id: string): Promise<BatchJob | undefined> {
  const job = await (await open()).get('jobs', id);
  return job && withCfg(job);
}

export async function loadRecords(jobId: string): Promise<BatchRecord[]> {
  return (await (await open()).getAllFromIndex('records', 'byJob', jobId)).map(recordWithCfg);
}

/** Every job, newest first, with how many prompts each has finished. */
export async function listJobs(): Promise<BatchJobSummary[]> {
  const d = await open();
  const jobs = await d.getAll('jobs');
  const counts = await Promise.all(jobs.map((j) => d.countFromIndex('records', 'byJob', j.id)));
  return jobs.map((job, i) => ({ job: withCfg(job), done: counts[i] })).sort((a, b) => b.job.createdAt - a.job.createdAt);
}

export async function deleteJob(id: string): Promise<void> {
  const d = await open();
  const tx = d.transaction(['jobs', 'records'], 'readwrite');
  const records = tx.objectStore('records');
  for (const key of await records.index('byJob').getAllKeys(id)) await records.delete(key);
  await tx.objectStore('jobs').delete(id);
  await tx.done;
}
