// The flags `score` gains for the queue (score.ts spreads them into SCORE_FLAGS), and the worker's.
// Here, apart from the code, so `gvu` loads BullMQ only for a queued command.
import { flag } from '../flags.ts';

export const QUEUE_SCORE_FLAGS = {
  queue: flag.string('', 'redis://HOST:PORT/DB', 'score on workers (npm run gvu -- worker) through BullMQ on this Redis instead of here'),
  chunk: flag.integer(0, 'with --queue: prompts per chunk (default: one sampling batch of 64 images; a Janus folder: 1); ignored without --queue', { min: 0 }),
  status: flag.boolean(false, 'with --queue: report on the run these flags name (chunks done, failed, workers) and exit'),
  cancel: flag.boolean(false, 'with --queue: stop the run these flags name (queued chunks are removed; a re-run continues it)'),
} as const;

export const WORKER_FLAGS = {
  queue: flag.string('', 'redis://HOST:PORT/DB', 'the Redis that holds the queue (required), as given to score --queue'),
  concurrency: flag.integer(1, 'chunks this process scores at once', { min: 1, max: 64 }),
  model: flag.input('public/models/tiny-umm', 'dir', 'model directory', 'the tiny UMM or a Janus folder this worker scores with; chunks of a run made with other model files are refused'),
  adapter: flag.input('', 'dir', 'adapter directory', 'PEFT adapter directory (default: none); chunks of a run made with another adapter are refused'),
  lockSeconds: flag.number(30, 'a chunk whose worker stays silent this long goes to another worker', { min: 1, max: 3600 }),
} as const;
