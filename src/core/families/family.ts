// What a model family offers the engine worker, the CLI and the views: a loaded model that can
// generate a group of images and score images against a prompt, plus the capabilities that say
// what else it can do. Callers branch on capabilities, never on which family it is (DESIGN.md,
// "Model families"). The tiny UMM still runs through its own code paths; it implements this
// interface when the worker moves over (not part of this change: others are editing the worker).
import type { CancelSignal } from '../errors.ts';
import type { RewardOptions } from '../gvu/reward.ts';
import type { TokenFilter } from '../gvu/sampleToken.ts';

export type FamilyId = 'tiny-umm' | 'janus';

/**
 * Which family a folder's config.json describes, or null: the project's own config says
 * family 'tiny-umm'; a transformers.js MultiModality export says model_type 'multi_modality'.
 */
export function familyOfConfig(config: unknown): FamilyId | null {
  if (typeof config !== 'object' || config === null) return null;
  const c = config as { family?: unknown; model_type?: unknown };
  if (c.family === 'tiny-umm') return 'tiny-umm';
  if (c.model_type === 'multi_modality') return 'janus';
  return null;
}

/** An RGB image: [height, width, 3] uint8, no alpha. Decoding PNG/JPEG is the caller's job. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface FamilyCapabilities {
  readonly generate: boolean; // text-to-image groups
  readonly score: boolean; // the intrinsic reward (per-word p of the prompt given the image)
  readonly train: boolean; // GvU (GRPO on a LoRA adapter): needs training graphs the project can build
  readonly occlusionMaps: boolean; // per-word heatmaps over the image
  readonly guidance: boolean; // classifier-free guidance (cfgScale != 1)
  readonly freeText: boolean; // any prompt text (a BPE tokenizer), not only a fixed word list
  readonly imageTokens: { readonly rows: number; readonly cols: number }; // the generated code grid
  readonly imageVocab: number | null; // codes an image token is drawn from (top-k's limit); null: the folder does not say
  readonly understandingSize: number; // side of the square image the understanding branch reads
}

export interface GenerateRequest extends TokenFilter {
  readonly prompt: string;
  readonly seeds: readonly number[]; // one per image: G = seeds.length; a seed names an image
  readonly cfgScale: number; // 1 = no guidance
  readonly onProgress?: (codesDone: number, codesTotal: number) => void;
  readonly signal?: CancelSignal;
}

export interface FamilyImage {
  readonly seed: number;
  readonly codes: Int32Array; // [rows * cols] raster order
  readonly policyLogp: Float32Array; // per code, under the sampling policy
  readonly modelLogp: Float32Array; // per code, under the conditional model
  readonly image: RgbImage;
}

export interface WordP {
  readonly word: string;
  readonly p: number;
}

export interface FamilyScore {
  readonly reward: number; // under the chosen RewardOptions variant
  readonly words: readonly WordP[]; // the prompt's words (a multi-piece word: its pieces' product)
  readonly tokens: readonly WordP[]; // every scored token, the reward's own units
  readonly lowest: WordP; // the word the model least sees
}

export interface ScoreRequest extends Partial<RewardOptions> {
  readonly prompt: string;
  readonly images: readonly RgbImage[];
  readonly signal?: CancelSignal; // checked between images
}

export interface OcclusionRequest {
  readonly prompt: string;
  readonly image: RgbImage;
  readonly block: number; // image tokens per occluded block side
  readonly signal?: CancelSignal; // checked between understanding passes
  readonly onProgress?: (done: number, total: number) => void;
}

export interface FamilyOcclusion {
  readonly rows: number; // blocks down and across the image
  readonly cols: number;
  readonly block: number;
  // The heat strip's entries in its order (the prompt's words, then '<eos>'): log p on the intact
  // image and, per block, log p(intact) - log p(block painted background).
  readonly words: readonly { readonly word: string; readonly logp: number; readonly heat: Float32Array }[];
}

/** The default occluded block side: the smallest that keeps a map at most 6 x 6 blocks (36 understanding passes). */
export const defaultOcclusionBlock = (grid: number): number => Math.max(1, Math.ceil(grid / 6));

export interface ModelFamily {
  readonly id: FamilyId;
  readonly description: string; // for the Model view and run logs: "Janus (multi_modality ONNX), language_model q4"
  readonly capabilities: FamilyCapabilities;
  generate(req: GenerateRequest): Promise<FamilyImage[]>;
  score(req: ScoreRequest): Promise<FamilyScore[]>;
  occlusionMaps(req: OcclusionRequest): Promise<FamilyOcclusion>; // when capabilities.occlusionMaps
  release(): Promise<void>;
}
