// A chunk scored by the one-machine code: the tiny UMM through score.ts's scoreBatch (sampling
// batches of promptsPerBatch(G) rows from the chunk's first row), a Janus folder through
// scoreJanus.ts's scoreJanusRow (one prompt at a time); seeds from each row's index in the set.
// A batch that throws is scored again one prompt at a time; a prompt that still throws becomes
// G stored errors (one per seed), so a bad prompt is reported, not retried forever.
import { Buffer } from 'node:buffer';
import type { PromptRow } from '../../core/io/promptSet.ts';
import type { ScoredRow } from '../../core/io/results.ts';
import type { Spec } from '../../core/world/spec.ts';
import { type TinyScorer, encodeImage, promptsPerBatch, scoreBatch } from '../score.ts';
import { type JanusFamily, scoreJanusRow } from '../scoreJanus.ts';
import { type QueueSettings, seedsOf } from './chunks.ts';
import type { ChunkJob } from './chunkJob.ts';
import type { StoredImage } from './stored.ts';

/** Scores rows[0..] (row `first` of the set onwards) in one call of at most `batch` rows. */
export interface ChunkScorer {
  readonly batch: number;
  score(rows: readonly PromptRow[], first: number): Promise<{ row: ScoredRow; png: Uint8Array }[]>;
}

export const tinyChunkScorer = (s: TinyScorer): ChunkScorer => ({
  batch: promptsPerBatch(s.o.groupSize),
  score: async (rows, first) => (await scoreBatch(s, rows, first)).map((x) => ({ row: x.row, png: encodeImage(x.image) })),
});

export const janusChunkScorer = (family: JanusFamily, o: QueueSettings, specOf: ReadonlyMap<string, Spec>): ChunkScorer => ({
  batch: 1,
  score: (rows, first) => scoreJanusRow(family, { ...o, variant: o.variant as Parameters<typeof scoreJanusRow>[1]['variant'] }, rows[0], first, specOf),
});

// Test hook (tests/cli/queue.test.ts): a prompt with exactly this text fails to score.
const FAIL_PROMPT = process.env.GVU_TEST_FAIL_PROMPT ?? '';

/** Scores rows and checks each image carries the seed its row's index gives (its stored key depends on it). */
async function scoreRows(s: ChunkScorer, job: ChunkJob, rows: readonly PromptRow[], first: number): Promise<StoredImage[]> {
  const bad = FAIL_PROMPT ? rows.find((r) => r.prompt === FAIL_PROMPT) : undefined;
  if (bad) throw new Error(`GVU_TEST_FAIL_PROMPT: refusing ${JSON.stringify(bad.prompt)}`);
  const images = await s.score(rows, first);
  const want = rows.flatMap((_, c) => seedsOf(job.settings, first + c));
  const got = images.map((x) => x.row.seed);
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`chunk ${job.index}: scored seeds ${got.join(',')}, the run wants ${want.join(',')}`);
  return images.map((x) => ({ row: x.row, png: Buffer.from(x.png).toString('base64') }));
}

export async function scoreChunk(s: ChunkScorer, job: ChunkJob, onBatch: (imagesDone: number) => Promise<void> = async () => {}): Promise<StoredImage[]> {
  const out: StoredImage[] = [];
  for (let i = 0; i < job.rows.length; i += s.batch) {
    const batch = job.rows.slice(i, i + s.batch);
    try {
      out.push(...(await scoreRows(s, job, batch, job.first + i)));
    } catch {
      for (const [c, row] of batch.entries()) {
        const index = job.first + i + c;
        try {
          out.push(...(await scoreRows(s, job, [row], index)));
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          seedsOf(job.settings, index).forEach((seed, k) => out.push({ error, line: row.line, prompt: row.prompt, seed, imageIndex: k }));
        }
      }
    }
    await onBatch(out.length);
  }
  return out;
}
