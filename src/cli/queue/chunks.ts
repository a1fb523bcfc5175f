// Deterministic chunking of a prompt set for the queue: chunk c holds prompt rows
// [c * size, (c + 1) * size), each with its G seeds (seed + i * G + k, as one-machine score picks
// them). A run's id hashes the prompt file, the model, the adapter, the settings and the chunk
// size, so the same command names the same jobs on any machine and a re-run adds nothing new.
import type { PromptRow } from '../../core/io/promptSet.ts';
import { sha } from './hashes.ts';

/** What a queued image depends on besides its prompt and seed (the results' key holds these). */
export interface QueueSettings {
  readonly groupSize: number;
  readonly seed: number;
  readonly variant: string;
  readonly includeEos: boolean;
  readonly teacher: string;
  readonly cfgScale: number;
  readonly dtype: string; // the Janus graphs' dtype; fp32 for the tiny UMM
}

export interface RunIdentity {
  readonly fileHash: string;
  readonly modelHash: string;
  readonly adapterHash: string;
  readonly settings: QueueSettings;
  readonly chunkSize: number; // prompts per chunk
}

/** Hash of the settings an image depends on; the base seed is not one (each row's seed is in its key). */
export const settingsHash = (s: QueueSettings): string =>
  sha(JSON.stringify([s.groupSize, s.variant, s.includeEos, s.teacher, s.cfgScale, s.dtype]));

export const runId = (r: RunIdentity): string =>
  sha(r.fileHash, r.modelHash, r.adapterHash, settingsHash(r.settings), String(r.settings.seed), String(r.chunkSize));

/** BullMQ job id of chunk `index`: readable, no ':' (BullMQ refuses it in custom ids). */
export const jobId = (run: string, index: number): string => `gvu-${run}-c${index}`;

export interface Chunk {
  readonly index: number;
  readonly first: number; // index of rows[0] in the prompt set
  readonly rows: readonly PromptRow[];
}

export function planChunks(rows: readonly PromptRow[], chunkSize: number): Chunk[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`chunk size must be a positive integer, got ${chunkSize}`);
  const out: Chunk[] = [];
  for (let first = 0, index = 0; first < rows.length; first += chunkSize, index++) out.push({ index, first, rows: rows.slice(first, first + chunkSize) });
  return out;
}

/** The seeds of row `i` of the prompt set (0-based), as one-machine score draws them. */
export const seedsOf = (s: Pick<QueueSettings, 'seed' | 'groupSize'>, i: number): number[] =>
  Array.from({ length: s.groupSize }, (_, k) => s.seed + i * s.groupSize + k);
