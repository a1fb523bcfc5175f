// `score --queue=redis://HOST:PORT/DB`: the producer. It splits the prompt set into deterministic
// chunks (chunks.ts), enqueues those not yet done as BullMQ jobs with ids that name the run (a
// re-run adds nothing already queued and retries failed chunks), follows the workers' progress,
// and when every chunk is stored writes the same files as one-machine score (problems.txt,
// results.jsonl, results.csv, images/), rows in input order, read back from Redis (stored.ts).
// Nothing is written before every row is there. --status and --cancel report on and stop a run.
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { InputError } from '../../core/errors.ts';
import type { PromptSet } from '../../core/io/promptSet.ts';
import type { ScoredRow } from '../../core/io/results.ts';
import { loadAdapter } from '../adapterFiles.ts';
import { isJanusFolder } from '../janusFolder.ts';
import { loadModel } from '../modelFiles.ts';
import { withOutputDir } from '../outputDir.ts';
import { type ScoreConfig, imageFileName, promptsPerBatch, writeProblems, writeResults } from '../score.ts';
import { type Chunk, type QueueSettings, jobId, planChunks, runId, seedsOf, settingsHash } from './chunks.ts';
import type { ChunkJob } from './chunkJob.ts';
import { progressLine } from './follow.ts';
import { adapterHash, fileHash, modelHash, promptHash } from './hashes.ts';
import { QUEUE_NAME, RUNS_KEY, WORKERS_KEY, doneKey, resultsKey, runKey } from './keys.ts';
import { type RedisAddress, connectRedis, parseRedisUrl } from './redisUrl.ts';
import { type StoredImage, decodeStored, imageField } from './stored.ts';

const POLL_MS = 500;
const OUTAGE_LIMIT_MS = 120_000; // a producer waits this long for Redis to come back mid-run
const WORKER_FRESH_MS = 15_000; // a worker that beat within this is counted alive
const POLL_TIMEOUT_MS = 5000;

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => {}); // a late failure, after the timeout, is not an unhandled rejection
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms); });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface Run {
  readonly id: string;
  readonly addr: RedisAddress;
  readonly set: PromptSet;
  readonly chunks: readonly Chunk[];
  readonly settings: QueueSettings;
  readonly model: string;
  readonly adapter: string;
  readonly settingsHash: string;
}

export async function queueScoreCommand(o: ScoreConfig, set: PromptSet, out: string): Promise<void> {
  if (o.status && o.cancel) throw new InputError('--status and --cancel: give one');
  const addr = parseRedisUrl(o.queue);
  const janus = isJanusFolder(o.model);
  // Refused here as one-machine score refuses them, before anything is queued.
  if (janus && o.adapter) throw new InputError(`--adapter: ${o.model} is a Janus folder, and the Janus family takes no adapter`);
  if (!janus && o.dtype !== 'fp32') throw new InputError(`--dtype=${o.dtype} picks Janus graph files; ${o.model} is not a Janus folder`);
  if (!janus && o.adapter) loadAdapter(o.adapter, loadModel(o.model).cfg);
  const settings: QueueSettings = {
    groupSize: o.groupSize, seed: o.seed, variant: o.variant, includeEos: o.includeEos, teacher: o.teacher, cfgScale: o.cfgScale, dtype: o.dtype,
  };
  // Janus scores one prompt at a time (seconds each): a chunk of one loses the least on a crash.
  const chunkSize = o.chunk || (janus ? 1 : promptsPerBatch(o.groupSize));
  const model = modelHash(o.model);
  const adapter = adapterHash(o.adapter);
  const id = runId({ fileHash: fileHash(o.prompts), modelHash: model, adapterHash: adapter, settings, chunkSize });
  const run: Run = { id, addr, set, chunks: planChunks(set.rows, chunkSize), settings, model, adapter, settingsHash: settingsHash(settings) };
  const redis = await connectRedis(addr);
  const queue = new Queue<ChunkJob>(QUEUE_NAME, { connection: { ...addr.connection } });
  queue.on('error', () => {}); // outages are reported by the follow loop
  try {
    if (o.status) return await printStatus(redis, queue, run, o.prompts);
    if (o.cancel) return await cancelRun(redis, queue, run);
    console.log(`${set.rows.length} prompts (${set.format}), ${set.problems.length} problems`);
    await enqueue(redis, queue, run, o.prompts);
    await follow(redis, queue, run);
    const images = await readImages(redis, run);
    await withOutputDir(out, async () => writeOutputs(o, out, set, images));
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}

const imagesOf = (run: Run, chunks: Iterable<Chunk>): number => {
  let n = 0;
  for (const c of chunks) n += c.rows.length * run.settings.groupSize;
  return n;
};

async function enqueue(redis: Redis, queue: Queue<ChunkJob>, run: Run, promptFile: string): Promise<void> {
  const g = run.settings.groupSize;
  await redis.multi()
    .hset(runKey(run.id), { promptFile, prompts: run.set.rows.length, groupSize: g, chunks: run.chunks.length, model: run.model, adapter: run.adapter })
    .hsetnx(runKey(run.id), 'created', new Date().toISOString())
    .hdel(runKey(run.id), 'cancelled')
    .sadd(RUNS_KEY, run.id)
    .exec();
  const done = new Set(await redis.smembers(doneKey(run.id)));
  const todo = run.chunks.filter((c) => !done.has(String(c.index)));
  // Failed chunks of an earlier attempt are retried; queued and running ones are left as they are.
  let retried = 0;
  for (const job of await queue.getJobs(['failed'])) {
    if (job.id?.startsWith(jobId(run.id, 0).replace(/0$/, '')) && !done.has(String(job.data.index))) {
      await queue.remove(job.id);
      retried++;
    }
  }
  const exists = await Promise.all(todo.map((c) => redis.exists(queue.toKey(jobId(run.id, c.index)))));
  const fresh = todo.filter((_, i) => exists[i] === 0);
  await queue.addBulk(fresh.map((c) => ({
    name: 'chunk',
    data: {
      run: run.id, index: c.index, first: c.first, rows: c.rows, promptFile,
      modelHash: run.model, adapterHash: run.adapter, settings: run.settings, settingsHash: run.settingsHash,
    },
    opts: { jobId: jobId(run.id, c.index), attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: false },
  })));
  console.log(`run ${run.id} on ${run.addr.url}: ${run.chunks.length} chunks of up to ${run.chunks[0]?.rows.length ?? 0} prompts x ${g} images; `
    + `${done.size} already done, ${todo.length - fresh.length - retried} already queued, ${fresh.length} queued now${retried ? ` (${retried} failed ones again)` : ''}`);
}

async function failedChunks(queue: Queue<ChunkJob>, run: Run): Promise<{ index: number; reason: string }[]> {
  if ((await queue.getFailedCount()) === 0) return [];
  const prefix = jobId(run.id, 0).replace(/0$/, '');
  return (await queue.getJobs(['failed'])).filter((j) => j.id?.startsWith(prefix)).map((j) => ({ index: (j.data as ChunkJob).index, reason: j.failedReason }));
}

async function aliveWorkers(redis: Redis): Promise<number> {
  const all = await redis.hgetall(WORKERS_KEY);
  return Object.values(all).filter((v) => Date.now() - (JSON.parse(v) as { at: number }).at < WORKER_FRESH_MS).length;
}

async function follow(redis: Redis, queue: Queue<ChunkJob>, run: Run): Promise<void> {
  const total = imagesOf(run, run.chunks);
  const t0 = Date.now();
  let atStart = -1;
  let outageSince = 0;
  let last = '';
  const tty = process.stdout.isTTY;
  for (;;) {
    try {
      // Commands wait for a reconnect rather than fail; a poll that hangs is an outage to report.
      const [done, cancelled, failed, workers] = await withTimeout(Promise.all([
        redis.smembers(doneKey(run.id)), redis.hget(runKey(run.id), 'cancelled'), failedChunks(queue, run), aliveWorkers(redis),
      ]), POLL_TIMEOUT_MS);
      if (outageSince) console.log(`\nRedis at ${run.addr.url} is back`);
      outageSince = 0;
      if (cancelled) throw new InputError(`run ${run.id} was cancelled (score --cancel); nothing written; run the same command again to continue it`);
      const doneSet = new Set(done);
      const imagesDone = imagesOf(run, run.chunks.filter((c) => doneSet.has(String(c.index))));
      if (atStart < 0) atStart = imagesDone;
      const line = progressLine({ imagesDone, imagesTotal: total, imagesAtStart: atStart, seconds: (Date.now() - t0) / 1000, workers, failedChunks: failed.length });
      if (tty) process.stdout.write(`\r${line}   `);
      else if (line.replace(/ {2}[\d.]+ images\/s {2}ETA \S+ s?/, '') !== last) console.log(line);
      last = line.replace(/ {2}[\d.]+ images\/s {2}ETA \S+ s?/, '');
      if (doneSet.size >= run.chunks.length) break;
      const open = run.chunks.filter((c) => !doneSet.has(String(c.index))).length;
      const stuck = failed.filter((f) => !doneSet.has(String(f.index)));
      if (stuck.length > 0 && stuck.length >= open) {
        throw new InputError(`${stuck.length} chunk(s) of run ${run.id} failed after their retries; nothing written. `
          + stuck.slice(0, 5).map((f) => `chunk ${f.index}: ${f.reason}`).join('; ') + '. Run the same command again to retry them.');
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      if (!outageSince) {
        outageSince = Date.now();
        console.warn(`\nRedis at ${run.addr.url} is unreachable (${(e as Error).message}); waiting for it`);
      } else if (Date.now() - outageSince > OUTAGE_LIMIT_MS) {
        throw new InputError(`Redis at ${run.addr.url} has been unreachable for ${OUTAGE_LIMIT_MS / 1000} s (${(e as Error).message}); nothing written; run the same command again once it is back`);
      }
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  if (tty) process.stdout.write('\n');
}

interface Gathered {
  readonly rows: ScoredRow[];
  readonly pngs: Buffer[];
  readonly errors: Extract<StoredImage, { error: string }>[];
}

async function readImages(redis: Redis, run: Run): Promise<Gathered> {
  const key = resultsKey(run.model, run.adapter, run.settingsHash);
  const wanted = run.set.rows.flatMap((row, i) => seedsOf(run.settings, i).map((seed) => ({ row, field: imageField(promptHash(row), seed) })));
  const out: Gathered = { rows: [], pngs: [], errors: [] };
  for (let i = 0; i < wanted.length; i += 1000) {
    const part = wanted.slice(i, i + 1000);
    const values = await redis.hmget(key, ...part.map((w) => w.field));
    values.forEach((v, j) => {
      const { row, field } = part[j];
      if (v === null) throw new Error(`run ${run.id}: the image ${field} of line ${row.line} is missing from ${key} although its chunk is done`);
      const x = decodeStored(v, `${key} ${field}`);
      if ('error' in x) out.errors.push({ ...x, line: row.line });
      else {
        out.rows.push({ ...x.row, line: row.line });
        out.pngs.push(Buffer.from(x.png, 'base64'));
      }
    });
  }
  return out;
}

function writeOutputs(o: ScoreConfig, out: string, set: PromptSet, g: Gathered): void {
  if (o.images) mkdirSync(join(out, 'images'), { recursive: true });
  writeProblems(o.prompts, out, set, g.errors.map((e) => `${o.prompts}:${e.line}: scoring failed for seed ${e.seed}: ${e.error}`));
  if (o.images) g.rows.forEach((row, k) => writeFileSync(join(out, 'images', imageFileName(row)), g.pngs[k]));
  if (g.errors.length) writeFileSync(join(out, 'errors.jsonl'), g.errors.map((e) => `${JSON.stringify(e)}\n`).join(''));
  writeResults(out, g.rows, o.images);
}

async function printStatus(redis: Redis, queue: Queue<ChunkJob>, run: Run, promptFile: string): Promise<void> {
  const meta = await redis.hgetall(runKey(run.id));
  if (!meta.chunks) {
    const others = await redis.smembers(RUNS_KEY);
    console.log(`no run ${run.id} on ${run.addr.url}: ${promptFile} with this model, adapter and settings was never queued there`
      + (others.length ? `; runs there: ${others.join(', ')}` : ''));
    return;
  }
  const done = new Set(await redis.smembers(doneKey(run.id)));
  const states = await Promise.all(run.chunks.filter((c) => !done.has(String(c.index))).map((c) => queue.getJobState(jobId(run.id, c.index))));
  const count = (s: string) => states.filter((x) => x === s).length;
  const failed = await failedChunks(queue, run);
  const workers = Object.entries(await redis.hgetall(WORKERS_KEY))
    .map(([name, v]) => ({ name, ...(JSON.parse(v) as { model: string; adapter: string; at: number }) }))
    .filter((w) => Date.now() - w.at < WORKER_FRESH_MS);
  console.log([
    `run ${run.id} on ${run.addr.url}: ${meta.promptFile}, ${meta.prompts} prompts x ${meta.groupSize} images in ${meta.chunks} chunks, queued ${meta.created}${meta.cancelled ? ', CANCELLED' : ''}`,
    `model ${run.model}, adapter ${run.adapter}`,
    `chunks: ${done.size} done (${imagesOf(run, run.chunks.filter((c) => done.has(String(c.index))))}/${imagesOf(run, run.chunks)} images), `
      + `${count('waiting') + count('prioritized') + count('delayed')} waiting, ${count('active')} running, ${failed.length} failed, ${count('unknown')} not queued`,
    ...failed.map((f) => `  chunk ${f.index} failed: ${f.reason}`),
    `workers alive: ${workers.length}` + workers.map((w) => `\n  ${w.name}: model ${w.model}, adapter ${w.adapter}${w.model !== run.model || w.adapter !== run.adapter ? ' (not this run\'s: it refuses these chunks)' : ''}`).join(''),
  ].join('\n'));
}

async function cancelRun(redis: Redis, queue: Queue<ChunkJob>, run: Run): Promise<void> {
  if (!(await redis.exists(runKey(run.id)))) {
    console.log(`no run ${run.id} on ${run.addr.url}: nothing to cancel`);
    return;
  }
  await redis.hset(runKey(run.id), 'cancelled', new Date().toISOString());
  const done = new Set(await redis.smembers(doneKey(run.id)));
  let removed = 0;
  let running = 0;
  for (const c of run.chunks.filter((x) => !done.has(String(x.index)))) {
    const id = jobId(run.id, c.index);
    const state = await queue.getJobState(id);
    if (state === 'active') running++;
    else if (state !== 'unknown' && (await queue.remove(id)) === 1) removed++;
  }
  console.log(`cancelled run ${run.id}: ${removed} queued chunk(s) removed, ${running} running chunk(s) finish and are kept, ${done.size} done kept; run the score command again (without --cancel) to continue it`);
}
