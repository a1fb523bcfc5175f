import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { parsePromptSet } from '../../../src/core/io/promptSet.ts';
import { RESULT_CSV_COLUMNS, type ScoredRow, parseResultsCsv, parseResultsJsonl, resultsToCsv, resultsToJsonl } from '../../../src/core/io/results.ts';

const ROWS: ScoredRow[] = [
  {
    line: 3, prompt: 'a photo of two red circles', tag: 'color_count', seed: 1234, imageIndex: 0,
    reward: 0.6180339887498949, lowestWord: 'red', lowestP: 0.1234567890123,
    perToken: [{ word: 'a', p: 0.99 }, { word: 'photo', p: 0.999 }, { word: 'of', p: 1 }, { word: 'two', p: 0.5 }, { word: 'red', p: 0.1234567890123 }, { word: 'circles', p: 0.8 }],
    judgePass: false, judgeStrictPass: false, judgeReasons: ['expected 2 red circle, found 1', 'not asked for: small blue square at (30.0, 6.0)'],
  },
  {
    // A user's CSV category can hold commas, quotes and newlines; a prompt without a spec has no verdict.
    line: 7, prompt: 'a photo of a square', tag: 'mine, "quoted"\nsecond line', seed: 0, imageIndex: 3,
    reward: 1e-7, lowestWord: 'square', lowestP: 1e-7,
    perToken: [{ word: 'a', p: 0.5 }, { word: 'photo', p: 0.5 }, { word: 'of', p: 0.5 }, { word: 'a', p: 0.5 }, { word: 'square', p: 1e-7 }, { word: '<eos>', p: 0.25 }],
    judgePass: null, judgeStrictPass: null, judgeReasons: [],
  },
  {
    line: 9, prompt: 'a photo of a circle', tag: null, seed: 2 ** 31 - 1, imageIndex: 1,
    reward: 0.9, lowestWord: 'circle', lowestP: 0.9,
    perToken: [{ word: 'a', p: 0.9 }, { word: 'photo', p: 0.9 }, { word: 'of', p: 0.9 }, { word: 'a', p: 0.9 }, { word: 'circle', p: 0.9 }],
    judgePass: true, judgeStrictPass: true, judgeReasons: [],
  },
];

describe('resultsToCsv', () => {
  it('writes one header and one quoted row per result, per-token p in one "word:p" column', () => {
    const csv = resultsToCsv(ROWS);
    expect(csv.endsWith('\n')).toBe(true);
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[0]).toEqual([...RESULT_CSV_COLUMNS]);
    expect(parsed.data).toHaveLength(ROWS.length + 1);
    expect(parsed.data[1]).toEqual([
      '3', 'a photo of two red circles', 'color_count', '1234', '0', '0.6180339887498949', 'red', '0.1234567890123', 'false', 'false',
      'expected 2 red circle, found 1 | not asked for: small blue square at (30.0, 6.0)', 'a:0.99 photo:0.999 of:1 two:0.5 red:0.1234567890123 circles:0.8',
    ]);
    expect(parsed.data[2][2]).toBe('mine, "quoted"\nsecond line');
    expect(parsed.data[2].slice(8, 11)).toEqual(['', '', '']);
    expect(csv).toContain('"mine, ""quoted""\nsecond line"');
  });

  it('rounds to the given significant digits for a readable copy', () => {
    const row = Papa.parse<string[]>(resultsToCsv(ROWS.slice(0, 1), { digits: 3 }), { skipEmptyLines: true }).data[1];
    expect([row[5], row[7], row[11]]).toEqual(['0.618', '0.123', 'a:0.99 photo:0.999 of:1 two:0.5 red:0.123 circles:0.8']);
  });

  it('reads back to the same rows', () => {
    expect(parseResultsCsv(resultsToCsv(ROWS), 'r.csv')).toEqual(ROWS);
    expect(parseResultsCsv(`\uFEFF${resultsToCsv(ROWS).replace(/\n(?=\d|$)/g, '\r\n')}`, 'r.csv')).toEqual(ROWS);
  });

  it('is itself a prompt set: the same prompts and tags at rows 2.. (line is a column, not the file line)', () => {
    const set = parsePromptSet(resultsToCsv([ROWS[0], ROWS[2]]), 'results.csv');
    expect(set.format).toBe('csv');
    expect(set.rows.map((r) => [r.prompt, r.tag])).toEqual([['a photo of two red circles', 'color_count'], ['a photo of a circle', null]]);
  });
});

describe('resultsToJsonl', () => {
  it('writes one object per line and reads back to the same rows', () => {
    const jsonl = resultsToJsonl(ROWS);
    const lines = jsonl.split('\n');
    expect(lines).toHaveLength(ROWS.length + 1);
    expect(lines.at(-1)).toBe('');
    expect(JSON.parse(lines[1])).toEqual(ROWS[1]);
    expect(parseResultsJsonl(jsonl, 'r.jsonl')).toEqual(ROWS);
    expect(parseResultsJsonl(jsonl.replace(/\n/g, '\r\n'), 'r.jsonl')).toEqual(ROWS);
  });

  it('is itself a prompt set (plain JSONL: prompt and tag)', () => {
    const set = parsePromptSet(resultsToJsonl(ROWS), 'results.jsonl');
    expect(set.format).toBe('jsonl');
    expect(set.rows.map((r) => r.prompt)).toEqual(ROWS.map((r) => r.prompt));
  });
});

describe('reading results back', () => {
  it('names the file, line and field at fault', () => {
    const bad = resultsToJsonl(ROWS).replace('"judgePass":null', '"judgePass":"yes"');
    expect(() => parseResultsJsonl(bad, 'r.jsonl')).toThrow(new InputError('r.jsonl:2: judgePass: expected true, false or null, got "yes"'));
    expect(() => parseResultsJsonl('{"line": 1}\n', 'r.jsonl')).toThrow(/^r\.jsonl:1: prompt: expected a string, got undefined$/);
    expect(() => parseResultsJsonl('\n{oops\n', 'r.jsonl')).toThrow(/^r\.jsonl:2: not JSON/);
    const csv = resultsToCsv(ROWS).replace('0.6180339887498949', 'high');
    expect(() => parseResultsCsv(csv, 'r.csv')).toThrow(new InputError('r.csv: row 1: reward: expected a number, got "high"'));
    expect(() => parseResultsCsv(resultsToCsv(ROWS).replace('red:0.1234567890123', 'red'), 'r.csv')).toThrow(/^r\.csv: row 1: perToken: expected \{word, p\} at index 4/);
    expect(() => parseResultsCsv('line,prompt\n1,a\n', 'r.csv')).toThrow(/^r\.csv: missing result columns tag, seed,/);
  });
});
