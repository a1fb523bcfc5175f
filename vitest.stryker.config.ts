// The vitest config Stryker runs (stryker.config.mjs): only the 'unit' project of vitest.config.ts,
// never the browser one, minus the one end-to-end smoke test too slow to rerun per mutant.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

type Project = { test: { name: string; exclude?: string[] } };
const unit = (base.test!.projects as Project[]).find((p) => p.test.name === 'unit')!;

export default defineConfig({
  test: {
    projects: [{
      test: {
        ...unit.test,
        // `gvu experiment` end to end: 80 s for one test, covering most of gvu, eval and model;
        // every surviving mutant it covers would cost that again. Mutants only it can kill count
        // as survivors, so the score is a lower bound.
        exclude: [...(unit.test.exclude ?? []), 'tests/cli/experiment.test.ts'],
      },
    }],
  },
});
