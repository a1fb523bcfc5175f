// A chunk scored by the one-machine code (score.ts's scoreBatch): sampling batches of
// promptsPerBatch(G) rows from the chunk's first row, seeds from each row's index in the set.
// A batch that throws is scored again one prompt at a time; a prompt that still throws becomes
// G stored errors (one per seed), so a bad prompt is reported, not retried forever.
import { Buffer } from 'node:buffer';
import type { PromptRow } from '../../core/io/promptSet.ts';
import { type ScoredImage, type TinyScorer, encodeImage, promptsPerBatch, scoreBatch } from '../score.ts';
import { seedsOf } from './chunks.ts';
import type { ChunkJob } from './chunkJob.ts';
import type { StoredImage } from './stored.ts';

// Test hook (tests/cli/queue.test.ts): a prompt with exactly this text fails to score.
const FAIL_PROMPT = process.env.GVU_TEST_FAIL_PROMPT ?? '';

async function scoreRows(s: TinyScorer, rows: readonly PromptRow[], first: number): Promise<ScoredImage[]> {
  const bad = FAIL_PROMPT ? rows.find((r) => r.prompt === FAIL_PROMPT) : undefined;
  if (bad) throw new Error(`GVU_TEST_FAIL_PROMPT: refusing ${JSON.stringify(bad.prompt)}`);
  return scoreBatch(s, rows, first);
}

const stored = (x: ScoredImage): StoredImage => ({ row: x.row, png: Buffer.from(encodeImage(x.image)).toString('base64') });

/** Each image must carry the seed its row's index gives (the key it is stored under depends on it). */
function checkSeeds(job: ChunkJob, images: readonly ScoredImage[], rows: readonly PromptRow[], first: number): ScoredImage[] {
  const want = rows.flatMap((_, c) => seedsOf(job.settings, first + c));
  const got = images.map((x) => x.row.seed);
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`chunk ${job.index}: scored seeds ${got.join(',')}, the run wants ${want.join(',')}`);
  return [...images];
}

export async function scoreChunk(s: TinyScorer, job: ChunkJob, onBatch: (imagesDone: number) => Promise<void> = async () => {}): Promise<StoredImage[]> {
  const out: StoredImage[] = [];
  const per = promptsPerBatch(job.settings.groupSize);
  for (let i = 0; i < job.rows.length; i += per) {
    const batch = job.rows.slice(i, i + per);
    try {
      out.push(...checkSeeds(job, await scoreRows(s, batch, job.first + i), batch, job.first + i).map(stored));
    } catch {
      for (const [c, row] of batch.entries()) {
        const index = job.first + i + c;
        try {
          out.push(...checkSeeds(job, await scoreRows(s, [row], index), [row], index).map(stored));
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
