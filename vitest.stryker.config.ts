// The vitest config Stryker runs (stryker.config.mjs): only the 'unit' project of vitest.config.ts,
// never the browser one, minus the one end-to-end smoke test too slow to rerun per mutant.
// STRYKER_TESTS=fast also leaves out the end-to-end CLI runs and the trainer's training runs
// (5-80 s each, covering most of gvu and eval): every survivor they cover pays their full time,
// so a folder's run on two shared cores goes from hours to under an hour. The score is then a
// lower bound: mutants only those tests can kill count as survived.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

type Project = { test: { name: string; exclude?: string[] } };
const unit = (base.test!.projects as Project[]).find((p) => p.test.name === 'unit')!;
const SLOW = [
  'tests/cli/train.test.ts', 'tests/cli/transfer.test.ts', 'tests/cli/shippedModel.test.ts',
  'tests/badInputs/cliFlags.test.ts', 'tests/core/gvu/trainer.test.ts',
];

export default defineConfig({
  test: {
    projects: [{
      test: {
        ...unit.test,
        // The dry run measures coverage per test on a machine that may be busy (load 20 on two
        // cores stretched the 60 s judge-on-renders test past the unit project's limit): a test
        // that times out there fails the whole run, so the limit is generous.
        testTimeout: 300_000,
        // `gvu experiment` end to end: 80 s for one test, covering most of gvu, eval and model;
        // every surviving mutant it covers would cost that again. Mutants only it can kill count
        // as survivors, so the score is a lower bound.
        exclude: [...(unit.test.exclude ?? []), 'tests/cli/experiment.test.ts', ...(process.env.STRYKER_TESTS === 'fast' ? SLOW : [])],
      },
    }],
  },
});
