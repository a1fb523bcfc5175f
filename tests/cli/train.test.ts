// `gvu train` on the shipped model at smoke size: the adapter snapshots a budget curve is read from.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdapter } from '../../src/cli/adapterFiles.ts';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { TRAIN_CLI_DEFAULTS, runTraining } from '../../src/cli/train.ts';

const SMOKE = { ...TRAIN_CLI_DEFAULTS, steps: 4, promptsPerStep: 2, groupSize: 2, evalEvery: 0, checkpointEvery: 1 };

describe('gvu train', () => {
  it('keeps a loadable adapter at every snapshotEvery steps, and the final one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'train-'));
    await runTraining({ ...SMOKE, out, snapshotEvery: 2 });
    const { cfg } = loadModel(SMOKE.model);
    expect(existsSync(join(out, 'snapshots', 'step-1'))).toBe(false);
    const two = loadAdapter(join(out, 'snapshots', 'step-2'), cfg);
    const four = loadAdapter(join(out, 'snapshots', 'step-4'), cfg);
    const final = loadAdapter(join(out, 'adapter'), cfg);
    const name = Object.keys(final.weights).find((k) => k.endsWith('.B'))!;
    expect(Array.from(four.weights[name].data)).toEqual(Array.from(final.weights[name].data));
    expect(Array.from(two.weights[name].data)).not.toEqual(Array.from(final.weights[name].data));
  }, 60_000);

  it('refuses a snapshotEvery that checkpoints never land on', async () => {
    await expect(runTraining({ ...SMOKE, out: mkdtempSync(join(tmpdir(), 'train-')), checkpointEvery: 2, snapshotEvery: 3 })).rejects.toThrow(
      /snapshotEvery \(3\) must be a multiple of checkpointEvery \(2\)/,
    );
  });
});
