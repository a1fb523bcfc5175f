// Flat run configs (nanoGPT's configurator): defaults, then a JSON file, then --key=value flags.
// Unknown keys are errors; values keep the default's type.
import { readFileSync } from 'node:fs';

export function resolveRunConfig<T extends object>(defaults: T, argv: readonly string[]): { config: T; rest: string[] } {
  const config = { ...defaults } as Record<string, unknown>;
  const rest: string[] = [];
  const set = (key: string, raw: unknown, where: string) => {
    if (!(key in defaults)) throw new Error(`${where}: unknown key ${key} (known: ${Object.keys(defaults).join(', ')})`);
    const want = typeof (defaults as Record<string, unknown>)[key];
    const value = want === 'number' ? Number(raw) : want === 'boolean' ? raw === true || raw === 'true' : String(raw);
    if (want === 'number' && !Number.isFinite(value)) throw new Error(`${where}: ${key} must be a number, got ${JSON.stringify(raw)}`);
    config[key] = value;
  };
  for (const arg of argv) {
    if (arg.startsWith('--config=')) {
      const file = arg.slice('--config='.length);
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const [k, v] of Object.entries(json)) set(k, v, file);
    }
  }
  for (const arg of argv) {
    const m = /^--([A-Za-z][\w-]*)(?:=(.*))?$/.exec(arg);
    if (!m || m[1] === 'config') {
      if (!arg.startsWith('--config=')) rest.push(arg);
      continue;
    }
    const key = m[1].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (key in defaults) set(key, m[2] ?? true, 'command line');
    else rest.push(arg);
  }
  return { config: config as T, rest };
}
