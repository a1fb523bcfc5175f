// The payload of one BullMQ job: a chunk of prompt rows with everything a worker needs to score
// it exactly as one-machine score would (their index in the set picks the seeds), and the
// model/adapter hashes the run was made with, so a worker with other files refuses it.
import type { PromptRow } from '../../core/io/promptSet.ts';
import type { QueueSettings } from './chunks.ts';

export interface ChunkJob {
  readonly run: string;
  readonly index: number; // chunk index
  readonly first: number; // index of rows[0] in the prompt set
  readonly rows: readonly PromptRow[];
  readonly promptFile: string; // for messages
  readonly modelHash: string;
  readonly adapterHash: string;
  readonly settings: QueueSettings;
  readonly settingsHash: string;
}

/** What a worker gives back for a chunk (BullMQ's return value). */
export interface ChunkReturn {
  readonly worker: string;
  readonly images: number; // rows stored now or found stored
  readonly errors: number; // images recorded as an error
  readonly skipped?: 'cancelled' | 'stored'; // not scored: the run was cancelled, or every row was already there
}
