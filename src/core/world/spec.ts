// Specs: the structured form of a prompt, in GenEval's evaluation-metadata shape
//   {tag, include: [{class, count, color?, size?, position?: [relation, target]}], exclude?, prompt}
// `include` asks for at least `count` objects of the class (with the colour/size if given);
// `exclude` fails a scene holding `count` or more of the class; `position` relates an entry to an
// earlier one ("a circle left of a square" = include [square, circle with ['left of', 0]]).
// As in GenEval, exact counts come from excludes: a number word ("two circles") gets exclude
// count + 1, while "a circle" (count 1) gets none, so "a photo of a circle" accepts two circles
// (strictPass in the judge does not). `size` is our addition, used by the pos_size category.
import { InputError } from '../errors.ts';
import { specToPrompt } from './promptText.ts';
import { parseJsonLines } from '../jsonl.ts';
import {
  COLOURS, type Colour, MAX_PROMPT_OBJECTS, RELATIONS, type Relation, SHAPES, SIZES, type Shape, type Size,
  isColour, isRelation, isShape, isSize,
} from './vocabulary.ts';

/** GenEval's six categories, then the harder GenEval++-style tier. */
export const GENEVAL_TAGS = ['single_object', 'two_object', 'counting', 'colors', 'position', 'color_attr'] as const;
export const GENEVAL_PLUS_TAGS = ['color_count', 'color_pos', 'pos_count', 'pos_size', 'multi_count'] as const;
export const TAGS = [...GENEVAL_TAGS, ...GENEVAL_PLUS_TAGS] as const;
export type Tag = (typeof TAGS)[number];

export interface SpecInclude {
  readonly class: Shape;
  readonly count: number;
  readonly color?: Colour;
  readonly size?: Size;
  readonly position?: readonly [Relation, number];
}

export interface SpecExclude {
  readonly class: Shape;
  readonly count: number;
}

export interface Spec {
  readonly tag: Tag;
  readonly include: readonly SpecInclude[];
  readonly exclude: readonly SpecExclude[];
  readonly prompt: string;
}

export const isTag = (v: unknown): v is Tag => (TAGS as readonly unknown[]).includes(v);
export const isGenEvalPlusTag = (t: Tag): boolean => (GENEVAL_PLUS_TAGS as readonly string[]).includes(t);

/** A spec from its tag and include entries: excludes by the number-word rule, prompt from the grammar. */
export function buildSpec(tag: Tag, include: readonly SpecInclude[]): Spec {
  const exclude = include.filter((e) => e.count >= 2).map((e) => ({ class: e.class, count: e.count + 1 }));
  const spec = { tag, include, exclude, prompt: '' };
  return { ...spec, prompt: specToPrompt(spec) };
}

/** GenEval's JSONL line: keys in its order, `exclude` only when there is one. */
export function specToJson(spec: Spec): string {
  const { tag, include, exclude, prompt } = spec;
  return JSON.stringify(exclude.length > 0 ? { tag, include, exclude, prompt } : { tag, include, prompt });
}

/** Validate untrusted JSON as a spec; errors name the field at fault (`where` prefixes them). */
export function parseSpec(value: unknown, where = 'spec'): Spec {
  const obj = asRecord(value, where, ['tag', 'include', 'exclude', 'prompt']);
  if (!isTag(obj.tag)) throw new InputError(`${where}.tag: ${JSON.stringify(obj.tag)} is not one of ${TAGS.join(', ')}`);
  if (typeof obj.prompt !== 'string') throw new InputError(`${where}.prompt: expected a string`);
  if (!Array.isArray(obj.include) || obj.include.length === 0) {
    throw new InputError(`${where}.include: expected a non-empty array of entries`);
  }
  const include = obj.include.map((e, i) => parseInclude(e, `${where}.include[${i}]`, i));
  const exclude = obj.exclude === undefined ? [] : parseExcludes(obj.exclude, `${where}.exclude`);
  checkConsistent(include, exclude, where);
  const spec: Spec = { tag: obj.tag, include, exclude, prompt: obj.prompt };
  const expected = specToPrompt(spec);
  if (spec.prompt !== expected) {
    throw new InputError(`${where}.prompt: ${JSON.stringify(spec.prompt)} does not say what the entries ask; expected ${JSON.stringify(expected)}`);
  }
  return spec;
}

/** Specs grouped by tag, groups in order of first appearance, specs in their order. */
export function groupByTag(specs: readonly Spec[]): Map<Tag, Spec[]> {
  const groups = new Map<Tag, Spec[]>();
  for (const s of specs) {
    const group = groups.get(s.tag);
    if (group) group.push(s);
    else groups.set(s.tag, [s]);
  }
  return groups;
}

/** One spec per non-empty line; errors name the file and line. */
export function parseSpecJsonl(text: string, fileName: string): Spec[] {
  return parseJsonLines(text, fileName, parseSpec);
}

function asRecord(value: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${where}: expected an object`);
  for (const k of Object.keys(value)) {
    if (!keys.includes(k)) throw new InputError(`${where}: unknown key ${JSON.stringify(k)} (known: ${keys.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function parseCount(v: unknown, where: string, max: number): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max) {
    throw new InputError(`${where}.count: ${JSON.stringify(v)} is not an integer 1..${max}`);
  }
  return v as number;
}

function parseClass(v: unknown, where: string): Shape {
  if (!isShape(v)) throw new InputError(`${where}.class: ${JSON.stringify(v)} is not one of ${SHAPES.join(', ')}`);
  return v;
}

function parseInclude(value: unknown, where: string, index: number): SpecInclude {
  const e = asRecord(value, where, ['class', 'count', 'color', 'size', 'position']);
  const entry: { -readonly [K in keyof SpecInclude]: SpecInclude[K] } = {
    class: parseClass(e.class, where),
    count: parseCount(e.count, where, MAX_PROMPT_OBJECTS),
  };
  if (e.color !== undefined) {
    if (!isColour(e.color)) throw new InputError(`${where}.color: ${JSON.stringify(e.color)} is not one of ${COLOURS.join(', ')}`);
    entry.color = e.color;
  }
  if (e.size !== undefined) {
    if (!isSize(e.size)) throw new InputError(`${where}.size: ${JSON.stringify(e.size)} is not one of ${SIZES.join(', ')}`);
    entry.size = e.size;
  }
  if (e.position !== undefined) {
    const p = e.position;
    if (!Array.isArray(p) || p.length !== 2) throw new InputError(`${where}.position: expected [relation, index of an earlier include entry]`);
    if (!isRelation(p[0])) throw new InputError(`${where}.position[0]: ${JSON.stringify(p[0])} is not one of ${RELATIONS.join(', ')}`);
    if (!Number.isInteger(p[1]) || p[1] < 0 || p[1] >= index) {
      throw new InputError(`${where}.position[1]: ${JSON.stringify(p[1])} must index an earlier include entry (0..${index - 1})`);
    }
    entry.position = [p[0], p[1]];
  }
  return entry;
}

function parseExcludes(value: unknown, where: string): SpecExclude[] {
  if (!Array.isArray(value)) throw new InputError(`${where}: expected an array`);
  return value.map((v, i) => {
    const e = asRecord(v, `${where}[${i}]`, ['class', 'count']);
    return { class: parseClass(e.class, `${where}[${i}]`), count: parseCount(e.count, `${where}[${i}]`, MAX_PROMPT_OBJECTS + 1) };
  });
}

// Rules that keep every spec satisfiable on the grid and every prompt unambiguous.
function checkConsistent(include: readonly SpecInclude[], exclude: readonly SpecExclude[], where: string): void {
  const total = include.reduce((n, e) => n + e.count, 0);
  if (total > MAX_PROMPT_OBJECTS) throw new InputError(`${where}.include: asks for ${total} objects; at most ${MAX_PROMPT_OBJECTS}`);
  const classes = include.map((e) => e.class);
  const repeated = classes.find((c, i) => classes.indexOf(c) !== i);
  if (repeated) throw new InputError(`${where}.include: class ${repeated} appears twice; each entry must name a different shape`);
  exclude.forEach((x, i) => {
    const asked = include.find((e) => e.class === x.class)?.count ?? 0;
    if (asked >= x.count) {
      throw new InputError(`${where}.exclude[${i}]: excludes ${x.count} or more ${x.class} but include asks for ${asked}; no scene could pass`);
    }
  });
}
