// `gvu score --queue` with a Janus folder (the tiny fixture, writeFixture.ts): a worker that
// opened the folder scores it one prompt per chunk through scoreJanus.ts's code, and the output
// equals a one-machine `score --model=<folder>` byte for byte. A real redis-server.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJanusFixture } from '../../src/cli/janusFixture/writeFixture.ts';
import { type RedisServer, startRedis } from './redisServer.ts';
import { gvu, killGvuProcesses, listFiles } from './gvuProcess.ts';



let redis: RedisServer;
let tmp = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gvu-queue-janus-'));
  writeJanusFixture(join(tmp, 'janus'));
  writeFileSync(join(tmp, 'p.txt'), 'a photo of a red circle\na photo of two blue squares\na photo of a green triangle\n');
  redis = await startRedis();
});

afterAll(async () => {
  killGvuProcesses();
  await redis?.stop();
});

describe('gvu score --queue with a Janus folder', () => {
  it('scores on a worker one prompt per chunk, the same files as one-machine score', async () => {
    const args = [`--model=${join(tmp, 'janus')}`, `--prompts=${join(tmp, 'p.txt')}`, '--groupSize=2', '--seed=10'];
    const q = `--queue=${redis.url(0)}`;
    const ref = gvu(['score', ...args, `--out=${join(tmp, 'ref')}`]);
    const w = gvu(['worker', q, `--model=${join(tmp, 'janus')}`]);
    const p = gvu(['score', ...args, q, `--out=${join(tmp, 'q')}`]);
    expect((await ref.done).code, ref.out()).toBe(0);
    expect((await p.done).code, `${p.out()}\n${w.out()}`).toBe(0);
    expect(p.out()).toMatch(/3 chunks of up to 1 prompts x 2 images/);
    const got = listFiles(join(tmp, 'q'));
    expect(got).toEqual(listFiles(join(tmp, 'ref')));
    expect(got).toContain('images/line3-1.png');
    expect(got.filter((f) => !readFileSync(join(tmp, 'q', f)).equals(readFileSync(join(tmp, 'ref', f))))).toEqual([]);
    w.child.kill('SIGTERM');
    expect((await w.done).code).toBe(0);
  }, 60_000);
});
