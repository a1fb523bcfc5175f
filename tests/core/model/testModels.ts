// Small model configs and random weights the tests share.
import type { ModelConfig } from '../../../src/core/model/config.ts';
import type { LoraConfig } from '../../../src/core/model/lora.ts';
import { type Weights, initLora, initWeights } from '../../../src/core/model/weights.ts';
import { randn } from '../../../src/core/tensor.ts';

/** A toy model: 10 words, 5 codes, 4 image tokens, width 16 (fast graphs with every mechanism). */
export const SMALL_UMM = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
} as const;

/** The shipped model's vocabulary and image grid (ShapesWorld prompts fit it) at width 32, one layer. */
export const WORLD_UMM = {
  family: 'tiny-umm', width: 32, layers: 1, heads: 2, mlpRatio: 2, textVocab: 46, imageVocab: 37,
  imageTokens: 16, patchDim: 432, maxText: 20, maxSeq: 36,
} as const;

/**
 * A seed per tensor name for random test weights. Seeding by the name's length gave wk and wv (and
 * every other same-length pair) identical weights, so a key/value mix-up could not show.
 */
export const nameSeed = (name: string, salt = 0): number => [...name].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7 + salt);

/** Random base weights for `cfg`: every matrix and embedding normal with std `scale`, norms and biases as initWeights makes them. */
export function randomBase(cfg: ModelConfig, salt: number, scale: number): Weights {
  const w = initWeights(cfg, salt);
  for (const [k, t] of Object.entries(w)) if (!/scale|bias|_b$/.test(k)) w[k] = randn('float32', t.dims, nameSeed(k, salt), scale);
  return w;
}

/** An adapter for `cfg` whose B moved off zero (normal, std `scale`), so the adapter changes the model. */
export function movedAdapter(cfg: ModelConfig, lora: LoraConfig, salt: number, scale: number): Weights {
  const w = initLora(cfg, lora, salt);
  for (const k of Object.keys(w)) if (k.endsWith('.B')) w[k] = randn('float32', w[k].dims, nameSeed(k, salt), scale);
  return w;
}
