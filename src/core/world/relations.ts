// Spatial relations between two objects, judged from their boxes. Two rules, chosen by name:
//   geneval (the default): GenEval's `relative_position` (evaluation/evaluate_images.py in
//     djghosh13/geneval). The offset between the box centres loses, on each axis, a dead band of
//     POSITION_THRESHOLD (0.1) times the two boxes' summed extents on that axis; the relation
//     holds when what is left of the asked axis is more than half the (unshrunk) offset's length.
//     So the asked direction must dominate: on the 4x4 grid one column left and one row up is
//     "left of" (and "above"), one column left and two rows up is only "above".
//   cell_margin (this project's first rule): A is left of B iff A.cx < B.cx - half a cell,
//     whatever the other axis says, so every diagonal counts for both of its directions.
import { SHAPE_EXTENT } from './render.ts';
import { CELL_SIZE } from './scene.ts';
import { RELATIONS, type Relation, type Size } from './vocabulary.ts';

export const RELATION_RULES = ['geneval', 'cell_margin'] as const;
export type RelationRule = (typeof RELATION_RULES)[number];
export const DEFAULT_RELATION_RULE: RelationRule = 'geneval';

/** cell_margin: objects in the same column are neither left nor right; a noisy centre cannot flip it. */
export const RELATION_MARGIN = CELL_SIZE / 2;
/** GenEval's default `position_threshold` option: the dead band per box extent, a fraction. */
export const GENEVAL_POSITION_THRESHOLD = 0.1;
// GenEval's test that the shrunk offset vanished on both axes (its boxes are in pixels too).
const GENEVAL_ZERO = 1e-3;

/**
 * What a relation looks at. A detection has its bounding box (x1/y1 exclusive); a scene object has
 * its size, whose stencil is SHAPE_EXTENT across; a bare centre is a point (extent 0).
 */
export interface RelationObject {
  readonly cx: number;
  readonly cy: number;
  readonly size?: Size;
  readonly box?: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number };
}

function extent(o: RelationObject): { w: number; h: number } {
  if (o.box) return { w: o.box.x1 - o.box.x0, h: o.box.y1 - o.box.y0 };
  const e = o.size ? SHAPE_EXTENT[o.size] : 0;
  return { w: e, h: e };
}

/** GenEval's relations of `subject` to `target`: 0, 1 or 2 of the four (a diagonal near 45 degrees gives 2). */
function genevalRelations(subject: RelationObject, target: RelationObject): Set<Relation> {
  const [a, b] = [extent(subject), extent(target)];
  const dx = subject.cx - target.cx;
  const dy = subject.cy - target.cy;
  const shrink = (d: number, band: number) => Math.max(Math.abs(d) - GENEVAL_POSITION_THRESHOLD * band, 0) * Math.sign(d);
  const rx = shrink(dx, a.w + b.w);
  const ry = shrink(dy, a.h + b.h);
  const out = new Set<Relation>();
  if (Math.abs(rx) < GENEVAL_ZERO && Math.abs(ry) < GENEVAL_ZERO) return out;
  const norm = Math.hypot(dx, dy);
  if (rx / norm < -0.5) out.add('left of');
  if (rx / norm > 0.5) out.add('right of');
  if (ry / norm < -0.5) out.add('above');
  if (ry / norm > 0.5) out.add('below');
  return out;
}

function cellMarginHolds(relation: Relation, subject: RelationObject, target: RelationObject): boolean {
  switch (relation) {
    case 'left of': return subject.cx < target.cx - RELATION_MARGIN;
    case 'right of': return subject.cx > target.cx + RELATION_MARGIN;
    case 'above': return subject.cy < target.cy - RELATION_MARGIN;
    case 'below': return subject.cy > target.cy + RELATION_MARGIN;
  }
}

/** Does `subject` stand in `relation` to `target` ("subject left of target") under `rule`? */
export function relationHolds(relation: Relation, subject: RelationObject, target: RelationObject, rule: RelationRule = DEFAULT_RELATION_RULE): boolean {
  return rule === 'geneval' ? genevalRelations(subject, target).has(relation) : cellMarginHolds(relation, subject, target);
}

/** Every relation that holds between the two, in RELATIONS order; empty when they (nearly) share a centre. */
export function relationsBetween(subject: RelationObject, target: RelationObject, rule: RelationRule = DEFAULT_RELATION_RULE): Relation[] {
  return RELATIONS.filter((r) => relationHolds(r, subject, target, rule));
}
