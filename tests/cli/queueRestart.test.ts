// Redis restarted (append-only file on) in the middle of a queued run: the producer and the worker
// reconnect by themselves and the run ends with the same files as a one-machine score, no row lost
// or duplicated. A real redis-server (redisServer.ts), every process the real entry point.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from './redisServer.ts';
import { gvu, killGvuProcesses, listFiles } from './gvuProcess.ts';



let redis: RedisServer;
let tmp = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gvu-queue-restart-'));
  const lines = readFileSync('public/data/prompts/pool.jsonl', 'utf8').split('\n').filter((l) => l.trim());
  writeFileSync(join(tmp, 'p.jsonl'), `${lines.slice(200, 224).join('\n')}\n`);
  redis = await startRedis({ appendonly: true });
});

afterAll(async () => {
  killGvuProcesses();
  await redis?.stop();
});

describe('gvu score --queue across a Redis restart', () => {
  it('continues after redis-server is stopped and started again (AOF on): the same files as one-machine score', async () => {
    const args = [`--prompts=${join(tmp, 'p.jsonl')}`, '--groupSize=2', '--chunk=3'];
    const ref = gvu(['score', ...args, `--out=${join(tmp, 'ref')}`]);
    const q = `--queue=${redis.url(0)}`;
    const w = gvu(['worker', q], { GVU_TEST_CHUNK_PAUSE_MS: '400' });
    const p = gvu(['score', ...args, q, `--out=${join(tmp, 'q')}`]);
    expect((await ref.done).code).toBe(0);
    const client = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
    const t0 = Date.now();
    let done = 0;
    while (done < 2) {
      const run = /run (\w+) on/.exec(p.out())?.[1];
      done = run ? await client.scard(`gvu:run:${run}:done`) : 0;
      if (Date.now() - t0 > 30_000) throw new Error(`no 2 chunks done in 30 s:\n${p.out()}\n${w.out()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    client.disconnect();
    await redis.restart();
    expect((await p.done).code, `${p.out()}\n${w.out()}`).toBe(0);
    const got = listFiles(join(tmp, 'q'));
    expect(got).toEqual(listFiles(join(tmp, 'ref')));
    expect(got.filter((f) => !readFileSync(join(tmp, 'q', f)).equals(readFileSync(join(tmp, 'ref', f))))).toEqual([]);
    expect(readFileSync(join(tmp, 'q', 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(48);
    w.child.kill('SIGTERM');
    expect((await w.done).code).toBe(0);
  }, 80_000);
});
