// Where in the image is the evidence for each prompt word? Occlusion attribution: blank one grid
// cell at a time (paint it background) and measure how much each word's log p_j drops.
//   heat[j][c] = log p_j(image) - log p_j(image with cell c blanked)
// Positive: cell c supports word j; negative: cell c argues against it (e.g. an extra object for a
// count word). One scorer batch of (1 + cells) rows per image; cells follow the image-token grid.
import type { ModelConfig } from '../model/config.ts';
import type { Weights } from '../model/weights.ts';
import type { ModelSession } from '../runtime/session.ts';
import { BACKGROUND, CELL_SIZE, GRID_SIZE, IMAGE_SIZE } from '../world/index.ts';
import type { RewardOptions } from './reward.ts';
import { scoreImages } from './scoreImages.ts';

export interface WordHeatmap {
  readonly word: string; // '<eos>' when scored
  readonly logp: number; // on the intact image
  readonly heat: Float32Array; // [GRID_SIZE * GRID_SIZE], row-major like the image tokens
}

/** A copy of the image with one grid cell painted background. HWC uint8. */
export function occludeCell(image: Uint8Array, cell: number): Uint8Array {
  const out = Uint8Array.from(image);
  const [row, col] = [Math.floor(cell / GRID_SIZE), cell % GRID_SIZE];
  for (let y = row * CELL_SIZE; y < (row + 1) * CELL_SIZE; y++) {
    for (let x = col * CELL_SIZE; x < (col + 1) * CELL_SIZE; x++) out.set(BACKGROUND, (y * IMAGE_SIZE + x) * 3);
  }
  return out;
}

export async function occlusionHeatmaps(
  cfg: ModelConfig, weights: Weights, scorer: ModelSession, image: Uint8Array, prompt: string, options: Partial<RewardOptions> = {},
): Promise<WordHeatmap[]> {
  const cells = GRID_SIZE * GRID_SIZE;
  const items = [image, ...Array.from({ length: cells }, (_, c) => occludeCell(image, c))].map((im) => ({ image: im, prompt }));
  const [intact, ...occluded] = await scoreImages(cfg, weights, scorer, items, { ...options, includeEos: true }, cells + 1);
  return intact.tokens.map((t, j) => ({
    word: t.word,
    logp: t.logp,
    heat: Float32Array.from(occluded, (o) => t.logp - o.tokens[j].logp),
  }));
}
