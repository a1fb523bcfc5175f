// The prompt grammar read backwards: any grammatical ShapesWorld prompt -> its spec, so a prompt
// typed by hand is judged even when it is not in the shipped prompt sets. Inverts specToPrompt
// (promptText.ts) word for word:
//   prompt := "a photo of" entry [ "and" entry | relation entry ]
//   entry  := ("a" | "an") [size] [colour] shape  |  number [size] [colour] shapes
// "<B> <relation> <A>" is include [A, {...B, position: [relation, 0]}], as in GenEval. The spec is
// built with buildSpec (GenEval's excludes for number words, the canonical prompt), and its tag is
// inferred from what the prompt asks for, matching how promptSets.ts files each category; see tagOf.
import { InputError } from '../errors.ts';
import { type Spec, type SpecInclude, type Tag, buildSpec } from './spec.ts';
import { PROMPT_PREFIX } from './promptText.ts';
import { encode, splitWords } from './textTokenizer.ts';
import {
  COLOURS, type Colour, MAX_PROMPT_OBJECTS, NUMBER_WORDS, RELATIONS, type Relation, SHAPES, SHAPE_PLURALS, SIZES, type Shape,
  type Size, article, isColour, isShape, isSize,
} from './vocabulary.ts';

/** A prompt whose words are all known but do not follow the grammar; names the word at fault (1-based). */
export class PromptGrammarError extends InputError {
  constructor(message: string, readonly word: string | null, readonly position: number | null) {
    super(message);
  }
}

const PREFIX_WORDS = PROMPT_PREFIX.split(' ');
const SHAPE_OF_PLURAL = new Map(SHAPES.map((s) => [SHAPE_PLURALS[s], s]));
const COUNT_OF_WORD = new Map(Object.entries(NUMBER_WORDS).map(([n, w]) => [w, Number(n)]));
const RELATION_FIRST_WORDS = new Map(RELATIONS.map((r) => [r.split(' ')[0], r]));

const list = (words: readonly string[]) => words.join(', ');
const SIZE_WORDS = `a size (${list(SIZES)})`;
const COLOUR_WORDS = `a colour (${list(COLOURS)})`;
const shapeWords = (plural: boolean) => `a shape (${list(plural ? SHAPES.map((s) => SHAPE_PLURALS[s]) : SHAPES)})`;
const ENTRY_START = `"a", "an" or a number word (${list([2, 3, 4].map((n) => NUMBER_WORDS[n]))})`;
const RELATION_WORDS = `a relation (${list(RELATIONS)})`;

class Words {
  private i = 0;
  constructor(readonly words: readonly string[]) {}

  get at(): number {
    return this.i;
  }

  peek(): string | undefined {
    return this.words[this.i];
  }

  next(): string | undefined {
    return this.words[this.i++];
  }

  /** Throw: the word at `at` (default: the one just read) is not what the grammar expects there. */
  fail(expected: string, at = this.i - 1): never {
    const word = this.words[at];
    if (word !== undefined) this.reject(`expected ${expected}`, at);
    const last = this.words.length;
    if (last === 0) throw new PromptGrammarError(`the prompt is empty: expected "${PROMPT_PREFIX}" and what to draw`, null, null);
    throw new PromptGrammarError(`the prompt ends after word ${last} ${JSON.stringify(this.words[last - 1])}: expected ${expected}`, null, null);
  }

  /** Throw: the word at `at` (which exists) is grammatical but asks for something no spec can hold. */
  reject(problem: string, at = this.i - 1): never {
    const word = this.words[at];
    throw new PromptGrammarError(`word ${at + 1} ${JSON.stringify(word)}: ${problem}`, word, at + 1);
  }
}

interface ParsedEntry {
  readonly entry: Omit<SpecInclude, 'position'>;
  readonly shapeAt: number; // index of the shape word
  readonly startAt: number; // index of the article or number word
}

function readEntry(w: Words, objectsBefore: number): ParsedEntry {
  const startAt = w.at;
  const first = w.next();
  let count: number;
  if (first === 'a' || first === 'an') {
    count = 1;
  } else if (first !== undefined && COUNT_OF_WORD.has(first)) {
    count = COUNT_OF_WORD.get(first)!;
  } else if (first === 'nothing' && objectsBefore === 0) {
    w.reject(`"${PROMPT_PREFIX} nothing" (an empty scene) has no spec; a spec asks for at least one object`);
  } else {
    w.fail(ENTRY_START);
  }
  if (objectsBefore + count > MAX_PROMPT_OBJECTS) {
    const sum = objectsBefore > 0 ? `${objectsBefore} + ${count} = ${objectsBefore + count}` : `${count}`;
    w.reject(`${sum} objects; a prompt asks for at most ${MAX_PROMPT_OBJECTS}`);
  }
  const plural = count > 1;
  const after = plural ? `the number word ${JSON.stringify(first)}` : JSON.stringify(first);
  let size: Size | undefined;
  let color: Colour | undefined;
  let word = w.next();
  if (isSize(word)) {
    size = word;
    word = w.next();
  }
  if (isColour(word)) {
    color = word;
    word = w.next();
  }
  const shape: Shape | undefined = plural ? SHAPE_OF_PLURAL.get(word ?? '') : isShape(word) ? word : undefined;
  if (shape === undefined) {
    if (plural && isShape(word)) w.fail(`the plural ${JSON.stringify(SHAPE_PLURALS[word])} after ${after}`);
    if (!plural && word !== undefined && SHAPE_OF_PLURAL.has(word)) w.fail(`the singular ${JSON.stringify(SHAPE_OF_PLURAL.get(word))} after ${after}`);
    const shapes = shapeWords(plural);
    if (color !== undefined) w.fail(`${shapes} after the colour${isSize(word) ? ' (a size comes before the colour)' : ''}`);
    if (size !== undefined) w.fail(`${COLOUR_WORDS} or ${shapes} after the size`);
    w.fail(`${SIZE_WORDS}, ${COLOUR_WORDS} or ${shapes} after ${after}`);
  }
  const shapeAt = w.at - 1;
  if (!plural) {
    const right = article([size, color, shape].find((x) => x !== undefined)!);
    if (first !== right) w.fail(`${JSON.stringify(right)} before ${JSON.stringify(w.words[startAt + 1])}`, startAt);
  }
  const entry: { -readonly [K in keyof SpecInclude]: SpecInclude[K] } = { class: shape, count };
  if (color !== undefined) entry.color = color;
  if (size !== undefined) entry.size = size;
  return { entry, shapeAt, startAt };
}

/**
 * The tag a prompt is filed under. Grammatical prompts that no category generates (a size without
 * a relation, one colour of two, counts with colours in two entries, ...) take the closest one.
 */
export function tagOf(include: readonly SpecInclude[]): Tag {
  const counted = include.some((e) => e.count > 1);
  const coloured = include.some((e) => e.color !== undefined);
  const sized = include.some((e) => e.size !== undefined);
  if (include.some((e) => e.position !== undefined)) {
    // Relations: the categories each add one attribute; with several, count beats colour beats size.
    return counted ? 'pos_count' : coloured ? 'color_pos' : sized ? 'pos_size' : 'position';
  }
  // No relation: size is ignored (only pos_size asks for sizes); counts with colours are color_count.
  if (counted && coloured) return 'color_count';
  if (include.length === 1) return counted ? 'counting' : coloured ? 'colors' : 'single_object';
  return counted ? 'multi_count' : coloured ? 'color_attr' : 'two_object';
}

/**
 * The spec of a grammatical prompt (case and spacing are free; the spec's prompt is canonical).
 * Throws an InputError for anything else: UnknownWordError for a word outside the vocabulary,
 * PromptGrammarError naming the word, its position and what the grammar expected there.
 */
export function promptToSpec(text: string): Spec {
  if (typeof (text as unknown) !== 'string') throw new InputError(`a prompt must be a string, not ${typeof (text as unknown)}`);
  encode(text); // unknown words: UnknownWordError, as everywhere else
  const w: Words = new Words(splitWords(text));
  for (const p of PREFIX_WORDS) {
    if (w.next() !== p) w.fail(`${JSON.stringify(p)} (every prompt begins "${PROMPT_PREFIX}")`);
  }
  const first = readEntry(w, 0);
  const joiner = w.next();
  if (joiner === undefined) return buildSpec(tagOf([first.entry]), [first.entry]);
  let relation: Relation | undefined;
  if (joiner !== 'and') {
    relation = RELATION_FIRST_WORDS.get(joiner);
    if (relation === undefined) w.fail(`"and", ${RELATION_WORDS} or the end of the prompt after the first object`);
    if (relation.includes(' ') && w.next() !== 'of') w.fail(`"of" after ${JSON.stringify(joiner)} (${relation})`);
  }
  const second = readEntry(w, first.entry.count);
  if (second.entry.class === first.entry.class) {
    w.reject(`${first.entry.class} is named twice; each object must be a different shape`, second.shapeAt);
  }
  if (w.next() !== undefined) w.fail('the end of the prompt (a prompt names at most two objects)');
  const include: SpecInclude[] = relation === undefined
    ? [first.entry, second.entry]
    : [second.entry, { ...first.entry, position: [relation, 0] }];
  return buildSpec(tagOf(include), include);
}

export type SpecLookup =
  | { readonly spec: Spec; readonly source: 'shipped' | 'grammar'; readonly reason: null }
  | { readonly spec: null; readonly source: null; readonly reason: string };

/**
 * A prompt's spec: from the shipped prompt sets when it is there (their tag wins), else read from
 * the grammar; when neither gives one, `reason` is the parse error's message.
 */
export function lookupSpec(prompt: string, shipped: ReadonlyMap<string, Spec>): SpecLookup {
  const fromSet = shipped.get(prompt);
  if (fromSet) return { spec: fromSet, source: 'shipped', reason: null };
  try {
    return { spec: promptToSpec(prompt), source: 'grammar', reason: null };
  } catch (err) {
    return { spec: null, source: null, reason: err instanceof Error ? err.message : String(err) };
  }
}
