// The judge on pictures whose truth the test writes down itself: each case is a hand-placed scene,
// rendered to pixels, and the verdict a person reads off the picture under GenEval's rules. No
// truth comes from checkSpec, so a bug in the rules shows here even where the judge and the rules
// would agree with each other. Cells are row * 4 + column (row 0 at the top), 12 px each.
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/core/eval/judge.ts';
import { renderScene } from '../../../src/core/world/render.ts';
import type { SceneObject } from '../../../src/core/world/scene.ts';
import { type SpecInclude, type Tag, buildSpec } from '../../../src/core/world/spec.ts';

type Obj = Omit<SceneObject, 'size'> & { size?: SceneObject['size'] };
interface Case {
  readonly name: string;
  readonly tag: Tag;
  readonly include: readonly SpecInclude[];
  readonly scene: readonly Obj[];
  readonly pass: boolean; // GenEval's rules
  readonly strict: boolean; // and nothing more in the picture
}

const red = (shape: SceneObject['shape'], cell: number, size: SceneObject['size'] = 'large'): Obj => ({ shape, colour: 'red', cell, size });
const blue = (shape: SceneObject['shape'], cell: number, size: SceneObject['size'] = 'large'): Obj => ({ shape, colour: 'blue', cell, size });
const redCircle = { class: 'circle', count: 1, color: 'red' } as const;
const blueSquare = { class: 'square', count: 1, color: 'blue' } as const;
/** "a red circle <relation> a blue square" */
const circleTo = (relation: 'left of' | 'right of' | 'above' | 'below'): SpecInclude[] => [blueSquare, { ...redCircle, position: [relation, 0] }];

const CASES: Case[] = [
  { name: 'the red circle alone', tag: 'colors', include: [redCircle], scene: [red('circle', 5)], pass: true, strict: true },
  { name: 'a blue circle for a red one', tag: 'colors', include: [redCircle], scene: [blue('circle', 5)], pass: false, strict: false },
  { name: 'a red square for a red circle', tag: 'colors', include: [redCircle], scene: [red('square', 5)], pass: false, strict: false },
  { name: '"a circle" with two circles: GenEval accepts, strict does not', tag: 'colors', include: [redCircle], scene: [red('circle', 0), red('circle', 15)], pass: true, strict: false },
  { name: 'an extra blue square beside the asked red circle', tag: 'colors', include: [redCircle], scene: [red('circle', 0), blue('square', 10)], pass: true, strict: false },
  { name: 'two blue squares for "two"', tag: 'counting', include: [{ ...blueSquare, count: 2 }], scene: [blue('square', 0), blue('square', 10)], pass: true, strict: true },
  { name: 'three blue squares for "two" (the exclude: fewer than 3)', tag: 'counting', include: [{ ...blueSquare, count: 2 }], scene: [blue('square', 0), blue('square', 10), blue('square', 15)], pass: false, strict: false },
  { name: 'one blue square for "two"', tag: 'counting', include: [{ ...blueSquare, count: 2 }], scene: [blue('square', 0)], pass: false, strict: false },
  { name: 'a small circle where a large one is asked', tag: 'pos_size', include: [{ ...redCircle, size: 'large' }], scene: [red('circle', 5, 'small')], pass: false, strict: false },
  // Relations by GenEval's relative_position: box centres, the asked direction dominating the offset.
  { name: 'left of, same row two columns apart', tag: 'position', include: circleTo('left of'), scene: [red('circle', 4), blue('square', 6)], pass: true, strict: true },
  { name: 'left of asked, drawn right of', tag: 'position', include: circleTo('left of'), scene: [red('circle', 6), blue('square', 4)], pass: false, strict: false },
  { name: 'left of asked, same column (neither left nor right)', tag: 'position', include: circleTo('left of'), scene: [red('circle', 1), blue('square', 9)], pass: false, strict: false },
  { name: 'above, same column', tag: 'position', include: circleTo('above'), scene: [red('circle', 1), blue('square', 9)], pass: true, strict: true },
  { name: 'below asked, drawn above', tag: 'position', include: circleTo('below'), scene: [red('circle', 1), blue('square', 9)], pass: false, strict: false },
  // GenEval's relation rule on diagonals: up-left of the target is both "left of" and "above" it.
  { name: 'diagonal up-left counts as left of', tag: 'position', include: circleTo('left of'), scene: [red('circle', 0), blue('square', 5)], pass: true, strict: true },
  { name: 'diagonal up-left counts as above', tag: 'position', include: circleTo('above'), scene: [red('circle', 0), blue('square', 5)], pass: true, strict: true },
  { name: 'diagonal up-left is not right of', tag: 'position', include: circleTo('right of'), scene: [red('circle', 0), blue('square', 5)], pass: false, strict: false },
  { name: 'diagonal up-left is not below', tag: 'position', include: circleTo('below'), scene: [red('circle', 0), blue('square', 5)], pass: false, strict: false },
  { name: 'diagonal down-right counts as right of and below', tag: 'position', include: circleTo('right of'), scene: [red('circle', 15), blue('square', 10)], pass: true, strict: true },
  // Steeper diagonals: the asked direction must dominate the offset (GenEval's relative_position).
  { name: 'one column left, two rows up is not left of', tag: 'position', include: circleTo('left of'), scene: [red('circle', 0), blue('square', 9)], pass: false, strict: false },
  { name: 'one column left, two rows up is above', tag: 'position', include: circleTo('above'), scene: [red('circle', 0), blue('square', 9)], pass: true, strict: true },
  { name: 'one column right, three rows down is not right of', tag: 'position', include: circleTo('right of'), scene: [red('circle', 13), blue('square', 0)], pass: false, strict: false },
  { name: 'two columns left, three rows up is left of (just)', tag: 'position', include: circleTo('left of'), scene: [red('circle', 0), blue('square', 14)], pass: true, strict: true },
];

describe('judge on hand-placed scenes with the truth written down', () => {
  it.each(CASES)('$name', ({ tag, include, scene, pass, strict }) => {
    const spec = buildSpec(tag, include);
    const v = judge(renderScene({ objects: scene.map((o) => ({ size: 'large', ...o })) }), spec);
    expect({ prompt: spec.prompt, pass: v.pass, strict: v.strictPass }, v.reasons.join('; ')).toEqual({ prompt: spec.prompt, pass, strict });
  });

  it("the cell-margin rule, by name, still accepts the steep diagonal GenEval's rule fails", () => {
    const spec = buildSpec('position', circleTo('left of'));
    const image = renderScene({ objects: [red('circle', 0), blue('square', 9)].map((o) => ({ size: 'large' as const, ...o })) });
    expect(judge(image, spec).pass).toBe(false);
    expect(judge(image, spec, { relationRule: 'cell_margin' }).pass).toBe(true);
  });
});
