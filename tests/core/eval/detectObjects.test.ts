import { describe, expect, it } from 'vitest';
import { classifyShape, shapeFeatures } from '../../../src/core/eval/classifyShape.ts';
import { detectObjects } from '../../../src/core/eval/detectObjects.ts';
import { type Rgb, PALETTE } from '../../../src/core/world/palette.ts';
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

// Hand-painted pixels on a white 48x48 image: the detector's thresholds, each probed on both sides.
describe('detectObjects on hand-painted pixels', () => {
  const white = () => new Uint8Array(48 * 48 * 3).fill(255);
  function paint(image: Uint8Array, rgb: Rgb, x0: number, y0: number, w: number, h: number): Uint8Array {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) image.set(rgb, 3 * (y * 48 + x));
    return image;
  }
  const red = PALETTE.red;
  const summary = (image: Uint8Array) => detectObjects(image).map((d) => ({ shape: d.shape, colour: d.colour, size: d.size, box: d.box, area: d.area }));

  it('a blob of 4 pixels is an object, 3 pixels are a speck', () => {
    expect(summary(paint(white(), red, 5, 5, 2, 2))).toEqual([{ shape: null, colour: 'red', size: 'small', box: { x0: 5, y0: 5, x1: 7, y1: 7 }, area: 4 }]);
    expect(detectObjects(paint(white(), red, 5, 5, 3, 1))).toEqual([]);
  });

  it('8 px across is large, 7 small; the centre is the box centre and names the cell', () => {
    const [big] = detectObjects(paint(white(), red, 2, 3, 8, 8));
    expect(big).toMatchObject({ shape: 'square', size: 'large', box: { x0: 2, y0: 3, x1: 10, y1: 11 }, area: 64, cx: 6, cy: 7, cell: 0 });
    const [small] = detectObjects(paint(white(), PALETTE.blue, 20, 26, 7, 7));
    expect(small).toMatchObject({ shape: 'square', colour: 'blue', size: 'small', cx: 23.5, cy: 29.5, cell: 9 });
    const [tall] = detectObjects(paint(white(), red, 40, 38, 7, 8)); // the longer side decides
    expect(tall).toMatchObject({ size: 'large', cell: 15 });
  });

  it('names a colour up to 40 (RGB distance) from its palette entry, and none beyond', () => {
    const off = (d: Rgb): Rgb => [red[0] + d[0], red[1] + d[1], red[2] + d[2]];
    expect(summary(paint(white(), off([-40, 0, 0]), 5, 5, 6, 6))[0].colour).toBe('red'); // exactly 40
    expect(summary(paint(white(), off([23, 23, 23]), 5, 5, 6, 6))[0].colour).toBe('red'); // 39.8
    expect(summary(paint(white(), off([24, 24, 24]), 5, 5, 6, 6))[0].colour).toBeNull(); // 41.6
  });

  it('a blob of two colours gets none (its mean lies between palette entries)', () => {
    const image = paint(paint(white(), red, 10, 10, 3, 6), PALETTE.blue, 13, 10, 3, 6);
    expect(summary(image)).toEqual([{ shape: 'square', colour: null, size: 'small', box: { x0: 10, y0: 10, x1: 16, y1: 16 }, area: 36 }]);
  });

  it('pixels touching at a corner join (8-connected)', () => {
    const image = paint(paint(white(), red, 10, 10, 6, 6), red, 16, 16, 6, 6);
    expect(summary(image)).toEqual([{ shape: null, colour: 'red', size: 'large', box: { x0: 10, y0: 10, x1: 22, y1: 22 }, area: 72 }]);
  });

  it('a blob on the right edge does not wrap round to the next row\'s left edge', () => {
    // Pixel (47, y) and pixel (0, y + 1) are neighbours in memory, not in the picture.
    const image = paint(paint(white(), red, 42, 0, 6, 6), PALETTE.blue, 0, 1, 6, 6);
    expect(summary(image).map((d) => [d.colour, d.box.x0, d.area])).toEqual([['red', 42, 36], ['blue', 0, 36]]);
  });
});
