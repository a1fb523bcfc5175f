// The fixed train / validation / test prompt sets, generated deterministically from the grammar.
// Every category's prompts are enumerated, shuffled with a fixed seed and dealt out, so no prompt
// string is in two splits. Categories that bind colours to shapes also hold out six
// (colour, shape) bindings: test prompts each use at least one of them, train and validation
// prompts use none, so test measures binding colours the model was never asked to bind.
// The world is small (1,332 distinct prompts in all), so the smallest GenEval categories go
// wholly or mostly to test: single_object has three prompts, all in test.
import { mulberry32 } from '../tensor.ts';
import { type Spec, type SpecInclude, TAGS, type Tag, buildSpec, specToJson } from './spec.ts';
import { COLOURS, type Colour, RELATIONS, SHAPES, SIZES, type Shape, shuffled } from './vocabulary.ts';

export const PROMPT_SET_SEED = 2603_06043; // the GvU paper's arXiv number
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** Bindings no train or validation prompt asks for; one per colour, two per shape. */
export const HELD_OUT_BINDINGS: readonly (readonly [Colour, Shape])[] = [
  ['red', 'triangle'], ['green', 'circle'], ['blue', 'square'],
  ['yellow', 'triangle'], ['purple', 'square'], ['orange', 'circle'],
];

/** Prompts per category in test and validation; train takes what is left. */
const QUOTAS: Readonly<Record<Tag, { test: number; val: number }>> = {
  single_object: { test: 3, val: 0 },
  two_object: { test: 4, val: 1 },
  counting: { test: 6, val: 1 },
  colors: { test: 6, val: 3 },
  position: { test: 12, val: 4 },
  color_attr: { test: 16, val: 10 },
  color_count: { test: 12, val: 6 },
  color_pos: { test: 16, val: 16 },
  pos_count: { test: 12, val: 6 },
  pos_size: { test: 16, val: 12 },
  multi_count: { test: 12, val: 6 },
};

const COUNTS = [2, 3, 4];
const orderedPairs = SHAPES.flatMap((a) => SHAPES.filter((b) => b !== a).map((b) => [a, b] as const));
const colourPairs = COLOURS.flatMap((a) => COLOURS.map((b) => [a, b] as const));

// "subject relation target" is include [target, subject at [relation, 0]], as in GenEval.
const related = (subject: Omit<SpecInclude, 'position'>, relation: (typeof RELATIONS)[number], target: SpecInclude): SpecInclude[] =>
  [target, { ...subject, position: [relation, 0] }];

/** Every prompt of a category, in a fixed order. */
export function enumerateCategory(tag: Tag): Spec[] {
  const entries: SpecInclude[][] = (() => {
    switch (tag) {
      case 'single_object': return SHAPES.map((s) => [{ class: s, count: 1 }]);
      case 'two_object': return orderedPairs.map(([a, b]) => [{ class: a, count: 1 }, { class: b, count: 1 }]);
      case 'counting': return SHAPES.flatMap((s) => COUNTS.map((n) => [{ class: s, count: n }]));
      case 'colors': return SHAPES.flatMap((s) => COLOURS.map((c) => [{ class: s, count: 1, color: c }]));
      case 'position': return orderedPairs.flatMap(([a, b]) => RELATIONS.map((r) => related({ class: a, count: 1 }, r, { class: b, count: 1 })));
      case 'color_attr': return orderedPairs.flatMap(([a, b]) => colourPairs.filter(([ca, cb]) => ca !== cb)
        .map(([ca, cb]) => [{ class: a, count: 1, color: ca }, { class: b, count: 1, color: cb }]));
      case 'color_count': return SHAPES.flatMap((s) => COLOURS.flatMap((c) => COUNTS.map((n) => [{ class: s, count: n, color: c }])));
      case 'color_pos': return orderedPairs.flatMap(([a, b]) => colourPairs.flatMap(([ca, cb]) =>
        RELATIONS.map((r) => related({ class: a, count: 1, color: ca }, r, { class: b, count: 1, color: cb }))));
      case 'pos_count': return [2, 3].flatMap((n) => orderedPairs.flatMap(([a, b]) =>
        RELATIONS.map((r) => related({ class: a, count: n }, r, { class: b, count: 1 }))));
      case 'pos_size': return orderedPairs.flatMap(([a, b]) => SIZES.flatMap((za) => SIZES.flatMap((zb) =>
        RELATIONS.map((r) => related({ class: a, count: 1, size: za }, r, { class: b, count: 1, size: zb })))));
      case 'multi_count': return orderedPairs.flatMap(([a, b]) => [[1, 2], [2, 1], [2, 2], [1, 3], [3, 1]]
        .map(([na, nb]) => [{ class: a, count: na }, { class: b, count: nb }]));
    }
  })();
  return entries.map((include) => buildSpec(tag, include));
}

export function usesHeldOutBinding(spec: Spec): boolean {
  return spec.include.some((e) => HELD_OUT_BINDINGS.some(([c, s]) => e.color === c && e.class === s));
}

export function makePromptSets(): Record<Split, Spec[]> {
  const sets: Record<Split, Spec[]> = { train: [], val: [], test: [] };
  TAGS.forEach((tag, t) => {
    const rng = mulberry32(PROMPT_SET_SEED + t);
    const all = shuffled(rng, enumerateCategory(tag));
    const held = all.filter(usesHeldOutBinding); // empty where no colour is named
    const open = all.filter((s) => !usesHeldOutBinding(s));
    const { test, val } = QUOTAS[tag];
    const testPool = held.length > 0 ? held : open;
    sets.test.push(...testPool.slice(0, test));
    const rest = held.length > 0 ? open : open.slice(test);
    sets.val.push(...rest.slice(0, val));
    sets.train.push(...rest.slice(val));
  });
  return sets;
}

/**
 * The RL prompt pool: every prompt the grammar makes except the validation and test prompts. GvU
 * needs only text, and the paper trains on ~50k GenEval-style prompts drawn from the same templates,
 * classes and colours as its benchmark; this is ShapesWorld's equivalent. Unlike train, it uses the
 * held-out colour-shape bindings (in other compositions than the test prompts).
 */
export function makePromptPool(sets: Record<Split, Spec[]>): Spec[] {
  const heldOut = new Set([...sets.val, ...sets.test].map((s) => s.prompt));
  return TAGS.flatMap((tag) => enumerateCategory(tag).filter((s) => !heldOut.has(s.prompt)));
}

export function promptSetJsonl(specs: readonly Spec[]): string {
  return specs.map((s) => `${specToJson(s)}\n`).join('');
}
