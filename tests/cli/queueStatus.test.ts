// `score --queue --status` and `--cancel` on a real redis-server: the status of a run nobody
// works on, a cancel that removes its queued chunks and stops its producer without output, and
// the same command again continuing it once a worker is there.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from './redisServer.ts';
import { gvu, killGvuProcesses } from './gvuProcess.ts';


let redis: RedisServer;
let tmp = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gvu-queue-status-'));
  const lines = readFileSync('public/data/prompts/pool.jsonl', 'utf8').split('\n').filter((l) => l.trim());
  writeFileSync(join(tmp, 'p.jsonl'), `${lines.slice(300, 310).join('\n')}\n`);
  redis = await startRedis();
});

afterAll(async () => {
  killGvuProcesses();
  await redis?.stop();
});

describe('score --queue --status and --cancel', () => {
  it('reports a run, cancels it (its producer stops and writes nothing), and the same command continues it', async () => {
    const args = [`--prompts=${join(tmp, 'p.jsonl')}`, '--groupSize=1', '--chunk=4', `--queue=${redis.url(0)}`];
    const p1 = gvu(['score', ...args, `--out=${join(tmp, 'out')}`]);
    const t0 = Date.now();
    while (!p1.out().includes('queued now')) {
      if (Date.now() - t0 > 30_000) throw new Error(p1.out());
      await new Promise((r) => setTimeout(r, 100));
    }
    const run = /run (\w+) on/.exec(p1.out())?.[1] ?? '';
    const status = gvu(['score', ...args, '--status']);
    expect((await status.done).code).toBe(0);
    expect(status.out()).toContain(`run ${run} on ${redis.url(0)}: ${join(tmp, 'p.jsonl')}, 10 prompts x 1 images in 3 chunks`);
    expect(status.out()).toContain('chunks: 0 done (0/10 images), 3 waiting, 0 running, 0 failed, 0 not queued');
    expect(status.out()).toContain('workers alive: 0');

    const cancel = gvu(['score', ...args, '--cancel']);
    expect((await cancel.done).code).toBe(0);
    expect(cancel.out()).toContain(`cancelled run ${run}: 3 queued chunk(s) removed, 0 running chunk(s) finish and are kept, 0 done kept`);
    expect((await p1.done).code).toBe(2);
    expect(p1.out()).toContain(`gvu score: run ${run} was cancelled (score --cancel); nothing written; run the same command again to continue it`);
    expect(existsSync(join(tmp, 'out'))).toBe(false);

    const w = gvu(['worker', `--queue=${redis.url(0)}`]);
    const p2 = gvu(['score', ...args, `--out=${join(tmp, 'out')}`]);
    expect((await p2.done).code, p2.out()).toBe(0);
    expect(p2.out()).toContain('0 already done, 0 already queued, 3 queued now');
    expect(readFileSync(join(tmp, 'out', 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(10);
    w.child.kill('SIGTERM');
    expect((await w.done).code).toBe(0);
  }, 60_000);
});
