import { mulberry32 } from '../../../src/core/tensor.ts';

/** Per-channel Gaussian noise of the given standard deviation, clamped to bytes. */
export function addNoise(image: Uint8Array, sigma: number, seed: number): Uint8Array {
  const rng = mulberry32(seed);
  return image.map((v) => {
    const g = Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
    return Math.max(0, Math.min(255, Math.round(v + sigma * g)));
  });
}
