import { describe, expect, it } from 'vitest';
import { classifyShape, shapeFeatures } from '../../../src/core/eval/classifyShape.ts';
import { detectObjects } from '../../../src/core/eval/detectObjects.ts';
import { renderScene, shapeStencil } from '../../../src/core/world/render.ts';
import { CELL_COUNT, CELL_SIZE, cellCentre } from '../../../src/core/world/scene.ts';
import { COLOURS, SHAPES, SIZES } from '../../../src/core/world/vocabulary.ts';
import { randomScene } from '../world/randomScene.ts';
import { addNoise } from './addNoise.ts';

function cropStencil(mask: Uint8Array) {
  const rows = [...Array(CELL_SIZE).keys()].filter((y) => mask.subarray(y * CELL_SIZE, (y + 1) * CELL_SIZE).some((v) => v));
  const cols = [...Array(CELL_SIZE).keys()].filter((x) => rows.some((y) => mask[y * CELL_SIZE + x]));
  const width = cols.length, height = rows.length;
  const out = new Uint8Array(width * height);
  rows.forEach((y, j) => cols.forEach((x, i) => { out[j * width + i] = mask[y * CELL_SIZE + x]; }));
  return { width, height, mask: out };
}

describe('classifyShape', () => {
  it('names every stencil of the renderer', () => {
    for (const shape of SHAPES) for (const size of SIZES) expect(classifyShape(cropStencil(shapeStencil(shape, size)))).toBe(shape);
  });

  it('uses fill, corners and top/bottom balance as documented', () => {
    const f = (shape: (typeof SHAPES)[number]) => shapeFeatures(cropStencil(shapeStencil(shape, 'large')));
    expect(f('square')).toMatchObject({ fill: 1, cornersSet: 4, topToBottom: 1 });
    expect(f('circle').fill).toBeCloseTo(0.88, 2);
    expect(f('circle').cornersSet).toBe(0);
    expect(f('triangle').topToBottom).toBeLessThan(0.5);
  });

  it('refuses blobs that are no shape: a bar, an upside-down triangle, a merged pair', () => {
    expect(classifyShape({ width: 10, height: 3, mask: new Uint8Array(30).fill(1) })).toBeNull();
    const tri = cropStencil(shapeStencil('triangle', 'large'));
    const flipped = new Uint8Array(tri.mask.length);
    for (let y = 0; y < tri.height; y++) flipped.set(tri.mask.subarray(y * tri.width, (y + 1) * tri.width), (tri.height - 1 - y) * tri.width);
    expect(classifyShape({ ...tri, mask: flipped })).toBeNull();
    expect(classifyShape({ width: 22, height: 10, mask: new Uint8Array(220).fill(1) })).toBeNull();
  });
});

describe('detectObjects', () => {
  it('finds every shape, colour and size in every cell, with the cell centre', () => {
    for (const shape of SHAPES) {
      for (const colour of COLOURS) {
        for (const size of SIZES) {
          const cell = (SHAPES.indexOf(shape) * 7 + COLOURS.indexOf(colour) * 3 + SIZES.indexOf(size)) % CELL_COUNT;
          const [d, ...rest] = detectObjects(renderScene({ objects: [{ shape, colour, size, cell }] }));
          expect(rest).toEqual([]);
          expect(d).toMatchObject({ shape, colour, size, cell, ...cellCentre(cell) });
        }
      }
    }
  });

  it('finds all 16 objects of a full grid (neighbours never merge)', () => {
    for (let seed = 0; seed < 20; seed++) {
      const scene = randomScene(seed, CELL_COUNT);
      const found = detectObjects(renderScene(scene)).map((d) => `${d.cell} ${d.shape} ${d.colour} ${d.size}`).sort();
      expect(found).toEqual(scene.objects.map((o) => `${o.cell} ${o.shape} ${o.colour} ${o.size}`).sort());
    }
  });

  it('still reads noisy images (per-channel noise sigma 20; measured exact up to 30)', () => {
    for (let seed = 0; seed < 30; seed++) {
      const scene = randomScene(seed, 1 + (seed % 6));
      const found = detectObjects(addNoise(renderScene(scene), 20, seed)).map((d) => `${d.cell} ${d.shape} ${d.colour} ${d.size}`).sort();
      expect(found).toEqual(scene.objects.map((o) => `${o.cell} ${o.shape} ${o.colour} ${o.size}`).sort());
    }
  });

  it('rejects images of the wrong size', () => {
    expect(() => detectObjects(new Uint8Array(10))).toThrow(/expected a 48x48 RGB image \(6912 bytes\), got 10 bytes/);
  });
});
