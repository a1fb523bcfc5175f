// What is wrong with a prompt, in words a person reads, checked as it is typed (and for links)
// so that Generate never sends the engine a prompt it will refuse. The tokenizer stays the
// authority on words (encode); this adds the length limit and a hint for the usual slips.
import type { ModelConfig } from '../../core/model/config.ts';
import { TINY_UMM } from '../../core/model/config.ts';
import { NUMBER_WORDS } from '../../core/world/vocabulary.ts';
import { SPECIAL_TOKENS, TEXT_VOCABULARY, UnknownWordError, encode, splitWords } from '../../core/world/textTokenizer.ts';

/** Words a prompt may have: the sequence is <bos> words <img> to generate, <bos> words <eos> to score. */
export const maxPromptWords = (cfg: ModelConfig): number => cfg.maxText - 2;

const WORDS = TEXT_VOCABULARY.filter((w) => !(SPECIAL_TOKENS as readonly string[]).includes(w));
const KNOWN = new Set(WORDS);

/** Show a pasted word whole unless it would swamp the message. */
const quote = (word: string): string => JSON.stringify(word.length > 24 ? `${word.slice(0, 20)}…` : word);

/** Null when the prompt can be generated, else what is wrong and how to fix it. */
export function promptProblemOf(prompt: string, maxWords = maxPromptWords(TINY_UMM)): string | null {
  const words = splitWords(prompt);
  if (words.length === 0) return 'empty: type a prompt, e.g. "a photo of a red circle"';
  // Length first: a pasted paragraph is too long whatever its words are.
  if (words.length > maxWords) return `too long: ${words.length} words, at most ${maxWords}`;
  const special = words.findIndex((w) => (SPECIAL_TOKENS as readonly string[]).includes(w));
  // The tokenizer maps "<img>" to its id; typed, it would end the prompt early or fake the image.
  if (special >= 0) return `${quote(words[special])} at word ${special + 1} is a special token, not a word; leave it out`;
  try {
    encode(prompt);
    return null;
  } catch (err) {
    if (!(err instanceof UnknownWordError)) throw err;
    return `unknown word ${quote(err.word)} at word ${err.position + 1}; ${hintFor(err.word)}`;
  }
}

/** The likeliest fix for one unknown word. */
function hintFor(word: string): string {
  if (/^\d+$/.test(word)) {
    if (Number(word) === 1) return 'write one thing with "a": "a circle"'; // counts start at two
    const spelled = NUMBER_WORDS[Number(word)];
    return spelled ? `write numbers as words: "${spelled}"` : 'write numbers as words, two to sixteen';
  }
  // "circle." or "red,circle" or "red-circle": the same words without the punctuation.
  const parts = word.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (parts.length > 0 && parts.join(' ') !== word && parts.every((p) => KNOWN.has(p))) {
    return `leave out punctuation: "${parts.join(' ')}"`;
  }
  const near = nearestWord(word);
  if (near) return `did you mean "${near}"?`;
  if (/[^\p{ASCII}]/u.test(word)) return 'the model knows only English ShapesWorld words';
  return 'the model knows only ShapesWorld words';
}

/** The one known word within two edits (one for short words), or null when none or several tie. */
function nearestWord(word: string): string | null {
  if (word.length < 3) return null; // "x" is one edit from "a", which is no help
  let best: string | null = null;
  let bestD = word.length <= 4 ? 2 : 3; // short words: one edit, or "dog" would be a typo of many
  let tie = false;
  for (const w of WORDS) {
    const d = editDistance(word, w, bestD + 1); // exact up to bestD, so a tie is a real tie
    if (d < bestD) [best, bestD, tie] = [w, d, false];
    else if (d === bestD) tie = true;
  }
  return best && !tie ? best : null;
}

/** Levenshtein distance with adjacent swaps counted as one edit; gives up (returns cap) past cap. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return Math.min(d[a.length][b.length], cap);
}
