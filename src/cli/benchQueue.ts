// `npm run bench:queue`: what the queue costs and gains on this machine -> docs/results/queue.json.
// One prompt set (320 pool prompts x G = 4), scored by one-machine `score` and by `score --queue`
// with 1 and 2 workers (warm: started before the producer), each queued run on a fresh Redis
// database of a local redis-server. Every run is a real process through the real entry point and
// every queued output is checked byte for byte against the one-machine one. Chunk sizes 4, 16 and
// 64 prompts with one worker give the overhead per chunk (a line through wall time against chunk
// count) against the work a crash can lose (one chunk per worker, redone elsewhere).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from './queue/localRedis.ts';

const PROMPTS = 320;
const G = 4;
const OUT = 'docs/results/queue.json';
const LOAD_AT_START = loadavg();

function gvu(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/gvu.ts', ...args], { env: { ...process.env, ...env } });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { out += b.toString(); });
  return { child, done: new Promise((resolve) => child.on('exit', (code) => resolve({ code, out }))) };
}

async function timed(args: string[], env: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  const r = await gvu(args, env).done;
  if (r.code !== 0) throw new Error(`gvu ${args.join(' ')} failed (${r.code}):\n${r.out}`);
  return (performance.now() - t0) / 1000;
}

function sameFiles(a: string, b: string): boolean {
  const list = (d: string, sub = ''): string[] => readdirSync(join(d, sub), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? list(d, join(sub, e.name)) : [join(sub, e.name)])).sort();
  const la = list(a);
  return JSON.stringify(la) === JSON.stringify(list(b)) && la.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'gvu-bench-queue-'));
  const prompts = join(tmp, 'prompts.jsonl');
  const lines = readFileSync('public/data/prompts/pool.jsonl', 'utf8').split('\n').filter((l) => l.trim());
  writeFileSync(prompts, `${lines.slice(0, PROMPTS).join('\n')}\n`);
  const images = PROMPTS * G;
  const common = [`--prompts=${prompts}`, `--groupSize=${G}`];
  const one = { GVU_ORT_THREADS: '1' };

  // Process start (tsx, imports) with nothing to score: what every measured command also pays.
  writeFileSync(join(tmp, 'empty.txt'), 'a photo of a circle\n');
  const startup = await timed(['score', `--prompts=${join(tmp, 'empty.txt')}`, '--groupSize=1', `--out=${join(tmp, 'startup')}`], one);
  const local = await timed(['score', ...common, `--out=${join(tmp, 'local')}`], one);
  console.log(`one-machine score: ${local.toFixed(1)} s (process start ~${startup.toFixed(1)} s)`);

  const redis = await startRedis();
  let db = 0;
  const queued = async (workers: number, chunk: number): Promise<{ seconds: number; chunks: number; identical: boolean; inChunkMs: number; handOverMs: number }> => {
    const q = `--queue=${redis.url(db++)}`;
    const ws = Array.from({ length: workers }, () => gvu(['worker', q], one));
    // Warm: every worker has loaded its model and said so before the producer starts.
    const outs = ws.map(() => '');
    ws.forEach((w, i) => w.child.stdout?.on('data', (b: Buffer) => { outs[i] += b.toString(); }));
    while (!outs.every((o) => o.includes('concurrency'))) await new Promise((r) => setTimeout(r, 100));
    const out = join(tmp, `q${workers}-${chunk}`);
    const seconds = await timed(['score', ...common, q, `--chunk=${chunk}`, `--out=${out}`], one);
    for (const w of ws) w.child.kill('SIGTERM');
    await Promise.all(ws.map((w) => w.done));
    // The workers' own account of each chunk: time in the queue and Redis besides scoring.
    const per = outs.flatMap((o) => [...o.matchAll(/queue and Redis ([\d.]+) ms in the chunk, ([\d.]+) ms since the last/g)].map((m) => [Number(m[1]), Number(m[2])]));
    const inChunk = median(per.map((x) => x[0]));
    const handOver = median(per.slice(1).map((x) => x[1]));
    const result = { seconds, chunks: Math.ceil(PROMPTS / chunk), identical: sameFiles(out, join(tmp, 'local')), inChunkMs: inChunk, handOverMs: handOver };
    console.log(`${workers} worker(s), chunk ${chunk}: ${seconds.toFixed(1)} s, ${result.chunks} chunks, identical: ${result.identical}`);
    return result;
  };
  try {
    const w1 = await queued(1, 16);
    const w2 = await queued(2, 16);
    const c4 = await queued(1, 4);
    const c64 = await queued(1, 64);
    // wall = a + b * chunks over the three chunk sizes: b is the queue's cost per chunk.
    const pts = [c4, w1, c64];
    const mx = pts.reduce((s, p) => s + p.chunks, 0) / pts.length;
    const my = pts.reduce((s, p) => s + p.seconds, 0) / pts.length;
    const slope = pts.reduce((s, p) => s + (p.chunks - mx) * (p.seconds - my), 0) / pts.reduce((s, p) => s + (p.chunks - mx) ** 2, 0);
    const perImage = (local - startup) / images;
    const doc = {
      what: 'gvu score --queue (BullMQ on a local redis-server) against one-machine score, tiny UMM, GVU_ORT_THREADS=1 per process',
      note: "Read with machine.loadavg: on this 2-core machine shared with other jobs, a second worker has no idle core to use, so throughput with 2 workers only shows the queue's correctness (identical output) and cost, not scaling; wall-clock differences of about 1 s between runs are noise (the chunk-size slope per_chunk_s is within it), the workers' own per-chunk timings are the overhead measure",
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadavg_at_start: LOAD_AT_START.map((x) => Number(x.toFixed(2))), loadavg_at_end: loadavg().map((x) => Number(x.toFixed(2))) },
      prompts: PROMPTS, group_size: G, images,
      process_start_s: round(startup),
      one_machine: { wall_s: round(local), images_per_s: round(images / local) },
      queue_1_worker: { chunk_prompts: 16, chunks: w1.chunks, wall_s: round(w1.seconds), images_per_s: round(images / w1.seconds), identical_to_one_machine: w1.identical },
      queue_2_workers: { chunk_prompts: 16, chunks: w2.chunks, wall_s: round(w2.seconds), images_per_s: round(images / w2.seconds), speedup_vs_1_worker: round(w1.seconds / w2.seconds), identical_to_one_machine: w2.identical },
      overhead: {
        worker_ms_per_chunk: { in_chunk: round(w1.inChunkMs), hand_over: round(w1.handOverMs), total: round(w1.inChunkMs + w1.handOverMs) },
        worker_ms_per_chunk_note: 'median over chunks (1 worker, chunk 16) of what each worker logs: the queue and Redis time inside a chunk (checking for stored rows, storing them, progress) and the gap from storing one chunk to starting the next (BullMQ completing and fetching)',
        per_chunk_s: round(slope),
        queue_vs_one_machine_s: round(w1.seconds - local),
        note: 'per_chunk_s: slope of wall time against chunk count (chunk 4, 16, 64 prompts, one worker); queue_vs_one_machine_s: one warm worker with chunk 16 minus one-machine score (which also loads the model); the producer polls Redis every 0.5 s, so a run ends up to 0.5 s after its last chunk',
      },
      chunk_size: [c4, w1, c64].map((p, i) => ({
        chunk_prompts: [4, 16, 64][i], chunks: p.chunks, wall_s: round(p.seconds), identical_to_one_machine: p.identical,
        lost_on_crash_images: [4, 16, 64][i] * G, lost_on_crash_s: round([4, 16, 64][i] * G * perImage),
      })),
      chunk_size_note: 'a worker killed mid-chunk loses at most its chunk (redone by another worker after --lockSeconds, 30 s by default): small chunks lose less and cost per_chunk_s each',
      measured: new Date().toISOString(),
    };
    mkdirSync('docs/results', { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(doc, null, 2)}\n`);
    console.log(`wrote ${OUT}`);
  } finally {
    await redis.stop();
  }
}

const round = (x: number): number => Number(x.toFixed(3));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
