// Prompt sets for a model with its own BPE tokenizer (Janus): parsePromptSet with vocabulary
// 'free' keeps any text in every format, still refuses empty and over-long rows by line, keeps
// ShapesWorld GenEval specs and keeps real GenEval lines (COCO classes) without one. The default
// ('shapesworld') still refuses those words, so the tiny UMM never gets a prompt it cannot read.
import { describe, expect, it } from 'vitest';
import { FREE_TEXT_MAX_WORDS, parsePromptSet } from '../../../src/core/io/promptSet.ts';

const FREE = { vocabulary: 'free' } as const;

describe('parsePromptSet with free text', () => {
  it('TXT: any words, spaces folded; the same file is refused word by word for the tiny UMM', () => {
    const text = 'a photo of a  bench\nan astronaut riding a horse on Mars, oil painting\n';
    const set = parsePromptSet(text, 'p.txt', FREE);
    expect(set.rows.map((r) => [r.line, r.prompt, r.ids.length])).toEqual([[1, 'a photo of a bench', 0], [2, 'an astronaut riding a horse on Mars, oil painting', 0]]);
    expect(set.rows[1].words).toEqual(['an', 'astronaut', 'riding', 'a', 'horse', 'on', 'mars,', 'oil', 'painting']);
    expect(set.problems).toEqual([]);
    expect(() => parsePromptSet(text, 'p.txt')).toThrow(/p\.txt: no valid prompts .*unknown word "bench"/s);
  });

  it('CSV and JSONL keep tags; empty, non-string and over-long prompts are problems by line; duplicates are warned', () => {
    const csv = parsePromptSet('prompt,tag\n"a cat, sitting",animals\n"",x\na cat, sitting, extra\n', 'p.csv', FREE);
    expect(csv.rows.map((r) => [r.line, r.prompt, r.tag])).toEqual([[2, 'a cat, sitting', 'animals']]);
    expect(csv.problems.map((p) => [p.line, p.kind])).toEqual([[3, 'missing_prompt'], [4, 'malformed']]);
    const long = Array(FREE_TEXT_MAX_WORDS + 1).fill('word').join(' ');
    const jsonl = parsePromptSet(`{"prompt": "a dog", "tag": "pets"}\n{"prompt": 3}\n{"prompt": "${long}"}\n{"prompt": "A  dog"}\n`, 'p.jsonl', FREE);
    expect(jsonl.rows.map((r) => [r.line, r.prompt, r.tag])).toEqual([[1, 'a dog', 'pets'], [4, 'A dog', null]]);
    expect(jsonl.problems.map((p) => [p.line, p.kind, p.severity])).toEqual([
      [2, 'missing_prompt', 'error'], [3, 'too_long', 'error'], [4, 'duplicate', 'warning'],
    ]);
    expect(jsonl.problems[1].message).toBe(`too long: ${FREE_TEXT_MAX_WORDS + 1} words, at most ${FREE_TEXT_MAX_WORDS}`);
  });

  it('GenEval metadata: a ShapesWorld line keeps its spec, a COCO line is kept with its tag and no spec (refused for the tiny UMM)', () => {
    const text = [
      '{"tag": "single_object", "include": [{"class": "circle", "count": 1}], "prompt": "a photo of a circle"}',
      '{"tag": "two_object", "include": [{"class": "bench", "count": 1}, {"class": "dog", "count": 1}], "prompt": "a photo of a bench and a dog"}',
      '{"tag": "counting", "include": [{"class": "cup", "count": 2}]}',
    ].join('\n');
    const set = parsePromptSet(text, 'geneval.jsonl', FREE);
    expect(set.format).toBe('geneval');
    expect(set.rows.map((r) => [r.line, r.prompt, r.tag, r.spec === null])).toEqual([
      [1, 'a photo of a circle', 'single_object', false], [2, 'a photo of a bench and a dog', 'two_object', true],
    ]);
    expect(set.problems.map((p) => [p.line, p.kind])).toEqual([[3, 'bad_spec']]);
    const tiny = parsePromptSet(text, 'geneval.jsonl');
    expect(tiny.rows.map((r) => r.line)).toEqual([1]);
    expect(tiny.problems.map((p) => [p.line, p.kind])).toEqual([[2, 'bad_spec'], [3, 'bad_spec']]);
  });
});
