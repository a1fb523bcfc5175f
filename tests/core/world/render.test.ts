import { describe, expect, it } from 'vitest';
import { BACKGROUND, PALETTE } from '../../../src/core/world/palette.ts';
import { SHAPE_EXTENT, renderScene, shapeStencil } from '../../../src/core/world/render.ts';
import { CELL_SIZE, IMAGE_SIZE, validateScene } from '../../../src/core/world/scene.ts';
import { SHAPES, SIZES } from '../../../src/core/world/vocabulary.ts';
import { randomScene } from './randomScene.ts';

function boxOf(mask: Uint8Array): { w: number; h: number; x0: number; y0: number } {
  let x0 = CELL_SIZE, y0 = CELL_SIZE, x1 = 0, y1 = 0;
  mask.forEach((v, i) => {
    if (!v) return;
    const x = i % CELL_SIZE, y = Math.floor(i / CELL_SIZE);
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
  });
  return { w: x1 - x0, h: y1 - y0, x0, y0 };
}

describe('renderScene', () => {
  it('is deterministic: the same scene gives the same bytes, a fresh copy of the scene too', () => {
    for (let seed = 0; seed < 20; seed++) {
      const a = renderScene(randomScene(seed, 1 + (seed % 6)));
      const b = renderScene(structuredClone(randomScene(seed, 1 + (seed % 6))));
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    }
  });

  it('draws a 48x48 RGB image of white plus exactly the palette colours of the objects', () => {
    const scene = randomScene(3, 5);
    const image = renderScene(scene);
    expect(image.length).toBe(IMAGE_SIZE * IMAGE_SIZE * 3);
    const allowed = new Set([BACKGROUND, ...scene.objects.map((o) => PALETTE[o.colour])].map((c) => c.join(',')));
    const seen = new Set<string>();
    for (let p = 0; p < IMAGE_SIZE * IMAGE_SIZE; p++) seen.add(Array.from(image.subarray(3 * p, 3 * p + 3)).join(','));
    expect([...seen].sort()).toEqual([...allowed].sort());
  });

  it('renders an empty scene as all white', () => {
    expect(renderScene({ objects: [] }).every((v) => v === 255)).toBe(true);
  });

  it('centres every stencil in its cell with the size extent, leaving the cell border free so objects never touch', () => {
    for (const shape of SHAPES) {
      for (const size of SIZES) {
        const box = boxOf(shapeStencil(shape, size));
        expect([box.w, box.h]).toEqual([SHAPE_EXTENT[size], SHAPE_EXTENT[size]]);
        expect(box.x0).toBe((CELL_SIZE - SHAPE_EXTENT[size]) / 2);
        expect(box.y0).toBe((CELL_SIZE - SHAPE_EXTENT[size]) / 2);
      }
    }
  });

  it('gives shapes of the same size different pixel sets', () => {
    for (const size of SIZES) {
      const masks = SHAPES.map((s) => Buffer.from(shapeStencil(s, size)).toString('hex'));
      expect(new Set(masks).size).toBe(SHAPES.length);
    }
  });

  it('rejects invalid scenes naming the object at fault', () => {
    expect(() => validateScene({ objects: [{ shape: 'circle', colour: 'red', size: 'small', cell: 3 }, { shape: 'square', colour: 'red', size: 'small', cell: 3 }] }))
      .toThrow(/scene.objects\[1\].cell: cell 3 already holds another object/);
    expect(() => validateScene({ objects: [{ shape: 'hexagon' as never, colour: 'red', size: 'small', cell: 0 }] })).toThrow(/objects\[0\].shape: unknown shape "hexagon"/);
    expect(() => validateScene({ objects: [{ shape: 'circle', colour: 'red', size: 'small', cell: 16 }] })).toThrow(/not a cell index 0..15/);
  });
});
