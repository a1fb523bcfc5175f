// The ShapesEval detector: objects in a 48x48 RGB image, found from pixels alone.
// A pixel is foreground when it is nearer some palette colour than white; 8-connected foreground
// pixels form blobs. A blob's colour is the palette entry nearest its mean colour (averaging over
// its 24+ pixels cancels noise; a blob mixing two colours lands between entries and gets none),
// its shape comes from classifyShape, its size from its bounding box (stencils are 6 or 10 px
// across), its centre is the box centre.
import { InputError } from '../errors.ts';
import { BACKGROUND, PALETTE, type Rgb } from '../world/palette.ts';
import { CELL_SIZE, GRID_SIZE, IMAGE_SIZE, type PlacedObject } from '../world/scene.ts';
import { COLOURS, type Colour, type Size } from '../world/vocabulary.ts';
import { classifyShape } from './classifyShape.ts';

export interface Detection extends PlacedObject {
  /** Bounding box in pixels, x1/y1 exclusive. */
  readonly box: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number };
  readonly area: number; // pixels
  readonly cell: number; // the grid cell holding the centre
}

// Palette colours are >= 80 apart (orange-yellow) and >= 240 from white, so the foreground
// boundary lies >= 120 from white and a blob's mean colour is named when within half the closest gap.
const COLOUR_TOLERANCE = 40;
// Smaller blobs are specks of noise, not objects (the smallest stencil has 24 pixels).
const MIN_BLOB_AREA = 4;
// A small stencil is 6 px across and a large one 10.
const LARGE_MIN_EXTENT = 8;

const distance2 = (r: number, g: number, b: number, c: Rgb) => (r - c[0]) ** 2 + (g - c[1]) ** 2 + (b - c[2]) ** 2;

function foregroundMask(image: Uint8Array): Uint8Array {
  const foreground = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let p = 0; p < foreground.length; p++) {
    const [r, g, b] = [image[3 * p], image[3 * p + 1], image[3 * p + 2]];
    const toWhite = distance2(r, g, b, BACKGROUND);
    foreground[p] = COLOURS.some((c) => distance2(r, g, b, PALETTE[c]) < toWhite) ? 1 : 0;
  }
  return foreground;
}

function nameColour(r: number, g: number, b: number): Colour | null {
  let best: Colour | null = null;
  let bestD = COLOUR_TOLERANCE ** 2;
  for (const c of COLOURS) {
    const d = distance2(r, g, b, PALETTE[c]);
    if (d <= bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

export function detectObjects(image: Uint8Array): Detection[] {
  if (image.length !== IMAGE_SIZE * IMAGE_SIZE * 3) {
    throw new InputError(`detectObjects: expected a ${IMAGE_SIZE}x${IMAGE_SIZE} RGB image (${IMAGE_SIZE * IMAGE_SIZE * 3} bytes), got ${image.length} bytes`);
  }
  const foreground = foregroundMask(image);
  const seen = new Uint8Array(foreground.length);
  const detections: Detection[] = [];
  for (let start = 0; start < foreground.length; start++) {
    if (!foreground[start] || seen[start]) continue;
    const pixels = floodFill(foreground, seen, start);
    if (pixels.length >= MIN_BLOB_AREA) detections.push(describeBlob(image, pixels));
  }
  return detections;
}

// Iterative 8-connected flood fill from `start` over foreground pixels.
function floodFill(foreground: Uint8Array, seen: Uint8Array, start: number): number[] {
  const pixels: number[] = [];
  const stack = [start];
  seen[start] = 1;
  while (stack.length > 0) {
    const p = stack.pop()!;
    pixels.push(p);
    const x = p % IMAGE_SIZE;
    const y = (p - x) / IMAGE_SIZE;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= IMAGE_SIZE || ny >= IMAGE_SIZE) continue;
        const q = ny * IMAGE_SIZE + nx;
        if (seen[q] || !foreground[q]) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
  }
  return pixels;
}

function describeBlob(image: Uint8Array, pixels: readonly number[]): Detection {
  let x0 = IMAGE_SIZE;
  let y0 = IMAGE_SIZE;
  let x1 = 0;
  let y1 = 0;
  const sum = [0, 0, 0];
  for (const p of pixels) {
    const x = p % IMAGE_SIZE;
    const y = (p - x) / IMAGE_SIZE;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + 1);
    y1 = Math.max(y1, y + 1);
    for (let ch = 0; ch < 3; ch++) sum[ch] += image[3 * p + ch];
  }
  const width = x1 - x0;
  const height = y1 - y0;
  const mask = new Uint8Array(width * height);
  for (const p of pixels) {
    const x = p % IMAGE_SIZE;
    const y = (p - x) / IMAGE_SIZE;
    mask[(y - y0) * width + (x - x0)] = 1;
  }
  const n = pixels.length;
  const colour = nameColour(sum[0] / n, sum[1] / n, sum[2] / n);
  const size: Size = Math.max(width, height) >= LARGE_MIN_EXTENT ? 'large' : 'small';
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const cell = Math.min(GRID_SIZE - 1, Math.floor(cy / CELL_SIZE)) * GRID_SIZE + Math.min(GRID_SIZE - 1, Math.floor(cx / CELL_SIZE));
  return { shape: classifyShape({ width, height, mask }), colour, size, cx, cy, box: { x0, y0, x1, y1 }, area: pixels.length, cell };
}
