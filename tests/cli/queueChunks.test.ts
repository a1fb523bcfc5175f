// The queue's pure parts: deterministic chunks and seeds (as one-machine score draws them), run
// and job ids that change with every input they name, --queue addresses, the progress line.
import { describe, expect, it } from 'vitest';
import { jobId, planChunks, runId, seedsOf, settingsHash } from '../../src/cli/queue/chunks.ts';
import { progressLine } from '../../src/cli/queue/follow.ts';
import { parseRedisUrl } from '../../src/cli/queue/redisUrl.ts';
import type { PromptRow } from '../../src/core/io/promptSet.ts';

const row = (line: number): PromptRow => ({ line, prompt: `p${line}`, tag: null, spec: null, words: ['a'], ids: [1] });
const settings = { groupSize: 2, seed: 5, variant: 'geomean', includeEos: false, teacher: 'frozen', cfgScale: 1, dtype: 'fp32' };
const identity = { fileHash: 'f', modelHash: 'm', adapterHash: 'none', settings, chunkSize: 3 };

describe('queue chunks and ids', () => {
  it('cuts rows into chunks of the given size, in order, with their first index', () => {
    const chunks = planChunks([1, 2, 3, 4, 5, 6, 7].map(row), 3);
    expect(chunks.map((c) => [c.index, c.first, c.rows.map((r) => r.line)])).toEqual([[0, 0, [1, 2, 3]], [1, 3, [4, 5, 6]], [2, 6, [7]]]);
    expect(planChunks([], 3)).toEqual([]);
    expect(() => planChunks([row(1)], 0)).toThrow('chunk size must be a positive integer, got 0');
  });

  it('gives row i the seeds seed + i * G + k, as one-machine score does', () => {
    expect(seedsOf(settings, 0)).toEqual([5, 6]);
    expect(seedsOf(settings, 3)).toEqual([11, 12]);
  });

  it('names a run by every input: the same inputs give the same id, any change another', () => {
    const id = runId(identity);
    expect(runId({ ...identity, settings: { ...settings } })).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const changed = [
      { ...identity, fileHash: 'g' }, { ...identity, modelHash: 'n' }, { ...identity, adapterHash: 'a' }, { ...identity, chunkSize: 4 },
      { ...identity, settings: { ...settings, seed: 6 } }, { ...identity, settings: { ...settings, variant: 'mean' } },
      { ...identity, settings: { ...settings, cfgScale: 2 } }, { ...identity, settings: { ...settings, teacher: 'policy' } },
      { ...identity, settings: { ...settings, dtype: 'q4' } },
    ].map(runId);
    expect(new Set([id, ...changed]).size).toBe(changed.length + 1);
    // The base seed picks each row's seeds, not what a (prompt, seed) scores to: the results key leaves it out.
    expect(settingsHash({ ...settings, seed: 99 })).toBe(settingsHash(settings));
    expect(jobId(id, 7)).toBe(`gvu-${id}-c7`);
    expect(jobId(id, 7)).not.toContain(':'); // BullMQ refuses ':' in a custom job id
  });
});

describe('--queue addresses', () => {
  it('reads host, port, database and credentials', () => {
    expect(parseRedisUrl('redis://10.0.0.2:6380/3')).toMatchObject({ url: 'redis://10.0.0.2:6380/3', connection: { host: '10.0.0.2', port: 6380, db: 3, maxRetriesPerRequest: null } });
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ url: 'redis://localhost:6379/0', connection: { port: 6379, db: 0 } });
    expect(parseRedisUrl('rediss://u:p%40ss@h:1/0').connection).toMatchObject({ username: 'u', password: 'p@ss', tls: {} });
    expect(parseRedisUrl('redis://u:secret@h:1/0').url).not.toContain('secret');
  });

  it('refuses what is not a Redis address, naming it', () => {
    expect(() => parseRedisUrl('localhost:6379')).toThrow('--queue must start with redis:// (or rediss://), got "localhost:6379"');
    expect(() => parseRedisUrl('not a url')).toThrow('--queue must be a Redis address such as redis://127.0.0.1:6379/0, got "not a url"');
    expect(() => parseRedisUrl('redis://h:1/x')).toThrow('the database after the port must be a number');
  });
});

describe('progress line', () => {
  it('says images done, rate, ETA, workers and failed chunks', () => {
    expect(progressLine({ imagesDone: 60, imagesTotal: 100, imagesAtStart: 20, seconds: 4, workers: 2, failedChunks: 0 })).toBe('60/100 images  10.0 images/s  ETA 4 s  2 workers');
    expect(progressLine({ imagesDone: 0, imagesTotal: 100, imagesAtStart: 0, seconds: 1, workers: 1, failedChunks: 1 })).toBe('0/100 images  0.0 images/s  ETA ?  1 worker  1 failed chunk');
  });
});
