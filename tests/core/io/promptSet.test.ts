import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { type PromptSet, detectFormat, formatProblem, parsePromptSet } from '../../../src/core/io/promptSet.ts';
import { encode } from '../../../src/core/world/textTokenizer.ts';

const PROMPTS_DIR = new URL('../../../public/data/prompts/', import.meta.url);

const lines = (set: PromptSet) => set.rows.map((r) => r.line);
const prompts = (set: PromptSet) => set.rows.map((r) => r.prompt);
const problemLines = (set: PromptSet) => set.problems.map((p) => [p.line, p.kind]);

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parsePromptSet: TXT', () => {
  it('skips blank and # comment lines but keeps their line numbers, with BOM, CRLF and a trailing newline', () => {
    const text = '\uFEFF# my set\r\na photo of a circle\r\n\r\n   # indented comment\r\n  A Photo of two Squares  \r\n';
    const set = parsePromptSet(text, 'mine.txt');
    expect(set.format).toBe('txt');
    expect(lines(set)).toEqual([2, 5]);
    expect(prompts(set)).toEqual(['a photo of a circle', 'A Photo of two Squares']);
    expect(set.rows[1].words).toEqual(['a', 'photo', 'of', 'two', 'squares']);
    expect(set.rows[1].ids).toEqual(encode('a photo of two squares'));
    expect(set.rows[0].tag).toBeNull();
    expect(set.rows[0].spec).toBeNull();
    expect(set.problems).toEqual([]);
  });

  it('reports an unknown word with its line, the word and its position, and keeps the good rows', () => {
    const set = parsePromptSet('a photo of a circle\na photo of a red hexagon\na photo of a square\n', 'p.txt');
    expect(lines(set)).toEqual([1, 3]);
    expect(set.problems).toHaveLength(1);
    const p = set.problems[0];
    expect(p).toMatchObject({ line: 2, kind: 'unknown_word', severity: 'error', word: 'hexagon', position: 5 });
    expect(p.message).toBe('unknown word "hexagon" at word 6 of "a photo of a red hexagon"; the model knows only ShapesWorld words');
    expect(formatProblem('p.txt', p)).toMatch(/^p\.txt:2: unknown word "hexagon"/);
  });

  it('refuses prompts longer than maxWords (default 18) with the word count', () => {
    const long = Array(10).fill('a circle and').join(' ') + ' a square'; // 32 words
    const set = parsePromptSet(`a photo of a circle\n${long}\n`, 'p.txt');
    expect(problemLines(set)).toEqual([[2, 'too_long']]);
    expect(set.problems[0].message).toBe('too long: 32 words, at most 18');
    const tight = parsePromptSet('a photo of a circle\na circle\n', 'p.txt', { maxWords: 3 });
    expect(lines(tight)).toEqual([2]);
    expect(tight.problems[0]).toMatchObject({ line: 1, kind: 'too_long' });
  });

  it('keeps duplicates (same words, any case or spacing) and warns with both line numbers', () => {
    const set = parsePromptSet('a photo of a circle\na photo of a square\n\nA photo  of a CIRCLE\n', 'p.txt');
    expect(lines(set)).toEqual([1, 2, 4]);
    expect(set.problems).toEqual([
      { line: 4, kind: 'duplicate', severity: 'warning', message: 'duplicate of line 1: "A photo  of a CIRCLE" (kept both)' },
    ]);
  });
});

describe('parsePromptSet: CSV', () => {
  it('finds the prompt and category columns by name in any case, with quotes, commas, CRLF and a BOM', () => {
    const text = '\uFEFFid,Category,PROMPT\r\n1,"shapes, basic",a photo of a circle\r\n2,,"a photo of ""two"" circles"\r\n3,colours,"a photo of\r\na red square"\r\n4,shapes,a photo of a triangle';
    const set = parsePromptSet(text, 'set.csv');
    expect(set.format).toBe('csv');
    expect(set.rows.map((r) => [r.line, r.tag])).toEqual([[2, 'shapes, basic'], [4, 'colours'], [6, 'shapes']]);
    expect(prompts(set)[1]).toBe('a photo of\na red square');
    expect(set.rows[1].words).toEqual(['a', 'photo', 'of', 'a', 'red', 'square']);
    // `"two"` keeps its quotes after CSV unquoting, so it is not a vocabulary word.
    expect(set.problems).toMatchObject([{ line: 3, kind: 'unknown_word', word: '"two"', position: 3 }]);
  });

  it('prefers a tag column over category; counts comment and blank lines; reports empty prompts', () => {
    const text = 'prompt,category,tag\n# comment, with a comma\na photo of a circle,c1,t1\n\n,c2,t2\na photo of a square,c3,\n';
    const set = parsePromptSet(text, 'set.csv');
    expect(set.rows.map((r) => [r.line, r.tag])).toEqual([[3, 't1'], [6, null]]);
    expect(set.problems).toMatchObject([{ line: 5, kind: 'missing_prompt', message: 'empty prompt' }]);
  });

  it('reports a row too short to reach the prompt column, and one with an unquoted comma', () => {
    const set = parsePromptSet('tag,prompt\nx,a photo of a circle\ny\nz,a photo of a circle, and a square\n', 'set.csv');
    expect(problemLines(set)).toEqual([[3, 'missing_prompt'], [4, 'malformed']]);
    expect(set.problems[1].message).toBe('CSV: 3 fields but the header has 2; quote a prompt that contains the delimiter');
  });

  it('reports an unterminated quote at the line it starts', () => {
    const set = parsePromptSet('prompt\na photo of a circle\n"a photo of a square\na photo of a triangle\n', 'set.csv');
    expect(lines(set)).toEqual([2]);
    expect(set.problems).toMatchObject([{ line: 3, kind: 'malformed' }]);
    expect(set.problems[0].message).toBe('CSV: Quoted field unterminated; the rest of the file is read as this one field');
    // Papa reads text after a closing quote as still inside the field, to the end of the file.
    const junk = parsePromptSet('prompt,tag\na photo of a square,u\n"a photo of a circle"x,t\na photo of a triangle,v\n', 'set.csv');
    expect(junk.rows.map((r) => [r.line, r.tag])).toEqual([[2, 'u']]);
    expect(junk.problems).toEqual([{ line: 3, kind: 'malformed', severity: 'error', message: 'CSV: Trailing quote on quoted field is malformed; the rest of the file is read as this one field' }]);
  });

  it('is an InputError naming the file and header when there is no prompt column', () => {
    const e = inputError(() => parsePromptSet('text,tag\na photo of a circle,x\n', 'bad.csv'));
    expect(e.message).toMatch(/^bad\.csv:1: CSV header \["text","tag"\] has no "prompt" column/);
  });
});

describe('parsePromptSet: JSONL', () => {
  it('reads prompt and tag (or category), ignores other keys, and reports bad lines by number', () => {
    const text = [
      '{"prompt": "a photo of a circle", "tag": "easy", "id": 7}',
      '{"prompt": "a photo of a square", "category": "cat"}',
      '{"prompt": "a photo of a triangle"',
      '',
      '[1, 2]',
      '{"text": "a photo of a circle"}',
      '{"prompt": 5}',
      '{"prompt": "a photo of a blue circle", "tag": 3}',
      '{"prompt": "a photo of two circles"}',
    ].join('\n');
    const set = parsePromptSet(text, 'set.jsonl');
    expect(set.format).toBe('jsonl');
    expect(set.rows.map((r) => [r.line, r.prompt, r.tag])).toEqual([
      [1, 'a photo of a circle', 'easy'], [2, 'a photo of a square', 'cat'], [9, 'a photo of two circles', null],
    ]);
    expect(problemLines(set)).toEqual([[3, 'malformed'], [5, 'malformed'], [6, 'missing_prompt'], [7, 'missing_prompt'], [8, 'malformed']]);
    expect(set.problems[0].message).toMatch(/^not JSON/);
    expect(set.problems[2].message).toBe('no "prompt" field (it has "text"); write {"prompt": "a photo of a red circle"}');
  });
});

describe('parsePromptSet: GenEval metadata', () => {
  const pos = '{"tag":"position","include":[{"class":"square","count":1},{"class":"circle","count":1,"position":["left of",0]}],"prompt":"a photo of a circle left of a square"}';

  it('keeps the structured spec and takes the tag from it', () => {
    const set = parsePromptSet(`${pos}\n`, 'evaluation_metadata.jsonl');
    expect(set.format).toBe('geneval');
    expect(set.rows).toHaveLength(1);
    const row = set.rows[0];
    expect(row.tag).toBe('position');
    expect(row.spec).toEqual({
      tag: 'position',
      include: [{ class: 'square', count: 1 }, { class: 'circle', count: 1, position: ['left of', 0] }],
      exclude: [],
      prompt: 'a photo of a circle left of a square',
    });
    expect(row.words).toEqual(row.prompt.split(' '));
  });

  it('reports bad specs by line with the field at fault, and is detected past a malformed first line', () => {
    const text = [
      '{"tag":"colors","include":[{"class":"circle"',
      pos,
      '{"tag":"colors","include":[{"class":"hexagon","count":1}],"prompt":"a photo of a hexagon"}',
      '{"tag":"colors","prompt":"a photo of a circle"}',
      '{"tag":"colors","include":[{"class":"circle","count":1,"color":"red"}],"prompt":"a photo of a blue circle"}',
    ].join('\n');
    const set = parsePromptSet(text, 'meta.json');
    expect(set.format).toBe('geneval');
    expect(lines(set)).toEqual([2]);
    expect(problemLines(set)).toEqual([[1, 'malformed'], [3, 'bad_spec'], [4, 'bad_spec'], [5, 'bad_spec']]);
    expect(set.problems[1].message).toMatch(/^spec\.include\[0\]\.class: "hexagon" is not one of/);
    expect(set.problems[2].message).toMatch(/^spec\.include: expected a non-empty array/);
    expect(set.problems[3].message).toContain('expected "a photo of a red circle"');
  });

  it('parses every shipped prompt set with zero problems and keeps every spec', () => {
    const files = readdirSync(PROMPTS_DIR).filter((f) => f.endsWith('.jsonl'));
    expect(files.sort()).toEqual(['demo.jsonl', 'pool.jsonl', 'test.jsonl', 'train.jsonl', 'val.jsonl']);
    for (const f of files) {
      const text = readFileSync(new URL(f, PROMPTS_DIR), 'utf8');
      const set = parsePromptSet(text, f);
      expect(set.problems, f).toEqual([]);
      expect(set.format, f).toBe('geneval');
      expect(set.rows.length, f).toBe(text.trim().split('\n').length);
      expect(set.rows.every((r, i) => r.line === i + 1 && r.spec !== null && r.spec.prompt === r.prompt && r.tag === r.spec.tag), f).toBe(true);
    }
  });
});

describe('parsePromptSet: whole-file errors and limits', () => {
  it('is an InputError naming the file when it is empty or holds only comments', () => {
    expect(inputError(() => parsePromptSet('', 'empty.txt')).message).toBe('empty.txt: the file is empty; write one prompt per line');
    expect(inputError(() => parsePromptSet('\uFEFF# only\n\n  \n', 'c.txt')).message).toBe('c.txt: no prompts, only blank lines, # comments or a header');
    expect(inputError(() => parsePromptSet('prompt\n\n', 'h.csv')).message).toBe('h.csv: no prompts, only blank lines, # comments or a header');
  });

  it('is an InputError naming the file and its first problems when no row is valid', () => {
    const e = inputError(() => parsePromptSet('hello world\nfoo\nbar\nbaz\n', 'typos.txt'));
    expect(e.message).toMatch(/^typos\.txt: no valid prompts \(read as txt; 4 problems\):\n {2}typos\.txt:1: unknown word "hello"/);
    expect(e.message).toContain('... and 1 more');
  });

  it('refuses files over the byte and row limits with the numbers', () => {
    const text = 'a photo of a circle\n'.repeat(5);
    expect(inputError(() => parsePromptSet(text, 'big.txt', { maxBytes: 50 })).message)
      .toBe('big.txt: 100 bytes is over the limit of 50 bytes for a prompt set; split the file');
    expect(inputError(() => parsePromptSet('é'.repeat(30), 'u.txt', { maxBytes: 50 })).message).toMatch(/^u\.txt: 60 bytes/);
    expect(inputError(() => parsePromptSet(text, 'many.txt', { maxRows: 4 })).message)
      .toBe('many.txt: 5 rows is over the limit of 4 rows for a prompt set (line 5 is the first past it); split the file');
    expect(parsePromptSet(text, 'ok.txt', { maxRows: 5, maxBytes: 100 }).rows).toHaveLength(5);
  });
});

describe('detectFormat', () => {
  it('trusts the extension, then the content', () => {
    expect(detectFormat('prompt\na photo of a circle', 'x.TXT')).toBe('txt');
    expect(detectFormat('{"prompt": "a"}', 'x.csv')).toBe('csv');
    expect(detectFormat('{"prompt": "a"}', 'x.json')).toBe('jsonl');
    expect(detectFormat('# c\n{"tag":"colors","include":[],"prompt":"a"}', 'upload')).toBe('geneval');
    expect(detectFormat('\n# id;prompt\nid;Prompt;tag\n', 'upload.tsv')).toBe('csv');
    expect(detectFormat('a photo of a circle', 'upload')).toBe('txt');
    expect(detectFormat('', 'upload')).toBe('txt');
  });

  it('refuses a JSON array with a hint to use JSONL', () => {
    expect(inputError(() => parsePromptSet('[{"prompt": "a photo of a circle"}]', 'a.json')).message).toMatch(/^a\.json: a JSON array; write one JSON object per line/);
  });

  it('reads semicolon- and tab-separated CSV, with or without an extension', () => {
    for (const [text, name] of [['Prompt;tag\na photo of a circle;x\n', 'upload'], ['tag\tprompt\nx\ta photo of a circle', 'set.csv']]) {
      const set = parsePromptSet(text, name);
      expect(set.format).toBe('csv');
      expect(set.rows.map((r) => [r.line, r.prompt, r.tag])).toEqual([[2, 'a photo of a circle', 'x']]);
    }
  });
});
