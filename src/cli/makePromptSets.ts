// Writes the fixed prompt sets to public/data/prompts/{train,val,test}.jsonl (GenEval metadata
// lines). Deterministic: rerunning gives identical files, which tests/core/world/promptSets.test.ts
// checks against the committed copies.  Run: npx tsx src/cli/makePromptSets.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPLITS, makePromptSets, promptSetJsonl } from '../core/world/promptSets.ts';

export const PROMPT_SET_DIR = 'public/data/prompts';

const sets = makePromptSets();
mkdirSync(PROMPT_SET_DIR, { recursive: true });
for (const split of SPLITS) {
  const file = join(PROMPT_SET_DIR, `${split}.jsonl`);
  writeFileSync(file, promptSetJsonl(sets[split]));
  const tags = new Map<string, number>();
  for (const s of sets[split]) tags.set(s.tag, (tags.get(s.tag) ?? 0) + 1);
  console.log(`${file}: ${sets[split].length} prompts (${[...tags].map(([t, n]) => `${t} ${n}`).join(', ')})`);
}
