// The renderer: a scene (or its 16 image tokens, see imageTokens.ts) to a 48x48 RGB image.
// Flat colours, no antialiasing: every pixel is either background or exactly a palette colour, so
// the judge can be exact. Each shape is a fixed 12x12 stencil stamped into its cell, so rendering
// is deterministic by construction.
import { CELL_SIZE, IMAGE_SIZE, type Scene, cellCol, cellRow } from './scene.ts';
import { BACKGROUND, PALETTE } from './palette.ts';
import type { Shape, Size } from './vocabulary.ts';

/** Side of the shape's bounding box in pixels: small ~6, large ~10, centred in the 12-pixel cell. */
export const SHAPE_EXTENT: Readonly<Record<Size, number>> = { small: 6, large: 10 };

/** A 12x12 mask, row-major: 1 where the shape covers the pixel. */
export type Stencil = Uint8Array;

// Pixel (x, y) of a cell is tested at its centre, in coordinates relative to the cell centre.
function stencil(inside: (dx: number, dy: number) => boolean): Stencil {
  const mask = new Uint8Array(CELL_SIZE * CELL_SIZE);
  for (let y = 0; y < CELL_SIZE; y++) {
    for (let x = 0; x < CELL_SIZE; x++) {
      mask[y * CELL_SIZE + x] = inside(x + 0.5 - CELL_SIZE / 2, y + 0.5 - CELL_SIZE / 2) ? 1 : 0;
    }
  }
  return mask;
}

function squareStencil(extent: number): Stencil {
  return stencil((dx, dy) => Math.abs(dx) < extent / 2 && Math.abs(dy) < extent / 2);
}

// Radius a little past half the extent, so the rim rows are not single pixels: the large circle
// has rows 6,8,10,10,10,10,10,10,8,6 (fill 0.88 of its box), the small one 4,6,6,6,6,4 (0.89).
// Either way its four box corners are empty, which is what tells it from a square.
function circleStencil(extent: number): Stencil {
  const r = extent / 2 + 0.2;
  return stencil((dx, dy) => dx * dx + dy * dy <= r * r);
}

// Apex up, base down. Row k of n (from the top) has half-width extent/2 * (k+1)/n, so the apex row
// is 2 pixels wide and the base spans the box: rows 2,2,4,4,...,extent (fill ~0.6 of its box).
function triangleStencil(extent: number): Stencil {
  return stencil((dx, dy) => {
    const top = -extent / 2;
    const k = Math.floor(dy - top); // row index from the apex
    if (k < 0 || k >= extent) return false;
    return Math.abs(dx) <= ((extent / 2) * (k + 1)) / extent;
  });
}

const BUILDERS: Readonly<Record<Shape, (extent: number) => Stencil>> = {
  circle: circleStencil,
  square: squareStencil,
  triangle: triangleStencil,
};

const STENCILS = new Map<string, Stencil>();

export function shapeStencil(shape: Shape, size: Size): Stencil {
  const key = `${shape}/${size}`;
  let s = STENCILS.get(key);
  if (!s) {
    s = BUILDERS[shape](SHAPE_EXTENT[size]);
    STENCILS.set(key, s);
  }
  return s;
}

/** A blank (white) image. */
export function blankImage(): Uint8Array {
  return new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3).fill(BACKGROUND[0]);
}

export function renderScene(scene: Scene): Uint8Array {
  const image = blankImage();
  for (const o of scene.objects) {
    const mask = shapeStencil(o.shape, o.size);
    const [r, g, b] = PALETTE[o.colour];
    const x0 = cellCol(o.cell) * CELL_SIZE;
    const y0 = cellRow(o.cell) * CELL_SIZE;
    for (let y = 0; y < CELL_SIZE; y++) {
      for (let x = 0; x < CELL_SIZE; x++) {
        if (!mask[y * CELL_SIZE + x]) continue;
        const p = ((y0 + y) * IMAGE_SIZE + x0 + x) * 3;
        image[p] = r;
        image[p + 1] = g;
        image[p + 2] = b;
      }
    }
  }
  return image;
}
