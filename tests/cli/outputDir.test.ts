// withOutputDir: a failed command takes away only the folders it made, and never finished work
// (a checkpoint, an adapter) or a folder that was there before.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withOutputDir } from '../../src/cli/outputDir.ts';

const fail = (write: (dir: string) => void) => (dir: string) => async () => {
  write(dir);
  throw new Error('failed mid-run');
};

describe('withOutputDir', () => {
  it('removes the folder, and the parents it made, when the work fails', async () => {
    const root = mkdtempSync(join(tmpdir(), 'out-'));
    const dir = join(root, 'a', 'b', 'run');
    await expect(withOutputDir(dir, fail((d) => writeFileSync(join(d, 'log.jsonl'), '{}\n'))(dir))).rejects.toThrow('failed mid-run');
    expect(readdirSync(root)).toEqual([]);
  });

  it('keeps a folder it made once it holds a checkpoint or an adapter', async () => {
    const root = mkdtempSync(join(tmpdir(), 'out-'));
    for (const [name, file] of [['ck', 'checkpoint/state.json'], ['ad', 'adapter/adapter_config.json']]) {
      const dir = join(root, name);
      const write = (d: string) => {
        mkdirSync(join(d, file, '..'), { recursive: true });
        writeFileSync(join(d, file), '{}');
      };
      await expect(withOutputDir(dir, fail(write)(dir))).rejects.toThrow('failed mid-run');
      expect(existsSync(join(dir, file)), name).toBe(true);
    }
  });

  it('never removes a folder that was there before, and keeps what the work wrote on success', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'out-'));
    writeFileSync(join(dir, 'earlier.txt'), 'kept');
    await expect(withOutputDir(dir, fail((d) => writeFileSync(join(d, 'partial.txt'), ''))(dir))).rejects.toThrow('failed mid-run');
    expect(readdirSync(dir).sort()).toEqual(['earlier.txt', 'partial.txt']);
    const fresh = join(dir, 'fresh');
    await withOutputDir(fresh, async () => writeFileSync(join(fresh, 'results.jsonl'), ''));
    expect(readdirSync(fresh)).toEqual(['results.jsonl']);
  });
});
