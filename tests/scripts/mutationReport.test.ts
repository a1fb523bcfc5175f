// scripts/mutationReport.mjs folds per-folder Stryker runs into one summary: a run of one folder
// must keep the numbers (and the survivors) another run measured for another folder, and replace
// only its own. Run on two hand-written reports in a scratch project.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/mutationReport.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mutation-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = 'export const add = (a: number, b: number) => a + b;\n';
for (const f of ['src/core/eval/add.ts', 'src/core/graph/add.ts']) {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), SOURCE);
}

/** A Stryker JSON report of `file` with one mutant per status given. */
function report(name: string, file: string, statuses: string[]): string {
  const mutants = statuses.map((status, i) => ({
    id: String(i), mutatorName: 'ArithmeticOperator', replacement: 'a - b', status,
    location: { start: { line: 1, column: 46 }, end: { line: 1, column: 51 } },
  }));
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ schemaVersion: '1', thresholds: {}, projectRoot: dir, files: { [file]: { language: 'typescript', source: SOURCE, mutants } } }));
  return path;
}
const run = (...args: string[]) => execFileSync('node', [SCRIPT, ...args], { cwd: dir, encoding: 'utf8' });
const summary = () => JSON.parse(readFileSync(join(dir, 'docs/results/mutation.json'), 'utf8'));

describe('mutationReport', () => {
  it('a later run of another folder keeps the earlier folder, its date, command and survivors', () => {
    run(report('eval.json', 'src/core/eval/add.ts', ['Killed', 'Killed', 'Killed', 'Survived']), '--command=run eval', '--date=2026-11-01');
    run(report('graph.json', 'src/core/graph/add.ts', ['Killed', 'NoCoverage']), '--command=run graph', '--date=2026-11-02');
    const s = summary();
    expect(s.folders['src/core/eval']).toMatchObject({ killed: 3, survived: 1, score: 75, date: '2026-11-01', command: 'run eval' });
    expect(s.folders['src/core/graph']).toMatchObject({ killed: 1, no_coverage: 1, score: 50, date: '2026-11-02', command: 'run graph' });
    expect(s.folders.overall).toMatchObject({ killed: 4, survived: 1, no_coverage: 1, mutants: 6, score: 66.67 });
    expect(s.not_measured).toEqual(['src/core/gvu', 'src/core/model']);
    const md = readFileSync(join(dir, 'docs/mutation.md'), 'utf8');
    expect(md).toContain('### src/core/eval (75.00%, 1 listed)');
    expect(md).toContain('`src/core/eval/add.ts:1` ArithmeticOperator: `a + b` -> `a - b`');
    expect(md).toContain('### src/core/graph (50.00%, 1 listed)');
    expect(md).toContain('- src/core/eval: 2026-11-01, `run eval`');
  });

  it('a rerun of a folder replaces only that folder; --fresh drops the others', () => {
    run(report('eval2.json', 'src/core/eval/add.ts', ['Killed', 'Killed']), '--command=rerun eval', '--date=2026-11-03');
    let s = summary();
    expect(s.folders['src/core/eval']).toMatchObject({ killed: 2, survived: 0, score: 100, command: 'rerun eval' });
    expect(s.folders['src/core/graph']).toMatchObject({ killed: 1, no_coverage: 1, command: 'run graph' });
    expect(readFileSync(join(dir, 'docs/mutation.md'), 'utf8')).not.toContain('### src/core/eval (75.00%');
    run(join(dir, 'eval2.json'), '--fresh');
    s = summary();
    expect(Object.keys(s.folders)).toEqual(['src/core/eval', 'overall']);
  });
});
