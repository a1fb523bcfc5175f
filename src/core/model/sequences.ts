// Packing token sequences into the model's fixed layouts, with their positions and additive
// attention masks (0 = may attend, -1e9 = may not). Plain arrays in, TensorData out.
import { type TensorData, tensor } from '../tensor.ts';
import type { ModelConfig } from './config.ts';

export const NEG = -1e9;

/**
 * Generation inputs for prompts (text ids, each ending with the <img> marker) and optional image
 * codes (teacher forcing). Prompts are left-padded to maxText; pads are masked out as keys and
 * positions count from each prompt's first real token.
 */
export function packGeneration(cfg: ModelConfig, prompts: readonly (readonly number[])[], codes?: readonly (readonly number[])[]) {
  const [t, n] = [cfg.maxText, codes ? cfg.imageTokens : 0];
  const len = t + n;
  const b = prompts.length;
  const ids = new Int32Array(b * len);
  const positions = new Int32Array(b * len);
  const mask = new Float32Array(b * len * len);
  prompts.forEach((prompt, i) => {
    if (prompt.length > t) throw new Error(`prompt ${i} has ${prompt.length} tokens, the model takes at most ${t}`);
    const pad = t - prompt.length;
    prompt.forEach((id, j) => (ids[i * len + pad + j] = id));
    codes?.[i].forEach((c, j) => (ids[i * len + t + j] = cfg.textVocab + c));
    for (let s = 0; s < len; s++) positions[i * len + s] = Math.max(0, s - pad);
    for (let q = 0; q < len; q++) {
      for (let k = 0; k < len; k++) mask[(i * len + q) * len + k] = k <= q && k >= pad ? 0 : NEG;
    }
  });
  return {
    ids: tensor('int32', [b, len], ids),
    positions: tensor('int32', [b, len], positions),
    mask: tensor('float32', [b, 1, len, len], mask),
    pads: prompts.map((p) => t - p.length),
  };
}

/** Decode-step inputs: one new image code per row at absolute step `s` (0-based after the prompt). */
export function packDecodeStep(cfg: ModelConfig, codes: readonly number[], step: number, pads: readonly number[]) {
  const b = codes.length;
  const past = cfg.maxText + step; // keys already cached
  const s = past + 1;
  const mask = new Float32Array(b * s);
  pads.forEach((pad, i) => {
    for (let k = 0; k < s; k++) mask[i * s + k] = k >= pad ? 0 : NEG;
  });
  return {
    ids: tensor('int32', [b, 1], codes.map((c) => cfg.textVocab + c)),
    positions: tensor('int32', [b, 1], pads.map((pad) => past - pad)),
    mask: tensor('float32', [b, 1, 1, s], mask),
  };
}

/**
 * Understanding inputs: per-cell pixels [B, N, P] and captions (<bos> words <eos>) right-padded
 * to maxText. weights[b, j] = 1 where token j+1 is real, so padding never counts.
 * The image is a prefix every cell sees whole (as a ViT encoder would); text stays causal. With a
 * causal image, a cell could not see the cells after it, and the caption's relation word found no
 * "left of the other object" feature to read: relations stayed at chance while colour, shape and
 * binding were learned (a linear probe found the subject's column in its own cell's state, 0.99,
 * but not in the text token that predicts the relation, 0.28).
 */
export function packUnderstanding(cfg: ModelConfig, pixels: Float32Array, captions: readonly (readonly number[])[]) {
  const [n, t] = [cfg.imageTokens, cfg.maxText];
  const len = n + t;
  const b = captions.length;
  if (pixels.length !== b * n * cfg.patchDim) {
    throw new Error(`pixels: ${pixels.length} values for ${b} images of ${n} x ${cfg.patchDim}`);
  }
  const ids = new Int32Array(b * t);
  const positions = new Int32Array(b * len);
  const mask = new Float32Array(b * len * len);
  const weights = new Float32Array(b * (t - 1));
  captions.forEach((cap, i) => {
    if (cap.length > t) throw new Error(`caption ${i} has ${cap.length} tokens, the model takes at most ${t}`);
    cap.forEach((id, j) => (ids[i * t + j] = id));
    for (let j = 1; j < cap.length; j++) weights[i * (t - 1) + j - 1] = 1;
    for (let s = 0; s < len; s++) positions[i * len + s] = s;
    for (let q = 0; q < len; q++) for (let k = 0; k < len; k++) mask[(i * len + q) * len + k] = k <= q || k < n ? 0 : NEG;
  });
  return {
    pixels: tensor('float32', [b, n, cfg.patchDim], pixels),
    ids: tensor('int32', [b, t], ids),
    positions: tensor('int32', [b, len], positions),
    mask: tensor('float32', [b, 1, len, len], mask),
    weights: tensor('float32', [b, t - 1], weights),
  };
}

export type GenerationBatch = ReturnType<typeof packGeneration>;
export type UnderstandingBatch = ReturnType<typeof packUnderstanding>;
export type { TensorData };
