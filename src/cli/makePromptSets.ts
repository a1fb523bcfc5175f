// Writes the fixed prompt sets to public/data/prompts/{train,val,test}.jsonl (GenEval metadata
// lines) and the RL prompt pool (every grammatical prompt outside val and test) to pool.jsonl. Deterministic: rerunning gives identical files, which tests/core/world/promptSets.test.ts
// checks against the committed copies.  Run: npx tsx src/cli/makePromptSets.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePromptPool, makePromptSets, promptSetJsonl } from '../core/world/promptSets.ts';

export const PROMPT_SET_DIR = 'public/data/prompts';

const sets = makePromptSets();
mkdirSync(PROMPT_SET_DIR, { recursive: true });
const files = { ...sets, pool: makePromptPool(sets) };
for (const [name, specs] of Object.entries(files)) {
  const file = join(PROMPT_SET_DIR, `${name}.jsonl`);
  writeFileSync(file, promptSetJsonl(specs));
  const tags = new Map<string, number>();
  for (const s of specs) tags.set(s.tag, (tags.get(s.tag) ?? 0) + 1);
  console.log(`${file}: ${specs.length} prompts (${[...tags].map(([t, n]) => `${t} ${n}`).join(', ')})`);
}
