// Occlusion heatmaps for Janus, as gvu/attribution.ts does for the tiny model: paint one block of
// the image-token grid with the understanding branch's background (upstream's pad colour, 127 grey)
// and measure how much each prompt word's log p drops:
//   heat[j][b] = log p_j(image) - log p_j(image with block b painted)
// Positive: block b supports word j; negative: it argues against it. The grid is the generation
// grid (24 x 24 for Janus-Pro) laid over the image as given, so a generated image's blocks are its
// codes'; `block` codes a side per occluded block (Janus-Pro at block 4: 6 x 6 = 36 understanding
// passes, each a full ~600-token forward of the 1B model, hence selectable). One pass at a time:
// a batch of 37 such sequences would need GBs on a browser GPU.
import { AbortError, type CancelSignal, InputError } from '../../errors.ts';
import type { RgbImage } from '../family.ts';
import type { JanusModel } from './load.ts';
import { checkRgbImage } from './preprocess.ts';
import { GVU_QUESTION, understandingIds } from './prompts.ts';
import { answerLogProbs, rewardOf } from './score.ts';

export interface JanusWordHeat {
  readonly word: string; // a prompt word (pieces grouped), then '<eos>'
  readonly logp: number; // on the intact image
  readonly heat: Float32Array; // [rows * cols] row-major over the blocks
}

export interface JanusOcclusion {
  readonly rows: number; // blocks down: ceil(genGrid / block)
  readonly cols: number;
  readonly block: number;
  readonly words: readonly JanusWordHeat[];
}

export interface OcclusionOptions {
  readonly block: number; // grid cells per block side, 1 to genGrid
  readonly question?: string;
  readonly signal?: CancelSignal; // checked between passes
  readonly onProgress?: (done: number, total: number) => void; // understanding passes
}

/** The pixel box of block (r, c) when a `grid` x `grid` token grid of side `block` lies over a w x h image. */
export function blockBox(width: number, height: number, grid: number, block: number, r: number, c: number): { x0: number; x1: number; y0: number; y1: number } {
  const edge = (i: number, side: number) => Math.round((Math.min(i * block, grid) * side) / grid);
  return { x0: edge(c, width), x1: edge(c + 1, width), y0: edge(r, height), y1: edge(r + 1, height) };
}

/** A copy of the image with one box painted `fill`. */
export function paintBox(img: RgbImage, box: { x0: number; x1: number; y0: number; y1: number }, fill: readonly number[]): RgbImage {
  const data = Uint8Array.from(img.data);
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) data.set(fill, (y * img.width + x) * 3);
  return { width: img.width, height: img.height, data };
}

export async function occlusionMaps(model: JanusModel, prompt: string, image: RgbImage, opts: OcclusionOptions): Promise<JanusOcclusion> {
  const grid = model.cfg.genGrid;
  const { block } = opts;
  if (!Number.isInteger(block) || block < 1 || block > grid) throw new InputError(`heatmap block size must be a whole number of image tokens from 1 to ${grid}, got ${block}`);
  checkRgbImage(image);
  const n = Math.ceil(grid / block);
  const u = understandingIds(model.tokenizer, model.cfg, prompt, opts.question ?? GVU_QUESTION);
  const total = 1 + n * n;
  const intact = await answerLogProbs(model, u, image);
  opts.onProgress?.(1, total);
  const words = rewardOf(model, u, intact).words;
  const eos = u.answerIds.length;
  // Per word (its pieces' log p summed) and <eos>: the heat strip's entries, in its order.
  const wordLogp = (logp: Float64Array) => [...words.map((w) => w.pieces.reduce((s, k) => s + logp[k], 0)), logp[eos]];
  const base = wordLogp(intact);
  const heat = base.map(() => new Float32Array(n * n));
  for (let b = 0; b < n * n; b++) {
    if (opts.signal?.aborted) throw new AbortError(`heatmaps cancelled after ${b} of ${n * n} blocks`);
    const box = blockBox(image.width, image.height, grid, block, Math.floor(b / n), b % n);
    const occluded = wordLogp(await answerLogProbs(model, u, paintBox(image, box, model.cfg.backgroundColor)));
    occluded.forEach((lp, j) => { heat[j][b] = base[j] - lp; });
    opts.onProgress?.(b + 2, total);
  }
  return {
    rows: n, cols: n, block,
    words: [...words.map((w) => w.word), '<eos>'].map((word, j) => ({ word, logp: base[j], heat: heat[j] })),
  };
}
