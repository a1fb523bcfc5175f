// The word-level text tokenizer: a fixed vocabulary that covers the prompt and caption grammar
// (see promptText.ts and describeScene.ts) plus special tokens. Text is lowercased and split on
// whitespace; an unknown word is an error naming it, since a silent <unk> would let a typo reach
// the model as a different prompt. Ids are positions in TEXT_VOCABULARY and part of the model
// format: append new words at the end of their group's list only before any model is trained.
import { InputError } from '../errors.ts';
import { COLOURS, NUMBER_WORDS, SHAPES, SHAPE_PLURALS, SIZES } from './vocabulary.ts';

export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<img>'] as const;
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const IMG_ID = 3;

/** The instruction placed after the image when the understanding branch is asked for a caption. */
export const DESCRIBE_INSTRUCTION = 'describe the image';

/** The words by kind, for error messages and for analysing per-word rewards. */
export const WORD_GROUPS = {
  shapes: [...SHAPES, ...SHAPES.map((s) => SHAPE_PLURALS[s])],
  colours: [...COLOURS],
  numbers: Object.values(NUMBER_WORDS),
  relations: ['left', 'right', 'above', 'below'], // "left of": the 'of' is in other
  sizes: [...SIZES],
  other: ['a', 'an', 'photo', 'of', 'and', 'nothing', ...DESCRIBE_INSTRUCTION.split(' ')],
} as const satisfies Record<string, readonly string[]>;

export type WordGroup = keyof typeof WORD_GROUPS;

export const TEXT_VOCABULARY: readonly string[] = [...SPECIAL_TOKENS, ...Object.values(WORD_GROUPS).flat()];
export const TEXT_VOCAB_SIZE = TEXT_VOCABULARY.length;

const ID_OF = new Map(TEXT_VOCABULARY.map((w, i) => [w, i]));

/** An InputError (its name, so it stays one across the worker boundary) that also says which word. */
export class UnknownWordError extends InputError {
  constructor(readonly word: string, readonly position: number, readonly text: string) {
    const groups = Object.entries(WORD_GROUPS).map(([g, words]) => `  ${g}: ${words.join(', ')}`).join('\n');
    super(`unknown word ${JSON.stringify(word)} at position ${position} (0-based) in ${JSON.stringify(text)}; the vocabulary is:\n${groups}\n  special: ${SPECIAL_TOKENS.join(', ')}`);
  }
}

/** Word ids of the text, no special tokens added. */
/** The words of a text as the tokenizer reads them: lowercased, split on whitespace. */
export const splitWords = (text: string): string[] => text.toLowerCase().split(/\s+/).filter((w) => w !== '');

export function encode(text: string): number[] {
  const words = splitWords(text);
  return words.map((w, position) => {
    const id = ID_OF.get(w);
    if (id === undefined) throw new UnknownWordError(w, position, text);
    return id;
  });
}

/** A generation prompt's ids: <bos> words <img> (the image tokens follow). */
export const promptIds = (text: string): number[] => [BOS_ID, ...encode(text), IMG_ID];

/** The empty prompt: what prompt dropout trains on and classifier-free guidance contrasts with. */
export const UNCOND_PROMPT: readonly number[] = [BOS_ID, IMG_ID];

/** Words joined by spaces; special tokens appear as themselves ('<eos>'). */
export function decode(ids: ArrayLike<number>): string {
  return Array.from(ids, (id, i) => {
    const w = TEXT_VOCABULARY[id];
    if (w === undefined) throw new InputError(`decode: id ${id} at position ${i} is outside the vocabulary (0..${TEXT_VOCAB_SIZE - 1})`);
    return w;
  }).join(' ');
}

export function wordGroupOf(word: string): WordGroup | 'special' | null {
  if ((SPECIAL_TOKENS as readonly string[]).includes(word)) return 'special';
  for (const [g, words] of Object.entries(WORD_GROUPS)) if ((words as readonly string[]).includes(word)) return g as WordGroup;
  return null;
}
