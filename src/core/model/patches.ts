// Image -> the understanding encoder's input: one row of pixels per grid cell, scaled to [-0.5, 0.5].
// Cells follow the image tokens' order (row-major), so patch i and image token i see the same cell.
import type { ModelConfig } from './config.ts';

/** image: HWC RGB uint8 [S, S, 3] on a g x g grid -> patches [g*g, c*c*3] appended to `out` at `offset`. */
export function imageToPatches(cfg: ModelConfig, image: Uint8Array, out?: Float32Array, offset = 0): Float32Array {
  const grid = Math.round(Math.sqrt(cfg.imageTokens));
  const cell = Math.round(Math.sqrt(cfg.patchDim / 3));
  const size = grid * cell;
  if (image.length !== size * size * 3) {
    throw new Error(`image has ${image.length} values; the model reads ${size}x${size} RGB (${size * size * 3})`);
  }
  const dst = out ?? new Float32Array(cfg.imageTokens * cfg.patchDim);
  let k = offset;
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      for (let y = 0; y < cell; y++) {
        const row = ((gy * cell + y) * size + gx * cell) * 3;
        for (let x = 0; x < cell * 3; x++) dst[k++] = image[row + x] / 255 - 0.5;
      }
    }
  }
  return dst;
}
