// Bad prompt-set files, as the Batch and Train uploads and `gvu score` read them: bytes through
// decodeText, then parsePromptSet. A file with nothing usable is refused whole with one message
// naming the file (and the line, when one is at fault); a file with some bad lines keeps every
// good row and lists each bad line by number. The exact words are what a person reads.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { decodeText } from '../../src/core/io/decodeText.ts';
import { formatProblem, parsePromptSet } from '../../src/core/io/promptSet.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const utf16le = (s: string) => new Uint8Array([0xff, 0xfe, ...Array.from(s).flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 0x30]);
const XLSX = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]); // a zip, as .xlsx and .docx are
const NOT_TEXT = 'not UTF-8 or UTF-16 text (a binary file such as an image, or another encoding); save prompts as UTF-8 TXT, CSV or JSONL';
const EXAMPLE = '{"prompt": "a photo of a red circle"}';
const GOOD = 'a photo of a red circle';
const words = (n: number) => Array.from({ length: n }, (_, i) => ['a', 'red', 'circle', 'and'][i % 4]).join(' ');

/** The whole file is refused: `error` is the InputError's message. */
interface RefusedFile {
  readonly name: string;
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly error: string;
}

/** Some lines are bad: each is listed, and every good row still comes through. */
interface FileWithBadLines {
  readonly name: string;
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly problems: readonly string[]; // formatProblem(file, p), in line order
  readonly kept: readonly number[]; // lines of the rows that come through
}

const REFUSED: readonly RefusedFile[] = [
  { name: 'an empty file', file: 'empty.txt', bytes: new Uint8Array(0), error: 'empty.txt: the file is empty; write one prompt per line' },
  { name: 'only blank lines and comments', file: 'notes.txt', bytes: utf8('# to do\n\n   \n# later\n'), error: 'notes.txt: no prompts, only blank lines, # comments or a header' },
  { name: 'a CSV with only its header', file: 'h.csv', bytes: utf8('prompt,tag\r\n\r\n'), error: 'h.csv: no prompts, only blank lines, # comments or a header' },
  { name: 'a PNG', file: 'photo.png', bytes: PNG, error: `photo.png:1: ${NOT_TEXT}` },
  { name: 'a PNG renamed to .txt', file: 'prompts.txt', bytes: PNG, error: `prompts.txt:1: ${NOT_TEXT}` },
  { name: 'an Excel workbook (a zip)', file: 'prompts.xlsx', bytes: XLSX, error: `prompts.xlsx:1: ${NOT_TEXT}` },
  { name: 'a NUL byte on line 3', file: 'p.txt', bytes: utf8(`${GOOD}\n${GOOD}\na photo\0 of a circle\n`), error: `p.txt:3: ${NOT_TEXT}` },
  { name: 'Latin-1 text (café) on line 2', file: 'p.txt', bytes: new Uint8Array([...utf8(`${GOOD}\ncaf`), 0xe9, 0x0a]), error: `p.txt:2: ${NOT_TEXT}` },
  {
    name: 'a 50,000-line file', file: 'big.txt', bytes: utf8(`${GOOD}\n`.repeat(50_000)),
    error: 'big.txt: 50,000 rows is over the limit of 20,000 rows for a prompt set (line 20001 is the first past it); split the file',
  },
  {
    name: 'a 9 MiB file', file: 'huge.txt', bytes: utf8(`${GOOD}\n`.repeat(Math.ceil((9 * 1024 * 1024) / (GOOD.length + 1)))),
    error: 'huge.txt: 9 MiB is over the limit of 8 MiB for a prompt set; split the file',
  },
  {
    name: 'a CSV without a prompt column', file: 'set.csv', bytes: utf8('text,category\na photo of a circle,shapes\n'),
    error: 'set.csv:1: CSV header ["text","category"] has no "prompt" column; a prompt CSV needs one, and may have a "tag" or "category" column',
  },
  {
    name: 'a JSON array', file: 'set.json', bytes: utf8(`[{"prompt": "${GOOD}"}]`),
    error: 'set.json: a JSON array; write one JSON object per line (JSONL) so each prompt has a line number',
  },
  {
    name: 'no line valid (the first three shown)', file: 'typos.txt', bytes: utf8('a photo of a dog\na photo of a cat\na photo of a cow\na photo of a hen\n'),
    error: 'typos.txt: no valid prompts (read as txt; 4 problems):' +
      '\n  typos.txt:1: unknown word "dog" at word 5 of "a photo of a dog"; the model knows only ShapesWorld words' +
      '\n  typos.txt:2: unknown word "cat" at word 5 of "a photo of a cat"; the model knows only ShapesWorld words' +
      '\n  typos.txt:3: unknown word "cow" at word 5 of "a photo of a cow"; the model knows only ShapesWorld words' +
      '\n  ... and 1 more',
  },
];

const BAD_LINES: readonly FileWithBadLines[] = [
  {
    name: 'a JSONL line that is not JSON', file: 'set.jsonl', bytes: utf8(`{"prompt": "${GOOD}"}\n{"prompt": "a photo of a square"\n{"prompt": "a photo of a triangle"}\n`),
    problems: [`set.jsonl:2: not JSON: {"prompt": "a photo of a square"; write one object per line, e.g. ${EXAMPLE}`], kept: [1, 3],
  },
  {
    name: 'a JSONL object without a prompt', file: 'set.jsonl', bytes: utf8(`{"prompt": "${GOOD}"}\n{"text": "a photo of a square", "id": 2}\n{}\n`),
    problems: [`set.jsonl:2: no "prompt" field (it has "text", "id"); write ${EXAMPLE}`, `set.jsonl:3: no "prompt" field (the object is empty); write ${EXAMPLE}`], kept: [1],
  },
  {
    name: 'a JSONL prompt that is a number, and a line that is a bare string', file: 'set.jsonl', bytes: utf8(`{"prompt": 5}\n"${GOOD}"\n{"prompt": "${GOOD}"}\n`),
    problems: ['set.jsonl:1: prompt: expected a string, got 5', `set.jsonl:2: expected a JSON object such as ${EXAMPLE}, got "${GOOD}"`], kept: [3],
  },
  {
    name: 'CSV rows with too few and too many fields', file: 'set.csv', bytes: utf8(`tag,prompt\nx,${GOOD}\ny\nz,a photo of a circle, and a square\n`),
    problems: ['set.csv:3: CSV: 1 field(s) but the header has 2, so no "prompt" value', 'set.csv:4: CSV: 3 fields but the header has 2; quote a prompt that contains the delimiter'],
    kept: [2],
  },
  {
    name: 'a prompt of 25 words', file: 'p.txt', bytes: utf8(`${GOOD}\n${words(25)}\n`),
    problems: ['p.txt:2: too long: 25 words, at most 18'], kept: [1],
  },
  {
    name: 'a pasted paragraph of 3,000 words on one line', file: 'p.txt', bytes: utf8(`${words(3000)}\n${GOOD}\n`),
    problems: ['p.txt:1: too long: 3000 words, at most 18'], kept: [2],
  },
  {
    name: 'an unknown word', file: 'p.txt', bytes: utf8(`${GOOD}\na photo of a red hexagon\n`),
    problems: ['p.txt:2: unknown word "hexagon" at word 6 of "a photo of a red hexagon"; the model knows only ShapesWorld words'], kept: [1],
  },
  {
    name: 'a 100,000-character word', file: 'p.txt', bytes: utf8(`${'x'.repeat(100_000)}\n${GOOD}\n`),
    problems: [`p.txt:1: unknown word "${'x'.repeat(23)}…" at word 1 of "${'x'.repeat(59)}…"; the model knows only ShapesWorld words`], kept: [2],
  },
  {
    name: 'a special token typed into a prompt', file: 'p.txt', bytes: utf8(`${GOOD}\na photo of <img> a circle\n`),
    problems: ['p.txt:2: "<img>" at word 4 is a special token, not a word; leave it out'], kept: [1],
  },
  {
    name: 'GenEval metadata with a class the world lacks', file: 'meta.jsonl',
    bytes: utf8('{"tag":"single_object","include":[{"class":"circle","count":1}],"prompt":"a photo of a circle"}\n{"tag":"single_object","include":[{"class":"hexagon","count":1}],"prompt":"a photo of a hexagon"}\n'),
    problems: ['meta.jsonl:2: spec.include[0].class: "hexagon" is not one of circle, square, triangle'], kept: [1],
  },
  {
    name: 'an unknown word in a UTF-16 file, at its own line', file: 'excel.txt', bytes: utf16le(`${GOOD}\r\n\r\na photo of a red dog\r\n`),
    problems: ['excel.txt:3: unknown word "dog" at word 6 of "a photo of a red dog"; the model knows only ShapesWorld words'], kept: [1],
  },
];

describe('prompt-set uploads', () => {
  it.each(REFUSED)('bad input: $name', ({ file, bytes, error }) => {
    let thrown: unknown;
    try {
      parsePromptSet(decodeText(bytes), file);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).message).toBe(error);
  });

  it.each(BAD_LINES)('bad input: $name', ({ file, bytes, problems, kept }) => {
    const set = parsePromptSet(decodeText(bytes), file);
    expect(set.problems.map((p) => formatProblem(file, p))).toEqual(problems);
    expect(set.rows.map((r) => r.line)).toEqual(kept);
  });
});

describe('decodeText', () => {
  const text = `prompt,tag\r\n${GOOD},colors\r\na photo of two squares,counting\r\n`;
  const be = (bytes: Uint8Array) => bytes.map((_, i) => bytes[i % 2 === 0 ? i + 1 : i - 1]); // swap each byte pair
  it.each([
    ['UTF-8', utf8(text)],
    ['UTF-8 with a BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)])],
    ['UTF-16 LE with a BOM (Excel "Unicode text")', utf16le(text)],
    ['UTF-16 BE with a BOM', be(utf16le(text))],
    ['UTF-16 LE without a BOM', utf16le(text).subarray(2)],
  ])('reads %s to the same rows', (_, bytes) => {
    expect(decodeText(bytes)).toBe(text);
    const set = parsePromptSet(decodeText(bytes), 'set.csv');
    expect(set.rows.map((r) => [r.line, r.prompt, r.tag])).toEqual([[2, GOOD, 'colors'], [3, 'a photo of two squares', 'counting']]);
  });
});
