// The prompt grammar, GenEval's wording: "a photo of " + what the include entries ask for.
//   one entry:               "a photo of two red circles"
//   two entries:             "a photo of a red circle and a blue square"
//   second relative to first: "a photo of a large circle below a small triangle"
// Size comes before colour ("a large red circle"); count 1 takes an article, larger counts a
// number word and the plural.
import { InputError } from '../errors.ts';
import type { Spec, SpecInclude } from './spec.ts';
import { NUMBER_WORDS, SHAPE_PLURALS, article } from './vocabulary.ts';

export const PROMPT_PREFIX = 'a photo of';

/** "a large red circle", "two circles": what one include entry asks for. */
export function entryPhrase(e: Pick<SpecInclude, 'class' | 'count' | 'color' | 'size'>): string {
  const adjectives = [e.size, e.color].filter((w) => w !== undefined);
  if (e.count === 1) {
    const words = [...adjectives, e.class];
    return `${article(words[0])} ${words.join(' ')}`;
  }
  return [NUMBER_WORDS[e.count], ...adjectives, SHAPE_PLURALS[e.class]].join(' ');
}

export function specToPrompt(spec: Pick<Spec, 'include'>): string {
  const [first, second, ...rest] = spec.include;
  if (first === undefined || rest.length > 0 || first.position !== undefined) {
    throw new InputError(`cannot phrase a spec with ${spec.include.length} include entries; the grammar has one or two, the second optionally relative to the first`);
  }
  if (second === undefined) return `${PROMPT_PREFIX} ${entryPhrase(first)}`;
  if (second.position === undefined) return `${PROMPT_PREFIX} ${entryPhrase(first)} and ${entryPhrase(second)}`;
  return `${PROMPT_PREFIX} ${entryPhrase(second)} ${second.position[0]} ${entryPhrase(first)}`;
}
