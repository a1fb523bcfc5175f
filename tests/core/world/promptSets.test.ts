import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HELD_OUT_BINDINGS, SPLITS, enumerateCategory, makePromptPool, makePromptSets, promptSetJsonl, usesHeldOutBinding } from '../../../src/core/world/promptSets.ts';
import { TAGS, parseSpecJsonl } from '../../../src/core/world/spec.ts';

const committed = (split: string) => readFileSync(new URL(`../../../public/data/prompts/${split}.jsonl`, import.meta.url), 'utf8');

describe('prompt sets', () => {
  const sets = makePromptSets();

  it('regenerate byte-identical to the committed files (run src/cli/makePromptSets.ts after grammar changes)', () => {
    for (const split of SPLITS) expect(promptSetJsonl(sets[split])).toBe(committed(split));
  });

  it('parse as valid GenEval metadata', () => {
    for (const split of SPLITS) expect(parseSpecJsonl(committed(split), `${split}.jsonl`)).toHaveLength(sets[split].length);
  });

  it('never repeat a prompt within or across splits', () => {
    const all = SPLITS.flatMap((s) => sets[s].map((spec) => spec.prompt));
    expect(new Set(all).size).toBe(all.length);
  });

  it('have the planned sizes and a test set covering every category of both tiers', () => {
    expect(sets.test.length).toBeGreaterThanOrEqual(96);
    expect(sets.test.length).toBeLessThanOrEqual(200);
    expect(sets.val.length).toBeGreaterThanOrEqual(64);
    expect(sets.val.length).toBeLessThanOrEqual(100);
    expect(sets.train.length).toBeGreaterThan(500);
    expect(new Set(sets.test.map((s) => s.tag))).toEqual(new Set(TAGS));
  });

  it('keep held-out colour-shape bindings out of train and validation, and use one in every coloured test prompt', () => {
    expect(HELD_OUT_BINDINGS).toHaveLength(6);
    for (const spec of [...sets.train, ...sets.val]) expect(usesHeldOutBinding(spec), spec.prompt).toBe(false);
    for (const spec of sets.test.filter((s) => s.include.some((e) => e.color))) expect(usesHeldOutBinding(spec), spec.prompt).toBe(true);
  });

  it('enumerate each category completely and without repeats', () => {
    const sizes = Object.fromEntries(TAGS.map((t) => [t, enumerateCategory(t).length]));
    expect(sizes).toEqual({
      single_object: 3, two_object: 6, counting: 9, colors: 18, position: 24, color_attr: 180,
      color_count: 54, color_pos: 864, pos_count: 48, pos_size: 96, multi_count: 30,
    });
    for (const t of TAGS) expect(new Set(enumerateCategory(t).map((s) => s.prompt)).size).toBe(sizes[t]);
  });

  it('pool every grammatical prompt except the validation and test prompts (committed as pool.jsonl)', () => {
    const pool = makePromptPool(sets);
    expect(promptSetJsonl(pool)).toBe(committed('pool'));
    const prompts = new Set(pool.map((s) => s.prompt));
    for (const spec of [...sets.val, ...sets.test]) expect(prompts.has(spec.prompt), spec.prompt).toBe(false);
    for (const spec of sets.train) expect(prompts.has(spec.prompt), spec.prompt).toBe(true);
    const grammar = TAGS.reduce((n, t) => n + enumerateCategory(t).length, 0);
    expect(pool.length).toBe(grammar - sets.val.length - sets.test.length);
    expect(pool.some(usesHeldOutBinding)).toBe(true); // unlike train: the bindings appear, in other compositions
  });
});
