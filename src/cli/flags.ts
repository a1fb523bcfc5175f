// One typed flag parser for every `gvu` command (nanoGPT's configurator, with types). A command
// declares a table: each flag's type, default and help, with its choices or range. Defaults, then
// a --config=FILE JSON object, then --key=value flags (kebab-case works too: --group-size). Every
// flag that does not fit (unknown, wrong type, not one of the choices, out of range, no value, given
// twice, an input path that is not there) is an InputError naming the flag and the value, raised
// before a command loads a model or creates a folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import { closestName } from './closestName.ts';

interface Range {
  readonly min?: number; // inclusive
  readonly above?: number; // exclusive lower bound (a learning rate above 0)
  readonly max?: number; // inclusive
}

export type FlagSpec = { readonly help: string } & (
  | ({ readonly type: 'number' | 'integer'; readonly default: number } & Range)
  | { readonly type: 'boolean'; readonly default: boolean }
  // A name or free text; `placeholder` shows its form in messages and --help (NAME, SET|FILE).
  | { readonly type: 'string'; readonly default: string; readonly placeholder: string }
  // A file or folder: read ones (`exists`) must be there, named by `what` ("prompt file"). An empty
  // default means "none" or "derived", and is never checked; an empty value on the command line is an error.
  | { readonly type: 'path'; readonly default: string; readonly placeholder: 'FILE' | 'DIR'; readonly exists?: 'file' | 'dir'; readonly what: string }
  | { readonly type: 'choice'; readonly default: string; readonly choices: readonly string[] }
  | ({ readonly type: 'integers'; readonly default: readonly number[] } & Range) // comma-separated: --seeds=0,1,2
  | { readonly type: 'choices'; readonly default: readonly string[]; readonly choices: readonly string[] } // --runs=gvu,judge
);
export type FlagTable = Readonly<Record<string, FlagSpec>>;

type ValueOf<F> = F extends { type: 'number' | 'integer' } ? number
  : F extends { type: 'boolean' } ? boolean
  : F extends { type: 'integers' } ? number[]
  : F extends { type: 'choice'; choices: readonly (infer C)[] } ? C
  : F extends { type: 'choices'; choices: readonly (infer C)[] } ? C[]
  : string;
export type FlagValues<T extends FlagTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/** Table entries with their types inferred (a choice's default must be one of its choices). */
export const flag = {
  number: (def: number, help: string, range: Range = {}) => ({ type: 'number', default: def, help, ...range }) as const,
  integer: (def: number, help: string, range: Range = {}) => ({ type: 'integer', default: def, help, ...range }) as const,
  boolean: (def: boolean, help: string) => ({ type: 'boolean', default: def, help }) as const,
  string: (def: string, placeholder: string, help: string) => ({ type: 'string', default: def, placeholder, help }) as const,
  /** A path this command reads: it must exist. */
  input: (def: string, exists: 'file' | 'dir', what: string, help: string) =>
    ({ type: 'path', default: def, placeholder: exists === 'dir' ? 'DIR' : 'FILE', exists, what, help }) as const,
  /** A path this command writes. */
  output: (def: string, placeholder: 'FILE' | 'DIR', help: string) => ({ type: 'path', default: def, placeholder, what: 'output', help }) as const,
  choice: <const C extends string>(choices: readonly C[], def: NoInfer<C>, help: string) => ({ type: 'choice', default: def, choices, help }) as const,
  integers: (def: readonly number[], help: string, range: Range = {}) => ({ type: 'integers', default: def, help, ...range }) as const,
  choices: <const C extends string>(choices: readonly C[], def: readonly NoInfer<C>[], help: string) => ({ type: 'choices', default: def, choices, help }) as const,
};

export function flagDefaults<T extends FlagTable>(table: T): FlagValues<T> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(table)) out[k] = Array.isArray(f.default) ? [...f.default] : f.default;
  return out as FlagValues<T>;
}

/** `command`'s flags from argv; throws an InputError that names the flag at fault. */
export function parseFlags<T extends FlagTable>(command: string, table: T, argv: readonly string[]): FlagValues<T> {
  const values: Record<string, unknown> = flagDefaults(table);
  const given = new Map<string, string>(); // key -> the value as written, to refuse a flag given twice
  const configs = argv.filter((a) => a.startsWith('--config=')).map((a) => a.slice('--config='.length));
  if (configs.length > 1) throw new InputError(`--config is given ${configs.length} times; give one file`);
  if (configs.length === 1) Object.assign(values, readConfigFile(command, table, configs[0]));
  argv.forEach((arg, i) => {
    if (arg.startsWith('--config=')) return;
    const m = /^--([A-Za-z][\w-]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!m) throw new InputError(`unexpected argument ${JSON.stringify(arg)} for ${command}; flags are written --key=value`);
    const [, name, raw] = m;
    if (name === 'config') throw new InputError(`--config needs a value, e.g. --config=FILE (a JSON object of flags)`);
    const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const spec = table[key];
    if (!spec) throw new InputError(unknownFlag(command, table, `--${name}`, key));
    if (given.has(key)) throw new InputError(`--${name} is given twice (${JSON.stringify(given.get(key))} and ${JSON.stringify(raw ?? '')}); give it once`);
    given.set(key, raw ?? '');
    if (raw === undefined && spec.type !== 'boolean') {
      const next = argv[i + 1];
      const hint = next !== undefined && !next.startsWith('-') ? ` (with "=": --${name}=${next})` : '';
      throw new InputError(`${needsValue(`--${name}`, spec)}${hint}`);
    }
    values[key] = parseValue(`--${name}`, spec, raw ?? 'true');
  });
  for (const [key, spec] of Object.entries(table)) if (spec.type === 'path') checkInputPath(spec, values[key] as string);
  return values as FlagValues<T>;
}

/** A JSON object of flag values (by their camelCase names); the file is named in every error. */
function readConfigFile(command: string, table: FlagTable, file: string): Record<string, unknown> {
  if (file === '') throw new InputError(`--config needs a value, e.g. --config=FILE (a JSON object of flags)`);
  if (!existsSync(file)) throw new InputError(`config file not found: ${file}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: not JSON (${(e as Error).message}); a config file is one JSON object of flags`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${file}: a config file is one JSON object of flags, e.g. {"steps": 100}`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(json)) {
    const spec = table[key];
    if (!spec) throw new InputError(`${file}: ${unknownFlag(command, table, JSON.stringify(key), key)}`);
    const raw = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : Array.isArray(v) ? v.join(',') : null;
    if (raw === null) throw new InputError(`${file}: ${key} must be a string, number or boolean, got ${JSON.stringify(v)}`);
    out[key] = parseValue(`${file}: ${key}`, spec, raw);
  }
  return out;
}

function parseValue(label: string, spec: FlagSpec, raw: string): unknown {
  if (raw.trim() === '' && spec.type !== 'boolean') throw new InputError(needsValue(label, spec));
  switch (spec.type) {
    case 'boolean': {
      const v = BOOLEAN_WORDS[raw.toLowerCase()];
      if (v === undefined) throw new InputError(`${label} must be true or false (or yes/no, 1/0), got ${JSON.stringify(raw)}`);
      return v;
    }
    case 'number':
    case 'integer':
      return inRange(label, spec, toNumber(label, spec.type, raw));
    case 'string':
    case 'path':
      return raw;
    case 'choice':
      if (!spec.choices.includes(raw)) throw new InputError(`${label} must be one of ${spec.choices.join(', ')}; got ${JSON.stringify(raw)}`);
      return raw;
    case 'integers':
      return raw.split(',').map((x) => {
        if (!INTEGER.test(x.trim())) throw new InputError(`${label} must be whole numbers separated by commas, ${example(label, spec)}; got ${JSON.stringify(raw)}`);
        return inRange(label, spec, Number(x));
      });
    case 'choices': {
      const items = raw.split(',').map((x) => x.trim());
      const bad = items.find((x) => !spec.choices.includes(x));
      if (bad !== undefined) throw new InputError(`${label} must be a comma-separated list of ${spec.choices.join(', ')}; got ${JSON.stringify(bad)} in ${JSON.stringify(raw)}`);
      return items;
    }
  }
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { true: true, yes: true, 1: true, false: false, no: false, 0: false };
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i; // decimal only: "0x10", "Infinity" and "" are typos here
const INTEGER = /^[+-]?\d+$/;

function toNumber(label: string, type: 'number' | 'integer', raw: string): number {
  const v = Number(raw);
  if (!NUMBER.test(raw.trim()) || !Number.isFinite(v)) throw new InputError(`${label} must be a number, got ${JSON.stringify(raw)}`);
  if (type === 'integer' && !Number.isInteger(v)) throw new InputError(`${label} must be a whole number, got ${JSON.stringify(raw)}`);
  return v;
}

function inRange(label: string, r: Range, v: number): number {
  if (r.min !== undefined && v < r.min) throw new InputError(`${label} must be at least ${r.min}, got ${v}`);
  if (r.above !== undefined && v <= r.above) throw new InputError(`${label} must be above ${r.above}, got ${v}`);
  if (r.max !== undefined && v > r.max) throw new InputError(`${label} must be at most ${r.max}, got ${v}`);
  return v;
}

function checkInputPath(spec: Extract<FlagSpec, { type: 'path' }>, path: string): void {
  if (!spec.exists || path === '') return;
  if (!existsSync(path)) throw new InputError(`${spec.what} not found: ${path}`);
  const isDir = statSync(path).isDirectory();
  if (spec.exists === 'dir' && !isDir) throw new InputError(`${spec.what} ${path} is a file; give the folder that holds it`);
  if (spec.exists === 'file' && isDir) throw new InputError(`${spec.what} ${path} is a folder; give a file in it`);
}

/** "--prompts needs a value, e.g. --prompts=FILE"; "--teacher needs a value: one of frozen, policy". */
const needsValue = (label: string, spec: FlagSpec): string =>
  spec.type === 'choice' ? `${label} needs a value: one of ${spec.choices.join(', ')}` : `${label} needs a value, ${example(label, spec)}`;

/** How a flag's value is written: "e.g. --prompts=FILE", "e.g. --steps=150", "e.g. --seeds=0,1,2". */
export function example(label: string, spec: FlagSpec): string {
  switch (spec.type) {
    case 'string':
    case 'path':
      return `e.g. ${label}=${spec.placeholder}`;
    case 'choice':
      return `e.g. ${label}=${spec.default}`;
    case 'choices':
    case 'integers':
      return `e.g. ${label}=${spec.default.join(',')}`;
    default:
      return `e.g. ${label}=${String(spec.default)}`;
  }
}

/** `shown` as the user wrote it (--teachr, or "stepz" in a config file); `key` in camelCase, to find the nearest flag. */
function unknownFlag(command: string, table: FlagTable, shown: string, key: string): string {
  const near = closestName(key, Object.keys(table));
  const guess = near ? ` (did you mean --${near}?)` : '';
  return `unknown flag ${shown} for ${command}${guess}; see npm run gvu -- ${command} --help`;
}
