// JSON Lines: one value per non-blank line. Errors name the file and line; each value goes through
// the caller's parser with its "file:line" so its own errors name the line too.
import { InputError } from './errors.ts';

export function parseJsonLines<T>(text: string, fileName: string, each: (value: unknown, where: string) => T): T[] {
  const out: T[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${fileName}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    out.push(each(value, `${fileName}:${i + 1}`));
  });
  return out;
}
