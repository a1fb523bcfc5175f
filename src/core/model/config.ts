// The one config every model builder takes first. Saved beside the weights; validation names the
// field at fault.

export interface ModelConfig {
  readonly family: 'tiny-umm';
  readonly width: number; // D
  readonly layers: number;
  readonly heads: number;
  readonly mlpRatio: number; // hidden = mlpRatio * D
  readonly textVocab: number; // Vt: word tokens (ids [0, Vt))
  readonly imageVocab: number; // Vi: image codes (ids [Vt, Vt + Vi) in the shared embedding)
  readonly imageTokens: number; // tokens per image (4x4 grid = 16)
  readonly patchDim: number; // pixels per image cell fed to the understanding encoder (12*12*3)
  readonly maxText: number; // text tokens per sequence (prompts left-padded, captions right-padded)
  readonly maxSeq: number; // position embedding rows (>= imageTokens + maxText)
}

/** The shipped default: ShapesWorld's 46 words and 37 cell codes, 48x48 images as 4x4 cells. */
export const TINY_UMM: ModelConfig = {
  family: 'tiny-umm',
  width: 128,
  layers: 4,
  heads: 4,
  mlpRatio: 4,
  textVocab: 46,
  imageVocab: 37,
  imageTokens: 16,
  patchDim: 432,
  maxText: 20,
  maxSeq: 36,
};

const POSITIVE_INTS: readonly (keyof ModelConfig)[] = [
  'width', 'layers', 'heads', 'mlpRatio', 'textVocab', 'imageVocab', 'imageTokens', 'patchDim', 'maxText', 'maxSeq',
];

export function validateConfig(raw: unknown): ModelConfig {
  if (!raw || typeof raw !== 'object') throw new Error('model config: expected an object');
  const c = raw as Record<string, unknown>;
  if (c.family !== 'tiny-umm') throw new Error(`model config: family must be 'tiny-umm', got ${JSON.stringify(c.family)}`);
  for (const k of POSITIVE_INTS) {
    if (!Number.isInteger(c[k]) || (c[k] as number) <= 0) throw new Error(`model config: ${k} must be a positive integer, got ${JSON.stringify(c[k])}`);
  }
  const known = new Set<string>(['family', ...POSITIVE_INTS]);
  const unknown = Object.keys(c).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`model config: unknown fields ${unknown.join(', ')}`);
  const cfg = c as unknown as ModelConfig;
  if (cfg.width % cfg.heads !== 0) throw new Error(`model config: width ${cfg.width} is not divisible by heads ${cfg.heads}`);
  if (cfg.maxSeq < cfg.imageTokens + cfg.maxText) {
    throw new Error(`model config: maxSeq ${cfg.maxSeq} < imageTokens + maxText = ${cfg.imageTokens + cfg.maxText}`);
  }
  return cfg;
}

export const headSize = (cfg: ModelConfig): number => cfg.width / cfg.heads;
