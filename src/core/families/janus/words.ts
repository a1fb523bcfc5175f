// BPE pieces grouped into the prompt's words, for a per-word heat strip: a piece starts a new word
// when it begins with a space (byte-level BPE writes it 'Ġ', SentencePiece '▁'). A word's
// probability is the product of its pieces' (the chain rule: p("circle") = p("cir") p("cle" | "cir")).
import type { JanusTokenizer } from './tokenizer.ts';

export interface WordSpan {
  readonly word: string; // the word's text, decoded from its pieces together (multi-byte characters intact)
  readonly start: number; // index of its first piece among the answer tokens
  readonly end: number; // one past its last piece
}

const STARTS_WORD = /^[\sĠ▁]/u;

export function groupWords(tok: JanusTokenizer, ids: readonly number[]): WordSpan[] {
  const spans: { start: number; end: number }[] = [];
  ids.forEach((id, i) => {
    const starts = i === 0 || STARTS_WORD.test(tok.piece(id)) || /^\s/u.test(tok.decode([id]));
    if (starts) spans.push({ start: i, end: i + 1 });
    else spans[spans.length - 1].end = i + 1;
  });
  return spans.map((s) => ({ ...s, word: tok.decode(ids.slice(s.start, s.end)).trim() }));
}
