// `gvu score --queue` and `gvu worker` on BullMQ with a real redis-server (redisServer.ts), every
// process the real entry point (node --import tsx src/cli/gvu.ts): the queued output equals a
// one-machine `score` byte for byte (results.jsonl, results.csv, problems.txt, every PNG) with one
// worker, with two where one is killed (SIGKILL) in the middle of a chunk, and with the producer
// killed and run again; a worker with another adapter refuses the run's chunks, which another
// worker then scores; a prompt that fails is reported, not retried forever; Redis unreachable is
// one clear error and no output folder.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveAdapter } from '../../src/cli/adapterFiles.ts';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { parseResultsJsonl } from '../../src/core/io/results.ts';
import { LORA_DEFAULTS, loraShapes } from '../../src/core/model/lora.ts';
import { paramShapes } from '../../src/core/model/umm.ts';
import { tensor } from '../../src/core/tensor.ts';
import { type RedisServer, freePort, startRedis } from './redisServer.ts';
import { type GvuProcess as Proc, gvu, killGvuProcesses } from './gvuProcess.ts';


async function waitFor(what: string, pred: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every file under dir, relative path -> bytes. */
function filesOf(dir: string, sub = ''): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = join(sub, e.name);
    if (e.isDirectory()) for (const [k, v] of filesOf(dir, rel)) m.set(k, v);
    else m.set(rel, readFileSync(join(dir, rel)));
  }
  return m;
}

function expectSameFiles(got: string, want: string): void {
  const a = filesOf(got);
  const b = filesOf(want);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  const differ = [...b.keys()].filter((k) => !a.get(k)?.equals(b.get(k) as Buffer));
  expect(differ).toEqual([]);
}

let redis: RedisServer;
let tmp = '';
const small = () => join(tmp, 'small.jsonl'); // 20 prompts
const big = () => join(tmp, 'big.jsonl'); // 120 prompts
const SMALL = ['--groupSize=2', '--chunk=3'];
const BIG = ['--groupSize=1', '--chunk=8'];
let unreachable: { url: string; done: Proc['done'] }; // started early: it mostly waits out its retries

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gvu-queue-'));
  const lines = readFileSync('public/data/prompts/pool.jsonl', 'utf8').split('\n').filter((l) => l.trim());
  writeFileSync(small(), `${lines.slice(0, 20).join('\n')}\n`);
  writeFileSync(big(), `${lines.slice(20, 140).join('\n')}\n`);
  const url = `redis://127.0.0.1:${await freePort()}/0`;
  unreachable = { url, done: gvu(['score', `--prompts=${small()}`, `--out=${join(tmp, 'q5')}`, `--queue=${url}`]).done };
  redis = await startRedis();
  // The one-machine references, side by side.
  const refs = await Promise.all([
    gvu(['score', `--prompts=${small()}`, `--out=${join(tmp, 'ref-small')}`, ...SMALL]).done,
    gvu(['score', `--prompts=${big()}`, `--out=${join(tmp, 'ref-big')}`, ...BIG]).done,
    gvu(['score', `--prompts=${small()}`, `--out=${join(tmp, 'ref-small-seed7')}`, ...SMALL, '--seed=7']).done,
  ]);
  for (const r of refs) expect(r.code, r.stderr).toBe(0);
}, 90_000);

afterAll(async () => {
  killGvuProcesses();
  await redis?.stop();
});

describe('gvu score --queue with gvu worker, on a real redis-server', () => {
  it('one worker: the same files as one-machine score; a re-run adds no job and writes them again; another seed, the same worker', async () => {
    const q = `--queue=${redis.url(0)}`;
    const w = gvu(['worker', q]);
    const p = await gvu(['score', `--prompts=${small()}`, `--out=${join(tmp, 'q1')}`, q, ...SMALL]).done;
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/7 chunks of up to 3 prompts x 2 images; 0 already done, 0 already queued, 7 queued now/);
    expect(p.stdout).toContain('40/40 images');
    expectSameFiles(join(tmp, 'q1'), join(tmp, 'ref-small'));
    expect(w.out()).toMatch(/model public\/models\/tiny-umm \([0-9a-f]{16}\), adapter none/);

    const again = await gvu(['score', `--prompts=${small()}`, `--out=${join(tmp, 'q1b')}`, q, ...SMALL]).done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/7 already done, 0 already queued, 0 queued now/);
    expectSameFiles(join(tmp, 'q1b'), join(tmp, 'ref-small'));
    // The same worker, another run that differs only in its base seed: each row gets its own seeds.
    const seed7 = await gvu(['score', `--prompts=${small()}`, `--out=${join(tmp, 'q1c')}`, q, ...SMALL, '--seed=7']).done;
    expect(seed7.code, seed7.stderr).toBe(0);
    expectSameFiles(join(tmp, 'q1c'), join(tmp, 'ref-small-seed7'));

    w.child.kill('SIGTERM'); // finishes what it holds (nothing) and stops
    const end = await w.done;
    expect(end.code).toBe(0);
    expect(end.stdout).toContain('SIGTERM: finishing the chunk(s) in hand');
  });

  it('two workers, one killed with SIGKILL in the middle of a chunk: the other redoes it; no row lost or duplicated', async () => {
    // A database of its own: BullMQ's stall check runs at most once per stalledInterval of the last
    // worker that ran it on a queue, and the first test's workers use the default 30 s.
    const q = `--queue=${redis.url(3)}`;
    // w1 stalls 3 s between scoring a chunk and storing it: it is killed in that window.
    const w1 = gvu(['worker', q, '--lockSeconds=2'], { GVU_TEST_CHUNK_PAUSE_MS: '3000' });
    await waitFor('worker 1 to start', () => w1.out().includes('concurrency 1'));
    const p = gvu(['score', `--prompts=${big()}`, `--out=${join(tmp, 'q2')}`, q, ...BIG]);
    await waitFor('worker 1 to take a chunk', () => /chunk \d+ of run/.test(w1.out()));
    const w2 = gvu(['worker', q, '--lockSeconds=2']);
    const lost = Number(/chunk (\d+) of run/.exec(w1.out())?.[1]);
    w1.child.kill('SIGKILL');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);
    expect(w1.out()).not.toContain('stored');
    expect(w2.out()).toMatch(new RegExp(`chunk ${lost} of run \\w+ \\([^)]*\\): stored 8 images`));
    const rows = parseResultsJsonl(readFileSync(join(tmp, 'q2', 'results.jsonl'), 'utf8'), 'q2');
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((x) => `${x.line}:${x.imageIndex}`)).size).toBe(120);
    expectSameFiles(join(tmp, 'q2'), join(tmp, 'ref-big'));
    w2.child.kill('SIGINT');
    expect((await w2.done).code).toBe(0);
  }, 90_000);

  it('the producer killed and run again continues: done chunks are not redone, the files are the same', async () => {
    const q = `--queue=${redis.url(1)}`; // a fresh database: nothing stored yet
    const w = gvu(['worker', q], { GVU_TEST_CHUNK_PAUSE_MS: '500' });
    const p1 = gvu(['score', `--prompts=${small()}`, `--out=${join(tmp, 'q3')}`, q, ...SMALL]);
    await waitFor('the run id', () => /run (\w+) on/.test(p1.out()));
    const run = /run (\w+) on/.exec(p1.out())?.[1] ?? '';
    const client = new Redis(redis.port, '127.0.0.1', { db: 1 });
    await waitFor('2 chunks done', async () => (await client.scard(`gvu:run:${run}:done`)) >= 2);
    p1.child.kill('SIGKILL');
    await p1.done;
    expect(existsSync(join(tmp, 'q3'))).toBe(false);
    const p2 = await gvu(['score', `--prompts=${small()}`, `--out=${join(tmp, 'q3')}`, q, ...SMALL]).done;
    expect(p2.code, p2.stderr).toBe(0);
    const already = Number(/(\d+) already done, (\d+) already queued, 0 queued now/.exec(p2.stdout)?.[1]);
    expect(already).toBeGreaterThanOrEqual(2);
    expectSameFiles(join(tmp, 'q3'), join(tmp, 'ref-small'));
    expect(w.out().match(/: scoring /g)).toHaveLength(7); // every chunk scored once
    client.disconnect();
    w.child.kill('SIGTERM');
    await w.done;
  }, 60_000);

  it('a worker with another adapter refuses the chunk (it goes back to the queue); a failing prompt is a reported error, not a retry', async () => {
    const q = `--queue=${redis.url(2)}`;
    const { cfg } = loadModel('public/models/tiny-umm');
    const shapes = loraShapes(paramShapes(cfg), LORA_DEFAULTS);
    const adapter = join(tmp, 'adapter');
    saveAdapter(adapter, cfg, LORA_DEFAULTS, Object.fromEntries(Object.entries(shapes).map(([k, d]) => [k, tensor('float32', d, new Float32Array(d[0] * d[1]).fill(0.001))])));
    const prompts = join(tmp, 'four.jsonl');
    const lines = readFileSync(small(), 'utf8').split('\n').slice(0, 4);
    writeFileSync(prompts, `${lines.join('\n')}\n`);
    const failing = (JSON.parse(lines[1]) as { prompt: string }).prompt;

    const wrong = gvu(['worker', q, `--adapter=${adapter}`]);
    await waitFor('the wrong worker to start', () => wrong.out().includes('concurrency 1'));
    const p = gvu(['score', `--prompts=${prompts}`, `--out=${join(tmp, 'q4')}`, q, '--groupSize=1', '--chunk=4']);
    const refused = await wrong.done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/gvu worker: refusing chunk 0 of run \w+ \(.*four\.jsonl\): the run scores with model [0-9a-f]{16} and adapter none, this worker loaded model [0-9a-f]{16} \(public\/models\/tiny-umm\) and adapter [0-9a-f]{16} \(.*adapter\)/);

    const right = gvu(['worker', q], { GVU_TEST_FAIL_PROMPT: failing });
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);
    const rows = parseResultsJsonl(readFileSync(join(tmp, 'q4', 'results.jsonl'), 'utf8'), 'q4');
    expect(rows.map((x) => x.line)).toEqual([1, 3, 4]);
    expect(readFileSync(join(tmp, 'q4', 'problems.txt'), 'utf8')).toBe(`${prompts}:2: scoring failed for seed 1: GVU_TEST_FAIL_PROMPT: refusing ${JSON.stringify(failing)}\n`);
    expect(readFileSync(join(tmp, 'q4', 'errors.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(right.out().match(/: scoring /g)).toHaveLength(1);
    right.child.kill('SIGTERM');
    await right.done;
  }, 60_000);

  it('Redis unreachable: one clear error naming the address, after retries; no output folder', async () => {
    const { url } = unreachable;
    const r = await unreachable.done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`gvu score: Redis at ${url} is unreachable after 5 tries over \\d+ s \\(connect ECONNREFUSED [^)]*\\); start redis-server there or fix --queue`));
    expect(r.stderr.match(/retrying in/g)).toHaveLength(4);
    expect(existsSync(join(tmp, 'q5'))).toBe(false);
  });
});
