// Redis keys that are ours (BullMQ keeps its own under bull:<queue>:*). One BullMQ queue serves
// every run; a run's jobs carry its id, and its bookkeeping lives under gvu:run:<id>.
export const QUEUE_NAME = 'gvu-score';

/** Scored images, field `<prompt hash>:<seed>`, for one model, adapter and settings: written once. */
export const resultsKey = (modelHash: string, adapterHash: string, settingsHash: string): string =>
  `gvu:results:${modelHash}:${adapterHash}:${settingsHash}`;

/** A run's description (prompt file, counts, model, adapter) and its `cancelled` mark. */
export const runKey = (run: string): string => `gvu:run:${run}`;

/** Chunk indices whose every row is stored. */
export const doneKey = (run: string): string => `gvu:run:${run}:done`;

/** Every run ever enqueued here, for --status. */
export const RUNS_KEY = 'gvu:runs';

/** Workers alive: hash worker id -> JSON {model, adapter, host, pid, since}; each refreshes its own field. */
export const WORKERS_KEY = 'gvu:workers';
