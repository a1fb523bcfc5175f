#!/usr/bin/env node
// Summarises Stryker JSON reports (mutation-testing-report-schema) into docs/results/mutation.json
// (killed, survived, timeout, no_coverage and score per mutated folder, plus overall) and
// docs/mutation.md (the surviving mutants worth killing, grouped by folder, the worst first).
//
//   node scripts/mutationReport.mjs [report.json | events-dir ...] [--command="..."] [--date=YYYY-MM-DD] [--note="..."] [--fresh]
//
// With no report named, reads the one stryker.config.mjs writes for the same STRYKER_FOLDERS and
// STRYKER_TESTS (test-output/stryker/mutation-all.json for `npm run test:mutation`). A
// folder instead of a file is read as a run's event-recorder output (test-output/stryker/events-*),
// which holds the mutants tested so far even when the run was stopped.
// Several reports (per-folder runs) are merged; a file in more than one keeps the last one's mutants.
// A folder none of the reports covers keeps its numbers (and its survivors' section of
// docs/mutation.md) from the previous docs/results/mutation.json, with the date and command that
// measured it, so per-folder runs add up instead of erasing each other; --fresh drops them.
// score = (killed + timeout) / (killed + timeout + survived + no_coverage), in percent, as Stryker
// counts it; CompileError, RuntimeError and Ignored mutants are counted but not scored.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const FOLDERS = ['src/core/gvu', 'src/core/eval', 'src/core/graph', 'src/core/model'];
const OUT_JSON = 'docs/results/mutation.json';
const OUT_MD = 'docs/mutation.md';

const args = process.argv.slice(2);
const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const reports = args.filter((a) => !a.startsWith('--'));
// Default: the report of the run stryker.config.mjs would make from the same environment.
if (reports.length === 0) {
  const folders = (process.env.STRYKER_FOLDERS ?? FOLDERS.join(',')).split(',').map((f) => f.trim().replace(/\/$/, '')).filter(Boolean);
  const key = folders.length === FOLDERS.length ? 'all' : folders.map((f) => f.split('/').pop()).join('-');
  reports.push(`test-output/stryker/mutation-${key}${process.env.STRYKER_TESTS === 'fast' ? '-fast' : ''}.json`);
}

const files = new Map(); // repo-relative path -> { source, mutants }
let newest = 0;
const untested = new Map(); // path -> mutants planned but not yet tested (an interrupted run)
const changedSince = new Set(); // files edited after an events folder's run began (its snippets may not match)
for (const r of reports) {
  if (statSync(r, { throwIfNoEntry: false })?.isDirectory()) {
    readEvents(r);
    continue;
  }
  let report;
  try {
    report = JSON.parse(readFileSync(r, 'utf8'));
  } catch (e) {
    console.error(`mutationReport: cannot read ${r}: ${e.message}`);
    process.exit(1);
  }
  newest = Math.max(newest, statSync(r).mtimeMs);
  for (const [name, f] of Object.entries(report.files ?? {})) {
    const rel = relative(process.cwd(), resolve(report.projectRoot ?? process.cwd(), name)).split('\\').join('/');
    files.set(rel, f);
    untested.delete(rel); // a later, finished report of the file supersedes an interrupted run's plan
  }
}
// The event-recorder folder of a run (stryker.config.mjs), finished or not: every tested mutant is
// one NNNNN-onMutantTested.json; the plan (onMutationTestingPlanReady) says how many were due.
function readEvents(dir) {
  const rel = (name) => relative(process.cwd(), resolve(name)).split('\\').join('/');
  const names = readdirSync(dir).sort();
  const tested = new Set();
  // The events hold no source: snippets come from today's file, which may have changed since.
  const began = names.length ? statSync(`${dir}/${names[0]}`).mtimeMs : Infinity;
  const noteChange = (path) => {
    if (statSync(path).mtimeMs > began) changedSince.add(path);
  };
  for (const n of names.filter((x) => x.endsWith('-onMutantTested.json'))) {
    const m = JSON.parse(readFileSync(`${dir}/${n}`, 'utf8'));
    const path = rel(m.fileName);
    if (!files.has(path)) files.set(path, { source: readFileSync(path, 'utf8'), mutants: [] });
    noteChange(path);
    files.get(path).mutants.push(m);
    tested.add(m.id);
    newest = Math.max(newest, statSync(`${dir}/${n}`).mtimeMs);
  }
  const plan = names.find((x) => x.endsWith('-onMutationTestingPlanReady.json'));
  if (!plan) return;
  for (const p of JSON.parse(readFileSync(`${dir}/${plan}`, 'utf8')).mutantPlans ?? []) {
    if (tested.has(p.mutant.id)) continue;
    const path = rel(p.mutant.fileName);
    untested.set(path, (untested.get(path) ?? 0) + 1);
    if (!files.has(path)) files.set(path, { source: readFileSync(path, 'utf8'), mutants: [] });
  }
}
const folderOf = (path) => FOLDERS.find((f) => path.startsWith(`${f}/`)) ?? dirname(path);

const KEYS = { Killed: 'killed', Survived: 'survived', Timeout: 'timeout', NoCoverage: 'no_coverage', CompileError: 'compile_error', RuntimeError: 'runtime_error', Ignored: 'ignored' };
const empty = () => ({ killed: 0, survived: 0, timeout: 0, no_coverage: 0, score: 0, compile_error: 0, runtime_error: 0, ignored: 0, mutants: 0 });
// A timeout counts as detected in Stryker's score; a run that shares two cores with other jobs
// (or is paused) also times out on mutants no test would catch, so the report gives the score with
// timeouts counted as survived beside it: the true score lies between the two.
const score = (c) => {
  const valid = c.killed + c.timeout + c.survived + c.no_coverage;
  c.score = valid === 0 ? null : Math.round((10000 * (c.killed + c.timeout)) / valid) / 100;
  c.score_timeouts_as_survived = valid === 0 ? null : Math.round((10000 * c.killed) / valid) / 100;
  return c;
};

// A surviving mutant is "worth killing" unless it only rewrites the text of an error or log
// message: those are listed as a count, not one by one.
const lineOf = (source, line) => source.split('\n')[line - 1] ?? '';
const isMessageText = (m, source) =>
  m.mutatorName === 'StringLiteral' && /\b(Error|throw|console\.\w+|warn|log)\b/.test(lineOf(source, m.location.start.line));
const snippet = (source, loc) => {
  const lines = source.split('\n');
  let text;
  if (loc.start.line === loc.end.line) text = lines[loc.start.line - 1].slice(loc.start.column - 1, loc.end.column - 1);
  else text = [lines[loc.start.line - 1].slice(loc.start.column - 1), ...lines.slice(loc.start.line, loc.end.line - 1), lines[loc.end.line - 1].slice(0, loc.end.column - 1)].join('\n');
  return short(text);
};
const short = (s) => {
  const t = String(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > 70 ? `${t.slice(0, 67)}...` : t;
};

const perFolder = new Map();
const perFile = new Map();
const overall = empty();
const survivors = []; // { folder, file, line, mutator, original, replacement, status }
let messageOnly = 0;
for (const [path, f] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const folder = folderOf(path);
  if (!perFolder.has(folder)) perFolder.set(folder, empty());
  const fileCounts = empty();
  perFile.set(path, fileCounts);
  const notYet = untested.get(path) ?? 0;
  if (notYet) {
    for (const c of [perFolder.get(folder), overall, fileCounts]) c.not_tested = (c.not_tested ?? 0) + notYet;
  }
  for (const m of f.mutants) {
    const k = KEYS[m.status];
    if (!k) throw new Error(`${path}: unknown mutant status ${m.status}`);
    for (const c of [perFolder.get(folder), overall, fileCounts]) {
      c[k] += 1;
      c.mutants += 1;
    }
    if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
    if (isMessageText(m, f.source)) {
      messageOnly += 1;
      continue;
    }
    survivors.push({ folder, file: path, line: m.location.start.line, mutator: m.mutatorName, original: snippet(f.source, m.location), replacement: short(m.replacement), status: m.status });
  }
}
if (overall.mutants === 0) {
  console.error('mutationReport: the report(s) hold no mutants');
  process.exit(1);
}
const date = opt('date') ?? new Date(newest).toISOString().slice(0, 10);
const command = opt('command') ?? `${process.env.STRYKER_TESTS ? `STRYKER_TESTS=${process.env.STRYKER_TESTS} ` : ''}${process.env.STRYKER_FOLDERS ? `STRYKER_FOLDERS=${process.env.STRYKER_FOLDERS} ` : ''}npx stryker run`;
for (const c of perFolder.values()) Object.assign(c, { date, command, ...(opt('note') ? { note: opt('note') } : {}) });

// Folders this run did not measure keep the previous summary's numbers, files and survivors.
const carried = new Map(); // folder -> its '### folder' section of the previous docs/mutation.md
const previous = args.includes('--fresh') ? null : readPrevious();
for (const [folder, c] of Object.entries(previous?.json.folders ?? {})) {
  if (folder === 'overall' || perFolder.has(folder)) continue;
  // Summaries written before folders carried their own date and command had one for the run.
  const kept = { ...c, date: c.date ?? previous.json.date, command: c.command ?? previous.json.command };
  if (!kept.note && previous.json.note) kept.note = previous.json.note;
  perFolder.set(folder, kept);
  for (const k of [...Object.values(KEYS), 'mutants', 'not_tested']) if (c[k]) overall[k] = (overall[k] ?? 0) + c[k];
  for (const [path, fc] of Object.entries(previous.json.files ?? {})) if (folderOf(path) === folder && !perFile.has(path)) perFile.set(path, { ...fc });
  carried.set(folder, previous.sections.get(folder) ?? []);
}
function readPrevious() {
  let json;
  try {
    json = JSON.parse(readFileSync(OUT_JSON, 'utf8'));
  } catch {
    return null; // no previous summary: nothing to carry
  }
  const sections = new Map();
  let current = null;
  for (const line of (statSync(OUT_MD, { throwIfNoEntry: false }) ? readFileSync(OUT_MD, 'utf8') : '').split('\n')) {
    const head = /^### (\S+) \(/.exec(line);
    if (head) sections.set((current = head[1]), []);
    else if (/^#{1,2} /.test(line)) current = null;
    if (current) sections.get(current).push(line);
  }
  return { json, sections };
}
for (const c of [...perFolder.values(), overall, ...perFile.values()]) score(c);

// A folder measured only in part (a run with --mutate naming some of its files) says so: its
// score then covers the files measured, not the folder.
const tsFiles = (dir) => readdirSync(dir, { recursive: true }).map((f) => `${dir}/${String(f).split('\\').join('/')}`).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
for (const [folder, c] of perFolder) {
  if (!FOLDERS.includes(folder) || carried.has(folder)) continue;
  // A barrel of re-exports has no mutants, so no events: not a file left out.
  const barrel = (f) => readFileSync(f, 'utf8').split('\n').every((l) => /^\s*($|\/\/|\/?\*|import\s|export\s+(type\s+)?(\*(\s+as\s+\w+)?|\{[^}]*\})\s+from\s)/.test(l));
  const missing = tsFiles(folder).filter((f) => !files.has(f) && !barrel(f)).sort();
  c.complete = missing.length === 0 && !c.not_tested;
  if (missing.length) c.files_not_measured = missing;
}

const order = [...perFolder.keys()].sort((a, b) => (perFolder.get(a).score ?? 101) - (perFolder.get(b).score ?? 101));
const result = {
  date,
  command,
  tool: 'StrykerJS (@stryker-mutator/core, vitest runner on the unit project, typescript checker)',
  score_formula: '(killed + timeout) / (killed + timeout + survived + no_coverage), percent; score_timeouts_as_survived: killed / the same',
  folders: Object.fromEntries([...order.map((f) => [f, perFolder.get(f)]), ['overall', overall]]),
  not_measured: FOLDERS.filter((f) => !perFolder.has(f)),
  files: Object.fromEntries([...perFile].map(([f, c]) => [f, { killed: c.killed, survived: c.survived, timeout: c.timeout, no_coverage: c.no_coverage, score: c.score }])),
};
mkdirSync(dirname(OUT_JSON), { recursive: true });
writeFileSync(OUT_JSON, `${JSON.stringify(result, null, 2)}\n`);

const pct = (s) => (s === null ? 'n/a' : `${s.toFixed(2)}%`);
const row = (name, c) => `| ${name} | ${pct(c.score)} | ${pct(c.score_timeouts_as_survived ?? null)} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.no_coverage} | ${c.compile_error} | ${c.ignored} | ${c.mutants} |`;
const md = [
  '# Mutation testing',
  '',
  'StrykerJS, config in `stryker.config.mjs`; numbers in `docs/results/mutation.json`, written by',
  '`scripts/mutationReport.mjs`, which keeps the folders a run did not measure, so per-folder runs add',
  'up. Score = (killed + timeout) / (killed + timeout + survived + no coverage). Compile errors',
  '(ill-typed mutants, caught by the TypeScript checker) and ignored (static) mutants are not scored.',
  'Targets (issue 13): >= 80% in gvu and eval, >= 70% overall. A timeout counts as detected in that',
  'score; runs on two shared (or paused) cores also time out on mutants no test catches, so the',
  'score with timeouts counted as survived stands beside it: the true score lies between the two.',
  '',
  'Each folder was measured by:',
  '',
  ...order.map((f) => `- ${f}: ${perFolder.get(f).date}, \`${perFolder.get(f).command}\`${perFolder.get(f).note ? `. ${perFolder.get(f).note}` : ''}`),
  '',
  result.not_measured.length ? `Not measured: ${result.not_measured.join(', ')}.` : 'All four folders measured.',
  ...order.filter((f) => perFolder.get(f).not_tested).map((f) => `Interrupted run: in ${f}, ${perFolder.get(f).not_tested} of ${perFolder.get(f).mutants + perFolder.get(f).not_tested} mutants were not tested; the score covers those that were.`),
  ...order.filter((f) => perFolder.get(f).files_not_measured).map((f) => `Measured in part: ${f} (its score covers only the files measured; not measured: ${perFolder.get(f).files_not_measured.join(', ')}).`),
  '',
  '| folder | score | timeouts as survived | killed | timeout | survived | no coverage | compile error | ignored | mutants |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...order.map((f) => row(perFolder.get(f).complete ? f : `${f} (part)`, perFolder.get(f))),
  row('**overall**', overall),
  '',
  '## Running it',
  '',
  '- `npm run test:mutation` (all four folders) or `npm run test:mutation:gvu` (`:eval`, `:graph`, `:model`):',
  '  StrykerJS with the vitest runner on the unit project (never the browser one) and the TypeScript',
  '  checker, one test runner at a time, incremental (test-output/stryker/incremental-*.json, so a',
  '  rerun after a small change only retests what it touches), then this summary.',
  '- `STRYKER_TESTS=fast npm run test:mutation:eval` (or any of them) leaves out the slow end-to-end tests (tests/cli train,',
  '  transfer, shippedModel, badInputs/cliFlags, core/gvu/trainer; experiment is always left out):',
  '  under an hour per folder on two shared cores instead of hours; the score is then a lower bound.',
  '- A stopped run still leaves its tested mutants in test-output/stryker/events-*:',
  '  `node scripts/mutationReport.mjs test-output/stryker/events-eval-fast --command="..."` summarises them.',
  '- Each summary keeps the folders its run did not measure (with their own date and command);',
  '  `--fresh` starts from nothing. The vitest config Stryker runs gives each test 300 s, since a',
  '  test timing out in the dry run (a busy machine) ends the whole run.',
  '',
  '## Surviving mutants worth killing',
  '',
  `Survived and no-coverage mutants, grouped by folder (the lowest score first), then by file (the most`,
  `survivors first). Not listed: ${messageOnly} that only change the text of an error or log message${carried.size ? ` (in ${[...perFolder.keys()].filter((f) => !carried.has(f)).join(', ')})` : ''}.`,
  'Each line: `file:line` mutator: original -> replacement.',
];
for (const folder of order) {
  if (carried.has(folder)) {
    md.push('', ...carried.get(folder));
    while (md.at(-1) === '') md.pop();
    continue;
  }
  const list = survivors.filter((s) => s.folder === folder);
  md.push('', `### ${folder} (${pct(perFolder.get(folder).score)}, ${list.length} listed)`);
  const byFile = new Map();
  for (const s of list) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s]);
  const fileOrder = [...byFile.keys()].sort((a, b) => byFile.get(b).length - byFile.get(a).length || a.localeCompare(b));
  for (const file of fileOrder) {
    const fc = perFile.get(file);
    const changed = changedSince.has(file) ? ' (edited after the run began: lines are as they were then, the quoted code is left out)' : '';
    md.push('', `#### ${file} (${pct(fc.score)}: ${fc.survived} survived, ${fc.no_coverage} no coverage)${changed}`, '');
    for (const s of byFile.get(file).sort((a, b) => a.line - b.line)) {
      const tag = s.status === 'NoCoverage' ? ' (no coverage)' : '';
      const from = changedSince.has(file) ? '' : `\`${s.original.replace(/`/g, "'")}\` `;
      md.push(`- \`${s.file}:${s.line}\` ${s.mutator}${tag}: ${from}-> \`${s.replacement.replace(/`/g, "'")}\``);
    }
  }
}
writeFileSync(OUT_MD, `${md.join('\n')}\n`);
console.log(`mutation score: ${order.map((f) => `${f} ${pct(perFolder.get(f).score)}`).join(', ')}; overall ${pct(overall.score)}`);
console.log(`wrote ${OUT_JSON} and ${OUT_MD}`);
