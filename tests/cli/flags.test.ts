// The one flag parser: what it accepts and the values it hands a command (the refusals are in
// tests/badInputs/cliFlags.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flag, flagDefaults, parseFlags } from '../../src/cli/flags.ts';
import { SCORE_FLAGS } from '../../src/cli/score.ts';
import { TRAIN_FLAGS } from '../../src/cli/train.ts';
import { GVU_PRESETS } from '../../src/core/gvu/presets.ts';
import { GVU_DEFAULTS } from '../../src/core/gvu/trainer.ts';

const TABLE = {
  steps: flag.integer(10, 'steps', { min: 1 }),
  lr: flag.number(1e-3, 'lr', { above: 0 }),
  images: flag.boolean(true, 'images'),
  teacher: flag.choice(['frozen', 'policy'], 'frozen', 'teacher'),
  seeds: flag.integers([0, 1], 'seeds', { min: 0 }),
  runs: flag.choices(['gvu', 'judge'], ['gvu'], 'runs'),
  name: flag.string('x', 'NAME', 'name'),
} as const;

describe('parseFlags', () => {
  it('gives the defaults when no flag is given', () => {
    expect(parseFlags('t', TABLE, [])).toEqual({ steps: 10, lr: 1e-3, images: true, teacher: 'frozen', seeds: [0, 1], runs: ['gvu'], name: 'x' });
  });

  it.each([['true', true], ['yes', true], ['1', true], ['YES', true], ['false', false], ['no', false], ['0', false]])(
    'reads --images=%s as %s', (raw, value) => {
      expect(parseFlags('t', TABLE, [`--images=${raw}`]).images).toBe(value);
    },
  );

  it('reads a bare boolean flag as true, numbers in any decimal form, lists, and kebab-case names', () => {
    const o = parseFlags('t', TABLE, ['--images', '--steps=1e3', '--lr=.5', '--seeds=3, 4', '--runs=judge,gvu', '--teacher=policy', '--name=a b']);
    expect(o).toEqual({ steps: 1000, lr: 0.5, images: true, teacher: 'policy', seeds: [3, 4], runs: ['judge', 'gvu'], name: 'a b' });
    expect(parseFlags('train', TRAIN_FLAGS, ['--group-size=4', '--include-eos=yes'])).toMatchObject({ groupSize: 4, includeEos: true });
  });

  it('takes a config file first and lets flags override it, wherever --config stands', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flags-')), 'run.json');
    writeFileSync(file, JSON.stringify({ steps: 5, images: false, seeds: [7, 8], teacher: 'policy' }));
    expect(parseFlags('t', TABLE, ['--steps=6', `--config=${file}`])).toMatchObject({ steps: 6, images: false, seeds: [7, 8], teacher: 'policy' });
  });

  it('keeps the trainer\'s defaults in the train table, with the headline preset\'s method (RESULTS.md\'s GvU row)', () => {
    expect(flagDefaults(TRAIN_FLAGS)).toMatchObject({ ...GVU_DEFAULTS, ...GVU_PRESETS.headline.config, evalEvery: 250, checkpointEvery: 50 });
    expect(flagDefaults(TRAIN_FLAGS)).toMatchObject({ lr: 3e-4, beta: 0.1, steps: 1500, prompts: 'pool', promptSampling: 'by_tag', snapshotEvery: 250 });
    expect(parseFlags('score', SCORE_FLAGS, []).prompts).toBe('public/data/prompts/test.jsonl');
  });
});
