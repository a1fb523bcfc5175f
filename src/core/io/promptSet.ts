// Uploaded prompt sets for batch scoring: TXT (one prompt a line), CSV (a `prompt` column), JSONL
// ({prompt, tag?} a line) and GenEval evaluation-metadata JSONL ({tag, include, exclude?, prompt}).
// A file is read whole, then each row is checked on its own: a bad line becomes a LineProblem with
// its line number and the good rows still come through, so one typo does not cost a whole upload.
// Only a file with nothing usable in it, one that is not text, or one past the size limits is an
// InputError. Every message names the file, and the line when there is one. Bytes go through
// decodeText first (UTF-8 or UTF-16, with or without a byte-order mark).
// Pure TypeScript: runs in the engine worker and in Node alike.
import Papa from 'papaparse';
import { InputError } from '../errors.ts';
import { type Spec, parseSpec } from '../world/spec.ts';
import { SPECIAL_TOKENS, TEXT_VOCABULARY, UnknownWordError, encode, splitWords } from '../world/textTokenizer.ts';

export const PROMPT_SET_FORMATS = ['txt', 'csv', 'jsonl', 'geneval'] as const;
export type PromptSetFormat = (typeof PROMPT_SET_FORMATS)[number];

export interface PromptSetOptions {
  readonly maxWords: number; // longest prompt the model takes: the tiny UMM's maxText 20 less <bos> and <eos>
  readonly maxBytes: number; // refuse bigger files (UTF-8 bytes); a UI can check File.size against it first
  readonly maxRows: number; // refuse files with more rows than this (counting bad rows, not comments)
  // 'shapesworld': every word must be the tiny UMM's (it has no other); 'free': any text, for a
  // model with a BPE tokenizer (Janus), which checks its own prompts. Free rows have no ids, and a
  // GenEval line whose entries ShapesWorld cannot judge (COCO classes) is kept without a spec.
  readonly vocabulary: 'shapesworld' | 'free';
}

/** The longest free-text prompt (words): a caption, not a document; Janus reads ~600 tokens around it. */
export const FREE_TEXT_MAX_WORDS = 200;

// 20,000 rows: ShapesWorld's grammar makes about 1,300 distinct prompts, so a bigger set is mostly
// repeats, and a batch of it (80,000 images at G = 4) would hold a browser tab for hours. A file
// past the limit is refused whole, naming the limit and the first line past it, never cut short.
export const PROMPT_SET_DEFAULTS: PromptSetOptions = { maxWords: 18, maxBytes: 8 * 1024 * 1024, maxRows: 20_000, vocabulary: 'shapesworld' };

export interface PromptRow {
  readonly line: number; // 1-based line in the file where the row starts
  readonly prompt: string; // as written, trimmed
  readonly tag: string | null; // the tag / category column or field; GenEval's tag
  readonly spec: Spec | null; // GenEval metadata only: what the ShapesEval judge checks
  readonly words: readonly string[]; // the tokenizer's words (lowercased), one per id; free text: split at spaces, lowercased
  readonly ids: readonly number[]; // ShapesWorld text token ids, no special tokens; empty for free text
}

export const PROBLEM_KINDS = ['malformed', 'missing_prompt', 'unknown_word', 'too_long', 'bad_spec', 'duplicate'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface LineProblem {
  readonly line: number; // 1-based
  readonly kind: ProblemKind;
  readonly severity: 'error' | 'warning'; // error: the row was dropped; warning ('duplicate'): it was kept
  readonly message: string; // says what is wrong without the file name; see formatProblem
  readonly word?: string; // unknown_word: the word, as lowercased by the tokenizer
  readonly position?: number; // unknown_word: its 0-based index among the prompt's words
}

export interface PromptSet {
  readonly fileName: string;
  readonly format: PromptSetFormat;
  readonly rows: readonly PromptRow[];
  readonly problems: readonly LineProblem[]; // in line order
}

/** "prompts.csv:4: unknown word ..." */
export const formatProblem = (fileName: string, p: LineProblem): string => `${fileName}:${p.line}: ${p.message}`;

/** A row as read from the file, before tokenizing. */
interface RawRow {
  readonly line: number;
  readonly prompt: unknown;
  readonly tag: string | null;
  readonly spec: Spec | null;
}

/** What a format reader hands back: rows to check, and problems found while reading. */
interface ReadResult {
  readonly raw: RawRow[];
  readonly problems: LineProblem[];
}

const error = (line: number, kind: ProblemKind, message: string): LineProblem => ({ line, kind, severity: 'error', message });

export function parsePromptSet(text: string, fileName: string, options: Partial<PromptSetOptions> = {}): PromptSet {
  const free = options.vocabulary === 'free';
  const o = { ...PROMPT_SET_DEFAULTS, ...(free ? { maxWords: FREE_TEXT_MAX_WORDS } : {}), ...options };
  // Length in UTF-16 units is at most the UTF-8 byte count for BMP text; check it first so a huge
  // string is refused without encoding it.
  const bytes = text.length > o.maxBytes ? text.length : new TextEncoder().encode(text).length;
  if (bytes > o.maxBytes) {
    throw new InputError(`${fileName}: ${byteSize(bytes)} is over the limit of ${byteSize(o.maxBytes)} for a prompt set; split the file`);
  }
  // One line-break convention and no BOM, so line numbers and CSV fields are the same on every OS.
  const clean = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (clean.trim() === '') throw new InputError(`${fileName}: the file is empty; write one prompt per line`);
  const binaryLine = firstBinaryLine(clean);
  if (binaryLine !== null) {
    throw new InputError(`${fileName}:${binaryLine}: not UTF-8 or UTF-16 text (a binary file such as an image, or another encoding); save prompts as UTF-8 TXT, CSV or JSONL`);
  }
  const format = detectFormat(clean, fileName);
  const { raw, problems } = format === 'csv' ? readCsv(clean, fileName) : format === 'txt' ? readTxt(clean) : readJsonl(clean, format, free);
  if (raw.length === 0 && problems.length === 0) throw new InputError(`${fileName}: no prompts, only blank lines, # comments or a header`);
  if (raw.length > o.maxRows) {
    throw new InputError(
      `${fileName}: ${count(raw.length)} rows is over the limit of ${count(o.maxRows)} rows for a prompt set ` +
        `(line ${raw[o.maxRows].line} is the first past it); split the file`,
    );
  }
  const rows: PromptRow[] = [];
  for (const r of raw) {
    const checked = free ? checkFreeRow(r, o.maxWords) : checkRow(r, o.maxWords);
    if ('kind' in checked) problems.push(checked);
    else rows.push(checked);
  }
  problems.push(...findDuplicates(rows));
  problems.sort((a, b) => a.line - b.line);
  if (rows.length === 0) {
    const shown = problems.slice(0, 3).map((p) => `\n  ${formatProblem(fileName, p)}`).join('');
    const more = problems.length > 3 ? `\n  ... and ${problems.length - 3} more` : '';
    throw new InputError(`${fileName}: no valid prompts (read as ${format}; ${problems.length} problem${problems.length === 1 ? '' : 's'}):${shown}${more}`);
  }
  return { fileName, format, rows, problems };
}

/** By extension first (.txt .csv .jsonl .json), then by content; JSON lines are GenEval metadata when they carry `include`. */
export function detectFormat(text: string, fileName: string): PromptSetFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1].toLowerCase();
  const first = firstContentLine(text);
  const jsonFormat = (): PromptSetFormat => (looksLikeGenEval(text) ? 'geneval' : 'jsonl');
  if (ext === 'txt') return 'txt';
  if (ext === 'csv') return 'csv';
  if (ext === 'jsonl' || ext === 'json') {
    if (first?.startsWith('[')) {
      throw new InputError(`${fileName}: a JSON array; write one JSON object per line (JSONL) so each prompt has a line number`);
    }
    return jsonFormat();
  }
  if (first === null) return 'txt';
  if (first.startsWith('{')) return jsonFormat();
  return csvDelimiter(first) === null ? 'txt' : 'csv';
}

// Papa's delimiter guessing is thrown by a trailing blank line and by one-column files, so the
// header decides: the delimiter under which it has a `prompt` column.
const CSV_DELIMITERS = [',', ';', '\t', '|'];
function csvDelimiter(headerLine: string): string | null {
  const hasPrompt = (d: string) => (Papa.parse<string[]>(headerLine, { delimiter: d, preview: 1 }).data[0] ?? [])
    .some((h) => h.trim().toLowerCase() === 'prompt');
  return CSV_DELIMITERS.find(hasPrompt) ?? null;
}

// Bytes that are not text decode to U+FFFD (not UTF-8) or to control characters (NUL and the like:
// an image, a zip, UTF-16 read as UTF-8). Tab, line and form feeds are text.
const isBinaryChar = (c: number): boolean => (c < 0x20 && (c < 0x09 || c > 0x0d)) || c === 0x7f || c === 0xfffd;

function firstBinaryLine(text: string): number | null {
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) line++;
    else if (isBinaryChar(c)) return line;
  }
  return null;
}

function firstContentLine(text: string): string | null {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t !== '' && !t.startsWith('#')) return t;
  }
  return null;
}

// The first line that parses as a JSON object decides, so one malformed first line does not
// turn a GenEval file into plain JSONL (which would drop every spec).
function looksLikeGenEval(text: string): boolean {
  for (const line of text.split('\n')) {
    const value = tryJson(line.trim());
    if (isRecord(value)) return 'include' in value;
  }
  return false;
}

function readTxt(text: string): ReadResult {
  const raw: RawRow[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t !== '' && !t.startsWith('#')) raw.push({ line: i + 1, prompt: t, tag: null, spec: null });
  });
  return { raw, problems: [] };
}

function readJsonl(text: string, format: 'jsonl' | 'geneval', free: boolean): ReadResult {
  const raw: RawRow[] = [];
  const problems: LineProblem[] = [];
  text.split('\n').forEach((lineText, i) => {
    const line = i + 1;
    const t = lineText.trim();
    if (t === '' || t.startsWith('#')) return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch {
      problems.push(error(line, 'malformed', `not JSON: ${clip(t)}; write one object per line, e.g. ${JSONL_EXAMPLE}`));
      return;
    }
    if (!isRecord(value)) {
      problems.push(error(line, 'malformed', `expected a JSON object such as ${JSONL_EXAMPLE}, got ${clip(JSON.stringify(value))}`));
    } else if (format === 'jsonl' && !('prompt' in value)) {
      const keys = Object.keys(value);
      const has = keys.length ? `it has ${clip(keys.map((k) => JSON.stringify(k)).join(', '))}` : 'the object is empty';
      problems.push(error(line, 'missing_prompt', `no "prompt" field (${has}); write ${JSONL_EXAMPLE}`));
    } else if (format === 'geneval') {
      try {
        const spec = parseSpec(value, 'spec');
        raw.push({ line, prompt: spec.prompt, tag: spec.tag, spec });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        // Real GenEval metadata names COCO classes: a free-text model still draws and scores the prompt.
        if (free && typeof value.prompt === 'string') raw.push({ line, prompt: value.prompt, tag: typeof value.tag === 'string' ? value.tag : null, spec: null });
        else problems.push(error(line, 'bad_spec', e.message));
      }
    } else {
      const tag = value.tag ?? value.category;
      if (tag !== undefined && tag !== null && typeof tag !== 'string') {
        problems.push(error(line, 'malformed', `tag: expected a string, got ${JSON.stringify(tag)}`));
      } else {
        raw.push({ line, prompt: value.prompt, tag: tag ?? null, spec: null });
      }
    }
  });
  return { raw, problems };
}

function readCsv(text: string, fileName: string): ReadResult {
  const records: { line: number; fields: string[] }[] = [];
  const problems: LineProblem[] = [];
  let line = 1;
  let at = 0; // offset of `line`'s first character
  const advanceTo = (offset: number) => {
    for (let i = text.indexOf('\n', at); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    at = offset;
  };
  // Papa reports where each record ends; the next one starts there, after any comment lines it skipped.
  let start = 0;
  Papa.parse<string[]>(text, {
    delimiter: csvDelimiter(firstContentLine(text) ?? '') ?? ',',
    comments: '#',
    skipEmptyLines: false, // skipped below, so blank lines still count towards line numbers
    step: (result) => {
      while (text.startsWith('#', start)) start = text.indexOf('\n', start) + 1 || text.length;
      advanceTo(start);
      const fields = result.data;
      const quoteError = result.errors.find((e) => e.type === 'Quotes');
      if (quoteError) {
        const rest = result.errors.some((e) => e.code === 'MissingQuotes') ? '; the rest of the file is read as this one field' : '';
        problems.push(error(line, 'malformed', `CSV: ${quoteError.message}${rest}`));
      } else if (!(fields.length === 1 && fields[0].trim() === '')) records.push({ line, fields });
      start = result.meta.cursor;
    },
  });
  const header = records.shift();
  if (!header) return { raw: [], problems };
  const names = header.fields.map((h) => h.trim().toLowerCase());
  const promptAt = names.indexOf('prompt');
  if (promptAt === -1) {
    throw new InputError(`${fileName}:${header.line}: CSV header ${JSON.stringify(header.fields)} has no "prompt" column; a prompt CSV needs one, and may have a "tag" or "category" column`);
  }
  const tagAt = names.includes('tag') ? names.indexOf('tag') : names.indexOf('category');
  const raw: RawRow[] = [];
  for (const { line, fields } of records) {
    // An unquoted delimiter inside a prompt would otherwise cut it short without a word.
    if (fields.length > header.fields.length) {
      problems.push(error(line, 'malformed', `CSV: ${fields.length} fields but the header has ${header.fields.length}; quote a prompt that contains the delimiter`));
      continue;
    }
    if (fields.length <= promptAt) {
      problems.push(error(line, 'missing_prompt', `CSV: ${fields.length} field(s) but the header has ${header.fields.length}, so no "prompt" value`));
      continue;
    }
    const tag = tagAt === -1 ? '' : (fields[tagAt] ?? '').trim();
    raw.push({ line, prompt: fields[promptAt], tag: tag === '' ? null : tag, spec: null });
  }
  return { raw, problems };
}

/** Tokenize and length-check one row; a problem if it cannot be scored. */
function checkRow(r: RawRow, maxWords: number): PromptRow | LineProblem {
  if (r.prompt === undefined) return error(r.line, 'missing_prompt', 'no "prompt" field');
  if (typeof r.prompt !== 'string') return error(r.line, 'missing_prompt', `prompt: expected a string, got ${JSON.stringify(r.prompt)}`);
  const prompt = r.prompt.trim();
  if (prompt === '') return error(r.line, 'missing_prompt', 'empty prompt');
  // Length first: a pasted paragraph is too long whatever its words are (the wording of the
  // playground's prompt box, so a person reads one message for one mistake).
  const words = splitWords(prompt);
  if (words.length > maxWords) return error(r.line, 'too_long', `too long: ${words.length} words, at most ${maxWords}`);
  // The tokenizer maps "<img>" to its id; in a prompt it would end the prompt early or fake an image.
  const special = words.findIndex((w) => (SPECIAL_TOKENS as readonly string[]).includes(w));
  if (special !== -1) {
    return { ...error(r.line, 'unknown_word', `${JSON.stringify(words[special])} at word ${special + 1} is a special token, not a word; leave it out`), word: words[special], position: special };
  }
  let ids: number[];
  try {
    ids = encode(prompt);
  } catch (e) {
    if (!(e instanceof UnknownWordError)) throw e;
    // The tokenizer's own message lists the whole vocabulary; one line per problem is enough here.
    return {
      ...error(r.line, 'unknown_word', `unknown word ${quote(e.word, 24)} at word ${e.position + 1} of ${quote(prompt)}; the model knows only ShapesWorld words`),
      word: e.word,
      position: e.position,
    };
  }
  return { line: r.line, prompt, tag: r.tag, spec: r.spec, words: ids.map((id) => TEXT_VOCABULARY[id]), ids };
}

/** A free-text row: only emptiness and length are checked here; the model's tokenizer reads the rest. */
function checkFreeRow(r: RawRow, maxWords: number): PromptRow | LineProblem {
  if (r.prompt === undefined) return error(r.line, 'missing_prompt', 'no "prompt" field');
  if (typeof r.prompt !== 'string') return error(r.line, 'missing_prompt', `prompt: expected a string, got ${JSON.stringify(r.prompt)}`);
  const prompt = r.prompt.trim().replace(/\s+/g, ' ');
  if (prompt === '') return error(r.line, 'missing_prompt', 'empty prompt');
  const words = prompt.toLowerCase().split(' ');
  if (words.length > maxWords) return error(r.line, 'too_long', `too long: ${words.length} words, at most ${maxWords}`);
  return { line: r.line, prompt, tag: r.tag, spec: r.spec, words, ids: [] };
}

// Duplicates are kept (a user may repeat a prompt on purpose to get more samples) but reported,
// since they weigh that prompt twice in any average. Same words = same prompt to the model.
function findDuplicates(rows: readonly PromptRow[]): LineProblem[] {
  const firstLine = new Map<string, number>();
  const problems: LineProblem[] = [];
  for (const r of rows) {
    const key = r.words.join(' ');
    const first = firstLine.get(key);
    if (first === undefined) firstLine.set(key, r.line);
    else problems.push({ line: r.line, kind: 'duplicate', severity: 'warning', message: `duplicate of line ${first}: ${JSON.stringify(r.prompt)} (kept both)` });
  }
  return problems;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const JSONL_EXAMPLE = '{"prompt": "a photo of a red circle"}';

/** Quoted file content cut to a readable length: a pasted paragraph or a megabyte line must not swamp a message. */
const clip = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const quote = (s: string, max = 60): string => JSON.stringify(clip(s, max));

const count = (n: number): string => n.toLocaleString('en-US');
const byteSize = (n: number): string => (n < 1024 * 1024 ? `${count(n)} bytes` : `${Number((n / 1024 / 1024).toFixed(1))} MiB`);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
