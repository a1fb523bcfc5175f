// Spatial relations between two objects, judged from their centres as GenEval does, but with a
// fixed margin instead of GenEval's angle test: A is left of B iff A.cx < B.cx - margin.
// Half a cell is the margin: objects in the same column (equal cx) are neither left nor right of
// each other, objects one column apart (12 px) are, and a noisy centre estimate (off by a pixel
// or two) cannot flip the answer.
import { CELL_SIZE } from './scene.ts';
import { RELATIONS, type Relation } from './vocabulary.ts';

export const RELATION_MARGIN = CELL_SIZE / 2;

interface Centre {
  readonly cx: number;
  readonly cy: number;
}

/** Does `subject` stand in `relation` to `target` ("subject left of target")? */
export function relationHolds(relation: Relation, subject: Centre, target: Centre): boolean {
  switch (relation) {
    case 'left of': return subject.cx < target.cx - RELATION_MARGIN;
    case 'right of': return subject.cx > target.cx + RELATION_MARGIN;
    case 'above': return subject.cy < target.cy - RELATION_MARGIN;
    case 'below': return subject.cy > target.cy + RELATION_MARGIN;
  }
}

/** Every relation that holds between the two; empty only when they share a centre. */
export function relationsBetween(subject: Centre, target: Centre): Relation[] {
  return RELATIONS.filter((r) => relationHolds(r, subject, target));
}
