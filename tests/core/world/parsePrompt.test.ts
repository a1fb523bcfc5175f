import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { mulberry32 } from '../../../src/core/tensor.ts';
import { PromptGrammarError, lookupSpec, promptToSpec, tagOf } from '../../../src/core/world/parsePrompt.ts';
import { SPLITS, enumerateCategory } from '../../../src/core/world/promptSets.ts';
import { type SpecInclude, TAGS, parseSpec, parseSpecJsonl, specToJson } from '../../../src/core/world/spec.ts';
import { specToPrompt } from '../../../src/core/world/promptText.ts';
import { TEXT_VOCABULARY, UnknownWordError } from '../../../src/core/world/textTokenizer.ts';
import { COLOURS, MAX_PROMPT_OBJECTS, RELATIONS, SHAPES, SIZES } from '../../../src/core/world/vocabulary.ts';

const shipped = (split: string) =>
  parseSpecJsonl(readFileSync(new URL(`../../../public/data/prompts/${split}.jsonl`, import.meta.url), 'utf8'), `${split}.jsonl`);

/** The parse error's message, or null when the prompt parses. */
function errorOf(prompt: string): string | null {
  try {
    promptToSpec(prompt);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
}

describe('promptToSpec', () => {
  it.each(SPLITS)('round-trips every spec of the shipped %s set, tag included', (split) => {
    const specs = shipped(split);
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      const parsed = promptToSpec(spec.prompt);
      expect(parsed, spec.prompt).toStrictEqual(spec);
      expect(specToJson(parsed)).toBe(specToJson(spec));
    }
  });

  it.each(TAGS)('round-trips every %s spec the grammar enumerates', (tag) => {
    const specs = enumerateCategory(tag);
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) expect(promptToSpec(spec.prompt), spec.prompt).toStrictEqual(spec);
  });

  it('ignores case and spacing and returns the canonical prompt', () => {
    const spec = promptToSpec('  A Photo of\tTWO  red\n circles ');
    expect(spec).toStrictEqual({
      tag: 'color_count', include: [{ class: 'circle', count: 2, color: 'red' }],
      exclude: [{ class: 'circle', count: 3 }], prompt: 'a photo of two red circles',
    });
  });

  it('reads "<B> <relation> <A>" as include [A, B at [relation, 0]]', () => {
    expect(promptToSpec('a photo of two circles right of a large square').include).toStrictEqual([
      { class: 'square', count: 1, size: 'large' },
      { class: 'circle', count: 2, position: ['right of', 0] },
    ]);
  });

  it('files prompts no category generates under the closest tag', () => {
    const tag = (p: string) => promptToSpec(p).tag;
    expect(tag('a photo of a large circle')).toBe('single_object'); // size without a relation is ignored
    expect(tag('a photo of two small squares')).toBe('counting');
    expect(tag('a photo of a small red triangle')).toBe('colors');
    expect(tag('a photo of a red circle and a square')).toBe('color_attr'); // one colour of two
    expect(tag('a photo of a red circle and a red square')).toBe('color_attr'); // same colour twice
    expect(tag('a photo of two red circles and a blue square')).toBe('color_count');
    expect(tag('a photo of a red circle left of a square')).toBe('color_pos');
    expect(tag('a photo of a circle left of two squares')).toBe('pos_count'); // target counted
    expect(tag('a photo of two red circles above a blue square')).toBe('pos_count'); // count beats colour
    expect(tag('a photo of a large red circle above a small square')).toBe('color_pos'); // colour beats size
    expect(tag('a photo of a large circle below a square')).toBe('pos_size'); // one size of two
    expect(tagOf([{ class: 'circle', count: 1 }])).toBe('single_object');
  });

  it('names the word, its position and what the grammar expected there', () => {
    const cases: [string, string][] = [
      ['a photo of a red blue circle', 'word 6 "blue": expected a shape (circle, square, triangle) after the colour'],
      ['a photo of a red large circle', 'word 6 "large": expected a shape (circle, square, triangle) after the colour (a size comes before the colour)'],
      ['a photo of a small large circle', 'word 6 "large": expected a colour (red, green, blue, yellow, purple, orange) or a shape (circle, square, triangle) after the size'],
      ['a photo of a orange circle', 'word 4 "a": expected "an" before "orange"'],
      ['a photo of an circle', 'word 4 "an": expected "a" before "circle"'],
      ['a photo of two circle', 'word 5 "circle": expected the plural "circles" after the number word "two"'],
      ['a photo of a circles', 'word 5 "circles": expected the singular "circle" after "a"'],
      ['photo of a circle', 'word 1 "photo": expected "a" (every prompt begins "a photo of")'],
      ['a photo of red circle', 'word 4 "red": expected "a", "an" or a number word (two, three, four)'],
      ['a photo of a circle left a square', 'word 7 "a": expected "of" after "left" (left of)'],
      ['a photo of a circle describe', 'word 6 "describe": expected "and", a relation (left of, right of, above, below) or the end of the prompt'],
      ['a photo of a circle and a square and a triangle', 'word 9 "and": expected the end of the prompt (a prompt names at most two objects)'],
      ['a photo of a circle and a circle', 'word 8 "circle": circle is named twice; each object must be a different shape'],
      ['a photo of five circles', 'word 4 "five": 5 objects; a prompt asks for at most 4'],
      ['a photo of three circles and two squares', 'word 7 "two": 3 + 2 = 5 objects; a prompt asks for at most 4'],
      ['a photo of a red', 'the prompt ends after word 5 "red": expected a shape (circle, square, triangle) after the colour'],
      ['a photo of', 'the prompt ends after word 3 "of": expected "a", "an" or a number word'],
      ['   ', 'the prompt is empty'],
    ];
    for (const [prompt, fragment] of cases) expect(errorOf(prompt), prompt).toContain(fragment);
    try {
      promptToSpec('a photo of a red blue circle');
    } catch (err) {
      expect(err).toBeInstanceOf(PromptGrammarError);
      expect((err as PromptGrammarError).word).toBe('blue');
      expect((err as PromptGrammarError).position).toBe(6);
    }
  });

  it('has no spec for "a photo of nothing" (a spec asks for at least one object)', () => {
    expect(errorOf('a photo of nothing')).toBe('word 4 "nothing": "a photo of nothing" (an empty scene) has no spec; a spec asks for at least one object');
  });

  it('reports unknown words as the tokenizer does', () => {
    expect(() => promptToSpec('a photo of a red hexagon')).toThrow(UnknownWordError);
    expect(errorOf('a photo of a red hexagon')).toContain('unknown word "hexagon" at position 5 (0-based)');
  });

  // Every entry the grammar can say: count 1..4, optional size, optional colour, a shape.
  const entries: SpecInclude[] = SHAPES.flatMap((s) => [1, 2, 3, 4].flatMap((count) => [undefined, ...SIZES].flatMap((size) =>
    [undefined, ...COLOURS].map((color) => ({ class: s, count, ...(size ? { size } : {}), ...(color ? { color } : {}) })))));

  it('gives every grammatical prompt the spec it says (all one- and two-object prompts, every joiner)', () => {
    let n = 0;
    const check = (include: SpecInclude[]) => {
      const prompt = specToPrompt({ include });
      const spec = promptToSpec(prompt);
      expect(spec.include, prompt).toStrictEqual(include);
      expect(spec.prompt).toBe(prompt);
      expect(spec.tag).toBe(tagOf(include));
      n++;
    };
    for (const a of entries) {
      check([a]);
      for (const b of entries) {
        if (b.class === a.class || a.count + b.count > MAX_PROMPT_OBJECTS) continue;
        check([a, b]);
        for (const r of RELATIONS) check([a, { ...b, position: [r, 0] }]);
      }
    }
    expect(n).toBeGreaterThan(50_000);
  });

  it('never crashes: every string either parses to a valid spec or throws an InputError', () => {
    const rng = mulberry32(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
    const vocab = [...TEXT_VOCABULARY.slice(4), 'hexagon', '.', 'é', '<eos>'];
    const tries: string[] = ['', ' ', '\u0000', 'a'.repeat(10_000), 'a photo of '.repeat(500), '<bos> a photo of a circle', 'a\u00a0photo of a circle'];
    // grammatical prompts, then one to three word-level edits: delete, insert, replace, swap
    for (let n = 0; n < 20_000; n++) {
      const a = pick(entries);
      const b = pick(entries);
      const words = specToPrompt({ include: b.class === a.class || rng() < 0.3 ? [a] : [a, rng() < 0.5 ? b : { ...b, position: [pick(RELATIONS), 0] }] }).split(' ');
      const edits = Math.floor(rng() * 4);
      for (let e = 0; e < edits; e++) {
        const i = Math.floor(rng() * words.length);
        const kind = Math.floor(rng() * 4);
        if (kind === 0) words.splice(i, 1);
        else if (kind === 1) words.splice(i, 0, pick(vocab));
        else if (kind === 2) words[i] = pick(vocab);
        else if (i + 1 < words.length) [words[i], words[i + 1]] = [words[i + 1], words[i]];
      }
      tries.push(words.join(rng() < 0.9 ? ' ' : '  '));
    }
    let parsed = 0;
    for (const t of tries) {
      let spec;
      try {
        spec = promptToSpec(t);
      } catch (err) {
        expect(err, t).toBeInstanceOf(InputError);
        expect((err as Error).message.length, t).toBeGreaterThan(0);
        continue;
      }
      parsed++;
      // a valid spec whose canonical prompt is the input, normalised
      expect(parseSpec(JSON.parse(specToJson(spec))), t).toStrictEqual(spec);
      expect(spec.prompt, t).toBe(t.toLowerCase().split(/\s+/).filter(Boolean).join(' '));
    }
    expect(parsed).toBeGreaterThan(1000);
    expect(parsed).toBeLessThan(tries.length);
  });
});

describe('lookupSpec', () => {
  const sets = new Map(shipped('test').map((s) => [s.prompt, s]));
  it('prefers the shipped sets, then the grammar, else gives the parse error as the reason', () => {
    const [first] = sets.values();
    expect(lookupSpec(first.prompt, sets)).toStrictEqual({ spec: first, source: 'shipped', reason: null });
    const other = lookupSpec('a photo of a large red circle', sets);
    expect(other.source).toBe('grammar');
    expect(other.spec?.tag).toBe('colors');
    const bad = lookupSpec('a photo of a circle and a circle', sets);
    expect(bad).toStrictEqual({ spec: null, source: null, reason: 'word 8 "circle": circle is named twice; each object must be a different shape' });
    expect(lookupSpec('a photo of a circle', new Map([['a photo of a circle', { ...promptToSpec('a photo of a circle'), tag: 'counting' as const }]])).spec?.tag)
      .toBe('counting'); // the set's tag wins
  });
});
