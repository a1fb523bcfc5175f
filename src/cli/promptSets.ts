// The committed ShapesWorld prompt sets, read from public/data/prompts.
import { readFileSync } from 'node:fs';
import { parseSpecJsonl, type Spec } from '../core/world/index.ts';

export const PROMPT_DIR = 'public/data/prompts';

export function loadPromptSet(name: 'train' | 'val' | 'test' | string): Spec[] {
  const file = name.includes('/') || name.endsWith('.jsonl') ? name : `${PROMPT_DIR}/${name}.jsonl`;
  return parseSpecJsonl(readFileSync(file, 'utf8'), file);
}

export const loadPromptSets = () => ({ train: loadPromptSet('train'), val: loadPromptSet('val'), test: loadPromptSet('test') });
