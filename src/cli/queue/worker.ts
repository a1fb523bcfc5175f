// `npm run gvu -- worker --queue=redis://HOST:PORT/DB [--concurrency=N] [--model=DIR] [--adapter=DIR]`:
// takes chunks of queued `score` runs from BullMQ and scores them with the one-machine code
// (scoreChunk.ts), storing each image once in Redis (stored.ts). It says which model and adapter
// it loaded, and refuses a chunk made with other files (it returns the chunk to the queue, without
// using up an attempt, and stops). Ctrl-C (SIGINT/SIGTERM) finishes the chunks in hand and exits;
// a second one returns them to the queue at once. A worker killed outright loses its lock, and
// after --lockSeconds another worker runs the chunk again; results are stored idempotently.
import { hostname } from 'node:os';
import { type Job, WaitingError, Worker } from 'bullmq';
import { InputError } from '../../core/errors.ts';
import { loadAdapter } from '../adapterFiles.ts';
import { parseFlags } from '../flags.ts';
import { isJanusFolder, openJanus } from '../janusFolder.ts';
import { loadPromptSets } from '../promptSets.ts';
import type { JanusFamily } from '../scoreJanus.ts';
import { janusFamily } from '../../core/families/janus/family.ts';
import type { JanusDtype } from '../../core/families/janus/graphFiles.ts';
import { loadModel } from '../modelFiles.ts';
import { type TinyScorer, createTinyScorer } from '../score.ts';
import { type QueueSettings, seedsOf } from './chunks.ts';
import type { ChunkJob, ChunkReturn } from './chunkJob.ts';
import { adapterHash, modelHash, promptHash } from './hashes.ts';
import { QUEUE_NAME, WORKERS_KEY, doneKey, resultsKey, runKey } from './keys.ts';
import { connectRedis, parseRedisUrl } from './redisUrl.ts';
import { type ChunkScorer, janusChunkScorer, scoreChunk, tinyChunkScorer } from './scoreChunk.ts';
import { WORKER_FLAGS } from './flags.ts';
import { encodeStored, imageField } from './stored.ts';


// Test hook (tests/cli/queue.test.ts): wait this long after scoring a chunk, before storing it, so
// a test can kill the worker in the middle of a chunk.
const PAUSE_MS = Number(process.env.GVU_TEST_CHUNK_PAUSE_MS ?? 0);

export async function workerCommand(argv: string[]): Promise<void> {
  const o = parseFlags('worker', WORKER_FLAGS, argv);
  if (!o.queue) throw new InputError('--queue is required, e.g. --queue=redis://127.0.0.1:6379/0');
  const addr = parseRedisUrl(o.queue);
  const janus = isJanusFolder(o.model);
  if (janus && o.adapter) throw new InputError(`--adapter: ${o.model} is a Janus folder, and the Janus family takes no adapter`);
  const tiny = janus ? null : loadModel(o.model);
  const adapter = tiny && o.adapter ? loadAdapter(o.adapter, tiny.cfg) : null;
  const specOf = new Map(Object.values(loadPromptSets()).flat().map((s) => [s.prompt, s]));
  const families: JanusFamily[] = [];
  /** A scorer for these settings: the tiny UMM's sessions, or the Janus graphs at the run's dtype. */
  const makeScorer = async (settings: QueueSettings): Promise<ChunkScorer> => {
    if (!tiny) {
      const model = await openJanus(o.model, { dtype: settings.dtype as JanusDtype });
      for (const w of model.warnings) console.warn(`${o.model}: ${w}`);
      const family = janusFamily(model);
      families.push(family);
      return janusChunkScorer(family, settings, specOf);
    }
    return tinyChunkScorer(await createTinyScorer(settings as TinyScorer['o'], tiny.cfg, tiny.weights, adapter));
  };
  const mine = { model: modelHash(o.model), adapter: adapterHash(o.adapter) };
  const redis = await connectRedis(addr);
  const name = `${hostname()}-${process.pid}`;
  const say = (line: string) => console.log(`worker ${name}: ${line}`);
  say(`model ${o.model} (${mine.model}), adapter ${o.adapter || 'none'} (${mine.adapter}); queue ${addr.url}, concurrency ${o.concurrency}`);

  // One scorer per chunk in hand (sessions are not shared between concurrent chunks), per settings.
  const free = new Map<string, ChunkScorer[]>();
  const active = new Map<string, { job: Job<ChunkJob>; token: string }>();
  let refused = '';
  let lastEnd = 0; // when the last chunk was stored: the gap to the next is BullMQ's hand-over

  const process_ = async (job: Job<ChunkJob, ChunkReturn>, token?: string): Promise<ChunkReturn> => {
    const t0 = performance.now();
    const gap = lastEnd ? t0 - lastEnd : 0;
    const d = job.data;
    const what = `chunk ${d.index} of run ${d.run} (${d.promptFile})`;
    if (d.modelHash !== mine.model || d.adapterHash !== mine.adapter) {
      refused = `refusing ${what}: the run scores with model ${d.modelHash} and adapter ${d.adapterHash}, `
        + `this worker loaded model ${mine.model} (${o.model}) and adapter ${mine.adapter} (${o.adapter || 'none'}); `
        + 'start a worker with the run\'s --model and --adapter';
      console.error(`worker ${name}: ${refused}`);
      await job.moveToWait(token);
      void worker.close();
      throw new WaitingError();
    }
    if (await redis.hget(runKey(d.run), 'cancelled')) return { worker: name, images: 0, errors: 0, skipped: 'cancelled' };
    const rk = resultsKey(d.modelHash, d.adapterHash, d.settingsHash);
    const hashOfLine = new Map(d.rows.map((r) => [r.line, promptHash(r)]));
    const fields = d.rows.flatMap((r, c) => seedsOf(d.settings, d.first + c).map((seed) => imageField(promptHash(r), seed)));
    if ((await redis.hmget(rk, ...fields)).every((x) => x !== null)) {
      await redis.sadd(doneKey(d.run), String(d.index));
      return { worker: name, images: fields.length, errors: 0, skipped: 'stored' };
    }
    say(`${what}: scoring ${d.rows.length} prompts from row ${d.first + 1}`);
    if (token) active.set(job.id ?? '', { job, token });
    const key = JSON.stringify(d.settings); // the base seed too: scoreBatch draws each row's seeds from it
    const scorer = free.get(key)?.pop() ?? await makeScorer(d.settings);
    try {
      const t1 = performance.now();
      const images = await scoreChunk(scorer, d, (n) => job.updateProgress(n));
      const scored = performance.now() - t1;
      if (PAUSE_MS) await new Promise((r) => setTimeout(r, PAUSE_MS));
      const m = redis.multi();
      for (const x of images) {
        const [line, seed] = 'row' in x ? [x.row.line, x.row.seed] : [x.line, x.seed];
        m.hsetnx(rk, imageField(hashOfLine.get(line) ?? '', seed), encodeStored(x));
      }
      m.sadd(doneKey(d.run), String(d.index));
      await m.exec();
      const errors = images.filter((x) => 'error' in x).length;
      lastEnd = performance.now();
      const overhead = lastEnd - t0 - scored - PAUSE_MS;
      say(`${what}: stored ${images.length} images${errors ? `, ${errors} with an error` : ''} `
        + `(scoring ${scored.toFixed(0)} ms; queue and Redis ${overhead.toFixed(1)} ms in the chunk, ${gap.toFixed(1)} ms since the last)`);
      return { worker: name, images: images.length, errors };
    } finally {
      active.delete(job.id ?? '');
      free.set(key, [...(free.get(key) ?? []), scorer]);
    }
  };

  const worker: Worker<ChunkJob, ChunkReturn> = new Worker<ChunkJob, ChunkReturn>(QUEUE_NAME, process_, {
    connection: { ...addr.connection }, concurrency: o.concurrency, autorun: false, name,
    lockDuration: o.lockSeconds * 1000, stalledInterval: o.lockSeconds * 1000,
    maxStalledCount: 3, // a chunk whose worker died 3 times is failed, and reported, not retried forever
  });
  let lastError = 0;
  worker.on('error', (e) => {
    if (Date.now() - lastError < 5000) return;
    lastError = Date.now();
    console.warn(`worker ${name}: Redis at ${addr.url}: ${e.message}; retrying`);
  });
  worker.on('failed', (job, e) => {
    if (job && !(e instanceof WaitingError)) console.warn(`worker ${name}: chunk ${job.data.index} of run ${job.data.run} failed: ${e.message}`);
  });

  const beat = () => redis.hset(WORKERS_KEY, name, JSON.stringify({ model: mine.model, adapter: mine.adapter, at: Date.now() })).catch(() => {});
  await beat();
  const heartbeat = setInterval(beat, 5000);
  let signals = 0;
  const onSignal = (sig: string) => {
    signals++;
    if (signals === 1) {
      say(`${sig}: finishing the chunk(s) in hand, then stopping (${sig} again returns them to the queue now)`);
      void worker.close();
      return;
    }
    say(`${sig} again: returning ${active.size} chunk(s) to the queue`);
    // Redis may be down (commands then wait for it): exit after 3 s whatever happened.
    setTimeout(() => process.exit(130), 3000).unref();
    void Promise.allSettled([...active.values()].map(({ job, token }) => job.moveToWait(token)))
      .then(() => redis.hdel(WORKERS_KEY, name).catch(() => {}))
      .then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await worker.run();
  } finally {
    clearInterval(heartbeat);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await redis.hdel(WORKERS_KEY, name).catch(() => {});
    redis.disconnect();
    for (const f of families) await f.release();
  }
  if (refused) throw new InputError(refused);
  say('stopped');
}
