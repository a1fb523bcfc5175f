// `npm run gvu -- <command> --help`: a command's flag table as text, one flag a line with its form,
// default and meaning, so the table in the command's file is the only place flags are written down.
import type { FlagSpec, FlagTable } from './flags.ts';

export function flagHelp(command: string, table: FlagTable): string {
  const rows = Object.entries(table).map(([key, spec]) => [`--${key}=${form(spec)}`, `${spec.help}${defaultOf(spec)}`]);
  const width = Math.min(WIDTH, Math.max(...rows.map(([f]) => f.length)));
  // A flag too wide for the column (a long list of choices) gets its help on the next line.
  const line = ([f, h]: string[]) => (f.length > width ? `  ${f}\n  ${' '.repeat(width)}  ${h}` : `  ${f.padEnd(width)}  ${h}`);
  return [`usage: npm run gvu -- ${command} [--key=value ...] [--config=FILE]`, '', ...rows.map(line)].join('\n');
}

const WIDTH = 30; // of the flag column

function form(spec: FlagSpec): string {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return 'N';
    case 'boolean':
      return 'true|false';
    case 'string':
    case 'path':
      return spec.placeholder;
    case 'choice':
      return spec.choices.join('|');
    case 'integers':
      return 'N,N,...';
    case 'choices':
      return `${spec.choices.join('|')},...`;
  }
}

function defaultOf(spec: FlagSpec): string {
  const d = Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default);
  return d === '' ? '' : ` (default ${d})`;
}
