// Random scenes for tests: any objects in any cells, more than prompts ever ask for.
import { mulberry32 } from '../../../src/core/tensor.ts';
import { CELL_COUNT, type Scene } from '../../../src/core/world/scene.ts';
import { COLOURS, SHAPES, SIZES, pick, shuffled } from '../../../src/core/world/vocabulary.ts';

export function randomScene(seed: number, n: number): Scene {
  const rng = mulberry32(seed);
  const cells = shuffled(rng, Array.from({ length: CELL_COUNT }, (_, c) => c));
  return { objects: cells.slice(0, n).map((cell) => ({ shape: pick(rng, SHAPES), colour: pick(rng, COLOURS), size: pick(rng, SIZES), cell })) };
}
