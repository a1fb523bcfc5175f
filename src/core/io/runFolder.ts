// A GvU run as the CLI writes it (src/cli/train.ts): <run>/log.jsonl (one row per step),
// <run>/eval.jsonl (validation ShapesEval), <run>/checkpoint/state.json (the resolved run config)
// and the adapter in the PEFT layout under <run>/adapter (finished) or <run>/checkpoint (stopped).
// Read from the files of a picked folder (or the files picked one by one) so the playground can
// import it; written back in the same layout so an export is a run the CLI's readers take.
import { InputError } from '../errors.ts';
import type { GvuLogRow } from '../gvu/trainer.ts';
import { parseJsonLines } from '../jsonl.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, type AdapterFiles } from '../model/adapter.ts';
import { decodeText } from './decodeText.ts';

/** A picked file: its path inside the picked folder ("run1/adapter/adapter_config.json") or its name. */
export interface RunFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface RunEval {
  readonly step: number;
  readonly valOverall: number;
  readonly valStrict: number;
}

export interface CliRun {
  /** The run folder's name, or "log.jsonl" files picked without their folder. */
  readonly name: string;
  readonly log: GvuLogRow[];
  readonly evals: RunEval[];
  /** The run config the CLI saved with its checkpoint; null when the folder has none. */
  readonly config: Readonly<Record<string, unknown>> | null;
  readonly adapter: AdapterFiles | null;
  /** Which folder the adapter came from ("adapter", "checkpoint", or "" for the run folder). */
  readonly adapterFrom: string | null;
}

// Fields the charts and comparisons read; a row without them is not a GvU step.
const REQUIRED: readonly (keyof GvuLogRow)[] = ['step', 'rewardMean', 'kl', 'loss', 'judgePass'];
const OPTIONAL: readonly (keyof GvuLogRow)[] = ['rewardStd', 'judgeStrict', 'rolloutAuc', 'clipFrac', 'ratioMean', 'gradNorm', 'skipped', 'seconds'];

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

function record(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`${where}: expected a JSON object per line`);
  return v as Record<string, unknown>;
}

/** JSON writes NaN as null (rolloutAuc without a mixed group): read null back as NaN. */
function numberField(row: Record<string, unknown>, key: string, where: string, required: boolean): number {
  const v = row[key];
  if (typeof v === 'number') return v;
  if (v === null || (v === undefined && !required)) return NaN;
  throw new InputError(`${where}: "${key}" must be a number; got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
}

export function parseRunLog(text: string, fileName: string): GvuLogRow[] {
  const rows = parseJsonLines(text, fileName, (v, where) => {
    const r = record(v, where);
    const row: Record<string, unknown> = {};
    for (const k of REQUIRED) row[k] = numberField(r, k, where, true);
    for (const k of OPTIONAL) row[k] = numberField(r, k, where, false);
    if (typeof r.skipReason === 'string') row.skipReason = r.skipReason;
    if (!Number.isInteger(row.step) || (row.step as number) < 1) throw new InputError(`${where}: "step" must be a whole number from 1; got ${String(r.step)}`);
    return row as unknown as GvuLogRow;
  });
  if (!rows.length) throw new InputError(`${fileName} has no step rows`);
  return rows;
}

export function parseRunEvals(text: string, fileName: string): RunEval[] {
  return parseJsonLines(text, fileName, (v, where) => {
    const r = record(v, where);
    return { step: numberField(r, 'step', where, true), valOverall: numberField(r, 'val_overall', where, true), valStrict: numberField(r, 'val_strict_overall', where, false) };
  });
}

/** The step rows as the CLI writes log.jsonl (NaN becomes null, as JSON.stringify writes it). */
export const runLogJsonl = (rows: readonly GvuLogRow[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');

/** The validation rows as the CLI writes eval.jsonl. */
export const runEvalsJsonl = (evals: readonly RunEval[]): string =>
  evals.map((e) => JSON.stringify({ step: e.step, val_overall: e.valOverall, val_strict_overall: e.valStrict })).join('\n') + (evals.length ? '\n' : '');

/**
 * One CLI run out of the picked files. The run folder is where its one log.jsonl is; a pick
 * holding several runs is refused with their folders listed. Every refusal names the file.
 */
export function readCliRun(files: readonly RunFile[]): CliRun {
  const byPath = new Map(files.map((f) => [f.path, f.bytes]));
  const logs = files.filter((f) => baseOf(f.path) === 'log.jsonl');
  if (!logs.length) {
    const shown = files.slice(0, 8).map((f) => f.path).join(', ');
    throw new InputError(`no log.jsonl among the ${files.length} picked file(s) (${shown}${files.length > 8 ? ', …' : ''}); pick a run folder written by \`npm run gvu -- train --out=…\``);
  }
  if (logs.length > 1) throw new InputError(`the pick holds ${logs.length} runs (${logs.map((f) => f.path).join(', ')}); pick one run folder`);
  const root = dirOf(logs[0].path);
  const text = (path: string) => decodeText(byPath.get(path)!);
  const log = parseRunLog(text(logs[0].path), logs[0].path);
  const evalPath = join(root, 'eval.jsonl');
  const evals = byPath.has(evalPath) ? parseRunEvals(text(evalPath), evalPath) : [];

  let config: Record<string, unknown> | null = null;
  const statePath = join(root, 'checkpoint/state.json');
  if (byPath.has(statePath)) {
    let state: unknown;
    try {
      state = JSON.parse(text(statePath));
    } catch (e) {
      throw new InputError(`${statePath}: not JSON (${(e as Error).message})`);
    }
    const run = (state as { run?: unknown } | null)?.run;
    if (typeof run === 'object' && run !== null && !Array.isArray(run)) config = run as Record<string, unknown>;
  }

  // The finished adapter first, else the last checkpoint's, else the two files picked on their own.
  for (const from of ['adapter', 'checkpoint', '']) {
    const dir = join(root, from);
    const json = byPath.get(join(dir, ADAPTER_CONFIG_FILE));
    const weights = byPath.get(join(dir, ADAPTER_WEIGHTS_FILE));
    if (json && weights) {
      return { name: baseOf(root) || 'log.jsonl', log, evals, config, adapter: { [ADAPTER_CONFIG_FILE]: decodeText(json), [ADAPTER_WEIGHTS_FILE]: weights }, adapterFrom: from };
    }
    if (json || weights) throw new InputError(`${dir || 'the pick'} has ${json ? ADAPTER_CONFIG_FILE : ADAPTER_WEIGHTS_FILE} but not ${json ? ADAPTER_WEIGHTS_FILE : ADAPTER_CONFIG_FILE}`);
  }
  return { name: baseOf(root) || 'log.jsonl', log, evals, config, adapter: null, adapterFrom: null };
}
