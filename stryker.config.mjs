// Mutation testing (issue 13): `npm run test:mutation` (all four folders) or
// `npm run test:mutation:gvu` etc. (one folder; STRYKER_FOLDERS picks any set). Not part of
// `npm test`/CI: hours on two cores. Results: test-output/stryker/, summarised into
// docs/results/mutation.json and docs/mutation.md by scripts/mutationReport.mjs.
import process from 'node:process';

const ALL = ['src/core/gvu', 'src/core/eval', 'src/core/graph', 'src/core/model'];
const folders = (process.env.STRYKER_FOLDERS ?? ALL.join(',')).split(',').map((f) => f.trim().replace(/\/$/, '')).filter(Boolean);
for (const f of folders) if (!ALL.includes(f)) throw new Error(`STRYKER_FOLDERS: ${f} is not one of ${ALL.join(', ')}`);
// One incremental file and one report per folder set, so a per-folder run never overwrites another's.
const key = folders.length === ALL.length ? 'all' : folders.map((f) => f.split('/').pop()).join('-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  // Only the 'unit' vitest project (vitest.stryker.config.ts), never the browser one.
  vitest: { configFile: 'vitest.stryker.config.ts' },
  mutate: folders.map((f) => `${f}/**/*.ts`),
  // Each mutant is type-checked first (tsconfig.stryker.json: src/core only, so work in progress
  // elsewhere cannot block a run; a cold check takes seconds, then incremental):
  // ill-typed mutants become CompileError, not survivors, and cost no test run.
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.stryker.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // Mutants only executed while a module loads (constant tables, defaults) would each need every
  // test rerun with a fresh environment: skipped, reported as Ignored, not in the score.
  ignoreStatic: true,
  concurrency: 1,
  // A busy two-core machine: give a slow test room before calling a mutant an infinite loop.
  timeoutMS: 10_000,
  // The initial run of every test with per-test coverage took over Stryker's default 5 minutes
  // at load 20 (other engineers' runs), which ended the run before any mutant.
  dryRunTimeoutMinutes: 45,
  incremental: true,
  incrementalFile: `test-output/stryker/incremental-${key}${process.env.STRYKER_TESTS === 'fast' ? '-fast' : ''}.json`,
  // The sandbox lives in a git- and eslint-ignored folder, so a run in progress never shows up in
  // `git status` or `npm run lint`.
  tempDirName: 'test-output/stryker-tmp',
  ignorePatterns: ['test-output', 'dist', 'runs', 'scratch', '.ci'],
  // event-recorder writes each tested mutant as it finishes, so an interrupted run still leaves
  // results (scripts/mutationReport.mjs reads that folder too); incremental and json only at the end.
  reporters: ['clear-text', 'json', 'progress-append-only', 'event-recorder'],
  eventReporter: { baseDir: `test-output/stryker/events-${key}${process.env.STRYKER_TESTS === 'fast' ? '-fast' : ''}` },
  jsonReporter: { fileName: `test-output/stryker/mutation-${key}${process.env.STRYKER_TESTS === 'fast' ? '-fast' : ''}.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
};
