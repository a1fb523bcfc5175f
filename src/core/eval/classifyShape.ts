// Naming a blob's shape from its pixels, with no learned weights. The renderer's stencils
// (world/render.ts) differ in ways that survive at 6 pixels across:
//   square:   fills its bounding box (fill 1.0), all four box corners set;
//   circle:   fill ~0.88, all four box corners empty, top half mirrors the bottom half;
//   triangle: fill ~0.6, much less mass in the top half than the bottom (apex up).
// Anything else (a merged pair, a fragment, a stretched box) is not a shape: null.
import type { Shape } from '../world/vocabulary.ts';

/** What classification looks at; `mask` is the blob's bounding box, row-major, 1 = blob pixel. */
export interface BlobMask {
  readonly width: number;
  readonly height: number;
  readonly mask: Uint8Array;
}

// The largest stencil is 10 px across; beyond this a blob cannot be one object.
const MAX_EXTENT = 11;
const MIN_EXTENT = 4;

export interface ShapeFeatures {
  readonly fill: number; // blob pixels / box pixels
  readonly cornersSet: number; // of the box's 4 corner pixels
  readonly topToBottom: number; // mass in the top half / mass in the bottom half
  readonly aspect: number; // width / height
}

export function shapeFeatures({ width, height, mask }: BlobMask): ShapeFeatures {
  let area = 0;
  let top = 0;
  let bottom = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      area++;
      if (2 * y + 1 < height) top++; // the middle row of an odd box counts for neither half
      else if (2 * y + 1 > height) bottom++;
    }
  }
  const at = (x: number, y: number) => mask[y * width + x];
  const cornersSet = at(0, 0) + at(width - 1, 0) + at(0, height - 1) + at(width - 1, height - 1);
  return { fill: area / (width * height), cornersSet, topToBottom: top / Math.max(bottom, 1), aspect: width / height };
}

export function classifyShape(blob: BlobMask): Shape | null {
  const extent = Math.max(blob.width, blob.height);
  if (extent < MIN_EXTENT || extent > MAX_EXTENT) return null;
  const f = shapeFeatures(blob);
  if (f.aspect < 0.75 || f.aspect > 1.34) return null;
  const balanced = f.topToBottom > 0.8 && f.topToBottom < 1.25;
  if (balanced && f.fill >= 0.95 && f.cornersSet >= 3) return 'square';
  if (balanced && f.fill >= 0.7 && f.fill < 0.95 && f.cornersSet <= 1) return 'circle';
  if (f.topToBottom < 0.7 && f.fill >= 0.4 && f.fill <= 0.8) return 'triangle';
  return null;
}
