// Batch-scoring results, one row per generated image, exported as CSV (for a spreadsheet: one
// flat row each, per-token probabilities in one "word:p word:p" column) or JSONL (one object a
// line, for scripts). Both read back to the same rows, so an export can be reloaded or compared.
import Papa from 'papaparse';
import { InputError } from '../errors.ts';
import { parseJsonLines } from '../jsonl.ts';

export interface TokenP {
  readonly word: string; // '<eos>' when the end token was scored
  readonly p: number; // the model's probability of the word given the image
}

export interface ScoredRow {
  readonly line: number; // the prompt's line in its prompt-set file
  readonly prompt: string;
  readonly tag: string | null; // category; GenEval's tag
  readonly seed: number; // sampling seed of this image
  readonly imageIndex: number; // 0-based index in the prompt's group of images
  readonly cfgScale: number; // classifier-free guidance the image was sampled with (1 = none)
  readonly reward: number; // intrinsic reward under the chosen variant (gvu/reward.ts)
  readonly lowestWord: string; // the counted word with the lowest p: what the model least sees
  readonly lowestP: number;
  readonly perToken: readonly TokenP[]; // every scored token in prompt order
  readonly judgePass: boolean | null; // ShapesEval under GenEval's rules; null when the prompt has no spec
  readonly judgeStrictPass: boolean | null; // also demands nothing extra in the image
  readonly judgeReasons: readonly string[]; // why it failed ("expected 2 red circle, found 1"); empty on a pass
}

/** CSV columns, in order; `tag` and `prompt` keep the export readable as a prompt set (parsePromptSet). */
export const RESULT_CSV_COLUMNS = [
  'line', 'prompt', 'tag', 'seed', 'image_index', 'reward', 'lowest_word', 'lowest_p',
  'judge_pass', 'judge_strict_pass', 'judge_reasons', 'per_token', 'cfg_scale',
] as const;

const REASON_SEPARATOR = ' | ';

// OWASP's CSV injection rule: a spreadsheet runs a cell that starts with = + - @ (or a tab or
// carriage return, which some strip first) as a formula, so `=HYPERLINK(...)` in a tag would be a
// live link. Such a text cell is written with a leading apostrophe, which spreadsheets show as text.
// A cell that already starts with apostrophes before one of those gets one more, so reading back
// strips exactly one and every string survives the round trip. Numeric columns are never touched:
// -0.5 stays a number.
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** A text cell as written to CSV: formula-like text is made inert. */
export function neutraliseCsvCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of neutraliseCsvCell, for reading an export back. */
export function restoreCsvCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}

export interface CsvExportOptions {
  readonly digits: number | null; // significant digits for rewards and probabilities; null writes them exactly
}

export function resultsToCsv(rows: readonly ScoredRow[], options: Partial<CsvExportOptions> = {}): string {
  const digits = options.digits ?? null;
  const num = (x: number) => (digits === null ? String(x) : String(Number(x.toPrecision(digits))));
  const text = neutraliseCsvCell;
  const data = rows.map((r) => [
    String(r.line), text(r.prompt), text(r.tag ?? ''), String(r.seed), String(r.imageIndex), num(r.reward), text(r.lowestWord), num(r.lowestP),
    bool(r.judgePass), bool(r.judgeStrictPass), text(r.judgeReasons.join(REASON_SEPARATOR)),
    text(r.perToken.map((t) => `${t.word}:${num(t.p)}`).join(' ')), String(r.cfgScale),
  ]);
  // Trailing newline so files concatenate and `wc -l` counts rows.
  return `${Papa.unparse({ fields: [...RESULT_CSV_COLUMNS], data }, { newline: '\n' })}\n`;
}

/** One JSON object per line, keys as in ScoredRow. */
export function resultsToJsonl(rows: readonly ScoredRow[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** Read a resultsToCsv export back; errors name the file and row. */
export function parseResultsCsv(text: string, fileName: string): ScoredRow[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  const bad = parsed.errors[0];
  if (bad) throw new InputError(`${fileName}: row ${(bad.row ?? 0) + 1}: CSV: ${bad.message}`);
  // cfg_scale came later: exports without it were all sampled without guidance (1).
  const missing = RESULT_CSV_COLUMNS.filter((c) => c !== 'cfg_scale' && !parsed.meta.fields?.includes(c));
  if (missing.length > 0) throw new InputError(`${fileName}: missing result columns ${missing.join(', ')}`);
  // A cell that is not a number stays a string, so the error shows what was there.
  const num = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
  return parsed.data.map((f, i) => {
    const where = `${fileName}: row ${i + 1}`;
    const reasons = restoreCsvCell(f.judge_reasons);
    return toScoredRow({
      line: num(f.line), prompt: restoreCsvCell(f.prompt), tag: f.tag === '' ? null : restoreCsvCell(f.tag), seed: num(f.seed), imageIndex: num(f.image_index),
      cfgScale: f.cfg_scale === undefined ? 1 : num(f.cfg_scale),
      reward: num(f.reward), lowestWord: restoreCsvCell(f.lowest_word), lowestP: num(f.lowest_p),
      judgePass: unbool(f.judge_pass, `${where}: judge_pass`), judgeStrictPass: unbool(f.judge_strict_pass, `${where}: judge_strict_pass`),
      judgeReasons: reasons === '' ? [] : reasons.split(REASON_SEPARATOR),
      perToken: restoreCsvCell(f.per_token).split(' ').filter((s) => s !== '').map((s) => {
        const colon = s.lastIndexOf(':');
        return { word: s.slice(0, colon), p: colon === -1 ? s : num(s.slice(colon + 1)) };
      }),
    }, where);
  });
}

/** Read a resultsToJsonl export back; errors name the file and line. */
export function parseResultsJsonl(text: string, fileName: string): ScoredRow[] {
  return parseJsonLines(text, fileName, toScoredRow);
}

const bool = (b: boolean | null) => (b === null ? '' : String(b));

function unbool(s: string, where: string): boolean | null {
  if (s === '') return null;
  if (s === 'true' || s === 'false') return s === 'true';
  throw new InputError(`${where}: ${JSON.stringify(s)} is not true, false or empty`);
}

/** Validate untrusted data as a ScoredRow; errors name the field at fault. */
function toScoredRow(value: unknown, where: string): ScoredRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${where}: expected an object`);
  const v = value as Record<string, unknown>;
  const fail = (field: string, want: string): never => {
    throw new InputError(`${where}: ${field}: expected ${want}, got ${JSON.stringify(v[field])}`);
  };
  const int = (k: string) => (Number.isInteger(v[k]) ? (v[k] as number) : fail(k, 'an integer'));
  const finite = (k: string) => (Number.isFinite(v[k]) ? (v[k] as number) : fail(k, 'a number'));
  const str = (k: string) => (typeof v[k] === 'string' ? v[k] : fail(k, 'a string'));
  const verdict = (k: string) => (v[k] === null || typeof v[k] === 'boolean' ? v[k] : fail(k, 'true, false or null'));
  const tokenP = (t: unknown, k: number): TokenP => {
    const ok = typeof t === 'object' && t !== null && typeof (t as TokenP).word === 'string' && Number.isFinite((t as TokenP).p);
    return ok ? { word: (t as TokenP).word, p: (t as TokenP).p } : fail('perToken', `{word, p} at index ${k}`);
  };
  return {
    line: int('line'),
    prompt: str('prompt'),
    tag: v.tag === null ? null : str('tag'),
    seed: int('seed'),
    imageIndex: int('imageIndex'),
    cfgScale: v.cfgScale === undefined ? 1 : finite('cfgScale'), // older exports: no guidance
    reward: finite('reward'),
    lowestWord: str('lowestWord'),
    lowestP: finite('lowestP'),
    perToken: Array.isArray(v.perToken) ? v.perToken.map(tokenP) : fail('perToken', 'an array'),
    judgePass: verdict('judgePass'),
    judgeStrictPass: verdict('judgeStrictPass'),
    judgeReasons: Array.isArray(v.judgeReasons) && v.judgeReasons.every((r) => typeof r === 'string') ? v.judgeReasons : fail('judgeReasons', 'an array of strings'),
  };
}
