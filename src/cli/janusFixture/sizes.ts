// The tiny Janus fixture's sizes, in one place: every JSON file and every graph reads them from
// here, so the config the loaders see always matches the graphs they open. Real Janus-Pro-1B values
// are in comments (../shared/notes/janus-onnx.md, section 1).
import { type TensorData, randn } from '../../core/tensor.ts';

export const JANUS_TINY = {
  hidden: 32, // 2048
  layers: 2, // 24
  heads: 4, // 16
  kvHeads: 2, // 16 (GQA here so a runtime cannot confuse the two head counts)
  headDim: 8, // 128
  intermediate: 64, // 5632 (SwiGLU)
  ropeTheta: 10000,
  rmsEps: 1e-6,
  maxPositions: 256, // 16384
  vocab: 368, // 102400: 360 byte-level BPE tokens, then the 8 Janus special tokens
  // Understanding: a 32x32 image cut into 8x8 patches gives a 4x4 grid of image tokens (24x24 real).
  imageSize: 32, // 384
  patch: 8, // 16
  visionWidth: 16, // 1024 (SigLIP-L)
  // Generation: a VQ codebook of 64 codes of width 8, a 4x4 token grid decoded to 32x32 pixels.
  codebook: 64, // 16384
  codeDim: 8, // 8
  genGrid: 4, // 24
  seed: 20260114,
} as const;

export type JanusTiny = typeof JANUS_TINY;

/** Image tokens per understanding image (processor_config num_image_tokens). */
export const numImageTokens = (s: JanusTiny = JANUS_TINY): number => (s.imageSize / s.patch) ** 2;
/** Image tokens one generated image has (generation_config num_image_tokens). */
export const numGenTokens = (s: JanusTiny = JANUS_TINY): number => s.genGrid * s.genGrid;

/** A 32-bit FNV-1a hash: each weight gets its own seed from its name, so adding one moves no other. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A seeded normal weight; std 1/sqrt(fan-in) keeps activations O(1) through the random layers. */
export function weight(name: string, dims: readonly number[], std = 1 / Math.sqrt(dims[0])): TensorData<'float32'> {
  return randn('float32', dims, (JANUS_TINY.seed ^ hashName(name)) >>> 0, std);
}

/** A norm scale near 1 (1 + 0.1 N(0,1)), so a runtime that skips the scale is caught. */
export function normScale(name: string, dim: number): TensorData<'float32'> {
  const t = weight(name, [dim], 0.1);
  for (let i = 0; i < dim; i++) t.data[i] += 1;
  return t;
}
