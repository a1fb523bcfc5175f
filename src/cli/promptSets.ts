// The committed ShapesWorld prompt sets, read from public/data/prompts, or a spec JSONL file in
// their format (UTF-8 or UTF-16). A missing file is named, with the shipped sets when a set name was meant.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import { decodeText } from '../core/io/decodeText.ts';
import { parseSpecJsonl, type Spec } from '../core/world/index.ts';

export const PROMPT_DIR = 'public/data/prompts';

/** A shipped set by name ("train"), or a file: anything with a slash or a dot in it is a path. */
export function loadPromptSet(name: 'train' | 'val' | 'test' | string): Spec[] {
  const isPath = /[./\\]/.test(name);
  const file = isPath ? name : `${PROMPT_DIR}/${name}.jsonl`;
  if (!existsSync(file)) {
    const shipped = readdirSync(PROMPT_DIR).filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -'.jsonl'.length));
    throw new InputError(`prompt file not found: ${file}` + (isPath ? '' : ` (the shipped sets are ${shipped.sort().join(', ')})`));
  }
  if (statSync(file).isDirectory()) throw new InputError(`prompt file ${file} is a folder; give a .jsonl file`);
  return parseSpecJsonl(decodeText(readFileSync(file)), file);
}

export const loadPromptSets = () => ({ train: loadPromptSet('train'), val: loadPromptSet('val'), test: loadPromptSet('test') });

/** `n` prompts spread evenly over a set (every k-th, k = set size / n): the study's "seen" slice of the RL pool. */
export function everyKth<T>(set: readonly T[], n: number): { slice: T[]; k: number } {
  const k = Math.max(1, Math.floor(set.length / n));
  return { slice: set.filter((_, i) => i % k === 0).slice(0, n), k };
}
