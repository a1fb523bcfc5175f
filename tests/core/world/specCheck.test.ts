import { describe, expect, it } from 'vitest';
import type { PlacedObject } from '../../../src/core/world/scene.ts';
import { buildSpec } from '../../../src/core/world/spec.ts';
import { checkSpec } from '../../../src/core/world/specCheck.ts';

const obj = (shape: PlacedObject['shape'], colour: PlacedObject['colour'], col: number, row: number, size: PlacedObject['size'] = 'large'): PlacedObject =>
  ({ shape, colour, size, cx: 12 * col + 6, cy: 12 * row + 6 });

describe('checkSpec (GenEval rules)', () => {
  it('include asks for at least count; extra objects fail only strictPass', () => {
    const spec = buildSpec('single_object', [{ class: 'circle', count: 1 }]);
    expect(checkSpec([obj('circle', 'red', 0, 0)], spec)).toMatchObject({ pass: true, strictPass: true, reasons: [] });
    const two = checkSpec([obj('circle', 'red', 0, 0), obj('circle', 'blue', 1, 0)], spec);
    expect(two).toMatchObject({ pass: true, strictPass: false });
    expect(two.reasons[0]).toMatch(/^not asked for: large/);
    expect(checkSpec([], spec)).toMatchObject({ pass: false, reasons: ['expected 1 circle, found 0'] });
  });

  it('counting excludes count + 1, whatever the colour', () => {
    const spec = buildSpec('color_count', [{ class: 'circle', count: 2, color: 'red' }]);
    const objects = [obj('circle', 'red', 0, 0), obj('circle', 'red', 1, 0)];
    expect(checkSpec(objects, spec).strictPass).toBe(true);
    expect(checkSpec(objects.slice(1), spec).reasons).toEqual(['expected 2 red circle, found 1']);
    const extraBlue = checkSpec([...objects, obj('circle', 'blue', 2, 0)], spec);
    expect(extraBlue.pass).toBe(false);
    expect(extraBlue.reasons[0]).toBe('expected fewer than 3 circle, found 3');
  });

  it('binds colour and size to their own entry', () => {
    const spec = buildSpec('color_attr', [{ class: 'circle', count: 1, color: 'red' }, { class: 'square', count: 1, color: 'blue' }]);
    expect(checkSpec([obj('circle', 'red', 0, 0), obj('square', 'blue', 1, 1)], spec).pass).toBe(true);
    const swapped = checkSpec([obj('circle', 'blue', 0, 0), obj('square', 'red', 1, 1)], spec);
    expect(swapped.pass).toBe(false);
    expect(swapped.reasons.slice(0, 2)).toEqual(['expected 1 red circle, found 0', 'expected 1 blue square, found 0']);
    const sized = buildSpec('pos_size', [{ class: 'square', count: 1, size: 'small' }, { class: 'circle', count: 1, size: 'large', position: ['below', 0] }]);
    expect(checkSpec([obj('square', 'red', 0, 0, 'small'), obj('circle', 'red', 0, 1, 'large')], sized).strictPass).toBe(true);
    expect(checkSpec([obj('square', 'red', 0, 0, 'large'), obj('circle', 'red', 0, 1, 'large')], sized).pass).toBe(false);
  });

  it('position holds for every chosen subject against every chosen target, and says what it saw', () => {
    const spec = buildSpec('pos_count', [{ class: 'square', count: 1 }, { class: 'circle', count: 2, position: ['left of', 0] }]);
    const square = obj('square', 'red', 2, 1);
    expect(checkSpec([square, obj('circle', 'red', 0, 0), obj('circle', 'red', 1, 2)], spec).strictPass).toBe(true);
    // One column left and two rows down: GenEval's rule says "below" only; the cell-margin rule also "left of".
    const steep = [square, obj('circle', 'red', 0, 0), obj('circle', 'red', 1, 3)];
    expect(checkSpec(steep, spec).reasons[0]).toBe('expected 2 circle left of square, found a circle below a square');
    expect(checkSpec(steep, spec, { relationRule: 'cell_margin' }).strictPass).toBe(true);
    const oneRight = checkSpec([square, obj('circle', 'red', 0, 0), obj('circle', 'red', 3, 1)], spec);
    expect(oneRight.pass).toBe(false);
    expect(oneRight.reasons[0]).toBe('expected 2 circle left of square, found a circle right of a square');
    // Same column: neither left nor right.
    const sameColumn = checkSpec([square, obj('circle', 'red', 2, 0), obj('circle', 'red', 0, 0)], spec);
    expect(sameColumn.reasons[0]).toBe('expected 2 circle left of square, found a circle above a square');
  });

  it('finds a passing choice among surplus objects (pass), which strictPass still rejects', () => {
    const spec = buildSpec('position', [{ class: 'square', count: 1 }, { class: 'circle', count: 1, position: ['above', 0] }]);
    const v = checkSpec([obj('circle', 'red', 0, 3), obj('square', 'red', 0, 2), obj('circle', 'red', 0, 0)], spec);
    expect(v).toMatchObject({ pass: true, strictPass: false, chosen: [[1], [2]] });
  });

  it('never matches unnamed blobs to an entry', () => {
    const spec = buildSpec('single_object', [{ class: 'circle', count: 1 }]);
    const v = checkSpec([{ shape: null, colour: 'red', size: 'large', cx: 6, cy: 6 }], spec);
    expect(v.pass).toBe(false);
    expect(v.reasons[1]).toMatch(/not asked for: large red unknown shape/);
  });
});
