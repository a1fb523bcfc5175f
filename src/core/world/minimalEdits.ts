// Every one-word edit of a spec: one colour, shape, count, relation or size word swapped for
// another, the rest kept. They are the near misses a judge must reject and the distractors an
// understanding model must rank below the truth. Each edit changes a value of the spec, so the
// edited spec always asks for something else; its excludes follow the number-word rule again
// (buildSpec), so "two circles" -> "three circles" also moves the exclude from 3 to 4.
// Counts go 1..4 within the 4-object limit; "a circle" <-> "two circles" counts as one edit
// (the count word) though the noun's number changes with it. No edit gives two entries the same
// shape, which the grammar does not allow.
// Not every edit contradicts every scene of the original: "a circle left of a square" may also be
// "above" it, and "a circle" (no exclude, as in GenEval) accepts two. checkSpec tells which.
import { type Spec, type SpecInclude, buildSpec } from './spec.ts';
import { COLOURS, MAX_PROMPT_OBJECTS, NUMBER_WORDS, RELATIONS, SHAPES, SIZES } from './vocabulary.ts';

export const EDIT_KINDS = ['colour', 'shape', 'count', 'relation', 'size'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

export interface MinimalEdit {
  readonly kind: EditKind;
  readonly entry: number; // which include entry changed
  readonly from: string; // the word(s) replaced: 'red', 'two', 'left of'
  readonly to: string;
  readonly spec: Spec;
  readonly prompt: string; // spec.prompt, for convenience
}

export function minimalEdits(spec: Spec): MinimalEdit[] {
  const edits: MinimalEdit[] = [];
  const total = spec.include.reduce((n, e) => n + e.count, 0);
  const edit = (kind: EditKind, entry: number, from: string, to: string, changed: SpecInclude) => {
    const include = spec.include.map((e, i) => (i === entry ? changed : e));
    const edited = buildSpec(spec.tag, include);
    edits.push({ kind, entry, from, to, spec: edited, prompt: edited.prompt });
  };
  spec.include.forEach((e, i) => {
    if (e.color !== undefined) {
      for (const c of COLOURS) if (c !== e.color) edit('colour', i, e.color, c, { ...e, color: c });
    }
    const otherClasses = spec.include.filter((_, j) => j !== i).map((o) => o.class);
    for (const s of SHAPES) {
      if (s !== e.class && !otherClasses.includes(s)) edit('shape', i, e.class, s, { ...e, class: s });
    }
    for (let n = 1; n <= MAX_PROMPT_OBJECTS; n++) {
      if (n !== e.count && total - e.count + n <= MAX_PROMPT_OBJECTS) edit('count', i, countWord(e.count), countWord(n), { ...e, count: n });
    }
    if (e.position !== undefined) {
      const [relation, target] = e.position;
      for (const r of RELATIONS) if (r !== relation) edit('relation', i, relation, r, { ...e, position: [r, target] });
    }
    if (e.size !== undefined) {
      for (const z of SIZES) if (z !== e.size) edit('size', i, e.size, z, { ...e, size: z });
    }
  });
  return edits;
}

function countWord(n: number): string {
  return n === 1 ? 'a' : NUMBER_WORDS[n];
}
