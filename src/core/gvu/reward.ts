// The intrinsic reward (GvU, Pan et al. 2026, token-level intrinsic reward): the understanding
// branch reads the generated image, the prompt T_1..T_L is teacher-forced after it, and
//   p_j = softmax(logits at j-1)[T_j],   R = (prod_j p_j)^(1/L) = exp(mean_j log p_j)
// over every prompt token (no stop-word filtering, no EOS). Variants below exist to compare
// against that default; GRPO then normalises R within each group of G images of one prompt.
//
// Caption layout fed to the scorer: <bos> [prefix] w_1 .. w_L <eos> <pad>.., right-padded to
// maxText. token_logp[b, j-1] scores caption token j, so w_k sits at column (prefix length + k).
import { InputError } from '../errors.ts';
import type { ModelConfig } from '../model/config.ts';
import { imageToPatches } from '../model/patches.ts';
import { packUnderstanding } from '../model/sequences.ts';
import type { TensorData } from '../tensor.ts';

export const REWARD_VARIANTS = ['geomean', 'mean_p', 'min_p', 'content_words'] as const;
export type RewardVariant = (typeof REWARD_VARIANTS)[number];

export interface RewardOptions {
  readonly variant: RewardVariant; // 'geomean' = the paper; mean_p = mean of p_j; min_p = the worst word; content_words = geomean over content words
  readonly includeEos: boolean; // also score <eos> ("nothing else is in the image"); the paper does not
  readonly contentWords?: readonly string[] | ((word: string) => boolean); // which words count, for 'content_words'
}

export const REWARD_DEFAULTS: RewardOptions = { variant: 'geomean', includeEos: false };

/** Where a caption's scored tokens sit in its token_logp row. */
export interface CaptionLayout {
  readonly words: readonly string[]; // the prompt words, in order (one token each)
  readonly wordAt: readonly number[]; // token_logp column scoring each word
  readonly eosAt: number | null; // column scoring <eos>; null when the caption has none
}

export interface TokenScore {
  readonly word: string; // '<eos>' for the end token
  readonly wordIndex: number; // index into the prompt words; -1 for <eos>
  readonly logp: number;
  readonly p: number;
  readonly counted: boolean; // entered the reward under the chosen variant
}

export interface RewardResult {
  readonly reward: number;
  readonly tokens: readonly TokenScore[]; // every prompt word, then <eos> if the layout has one
  readonly lowest: TokenScore; // the counted token with the lowest p: the word the model least sees
}

/** Reward of one sample from its token_logp row. `sample` only names the sample in errors. */
export function scoreCaption(row: ArrayLike<number>, layout: CaptionLayout, options: Partial<RewardOptions> = {}, sample = 0): RewardResult {
  const o = { ...REWARD_DEFAULTS, ...options };
  if (!(REWARD_VARIANTS as readonly string[]).includes(o.variant)) {
    throw new InputError(`unknown reward variant ${JSON.stringify(o.variant)}; valid: ${REWARD_VARIANTS.join(', ')}`);
  }
  if (layout.words.length !== layout.wordAt.length) {
    throw new InputError(`sample ${sample}: ${layout.words.length} words but ${layout.wordAt.length} token positions`);
  }
  const isContent = contentPredicate(o);
  const tokens: TokenScore[] = layout.words.map((word, k) => {
    const logp = at(row, layout.wordAt[k], sample);
    return { word, wordIndex: k, logp, p: Math.exp(logp), counted: isContent(word) };
  });
  if (layout.eosAt !== null) {
    const logp = at(row, layout.eosAt, sample);
    tokens.push({ word: '<eos>', wordIndex: -1, logp, p: Math.exp(logp), counted: o.includeEos });
  } else if (o.includeEos) {
    throw new InputError(`sample ${sample}: includeEos is set but the caption has no <eos>`);
  }
  const counted = tokens.filter((t) => t.counted);
  if (counted.length === 0) {
    throw new InputError(`sample ${sample}: no token to score under '${o.variant}' (words: ${layout.words.join(' ') || '(none)'})`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const lps = counted.map((t) => t.logp);
  const reward = o.variant === 'mean_p' ? mean(lps.map(Math.exp))
    : o.variant === 'min_p' ? Math.exp(Math.min(...lps))
      : Math.exp(mean(lps)); // geomean, content_words
  const lowest = counted.reduce((a, b) => (b.logp < a.logp ? b : a));
  return { reward, tokens, lowest };
}

/** Rewards for a batch: token_logp [B, maxText-1] from the understanding scorer, one layout per row. */
export function scoreCaptions(tokenLogp: TensorData, layouts: readonly CaptionLayout[], options: Partial<RewardOptions> = {}): RewardResult[] {
  const [b, w] = tokenLogp.dims;
  if (tokenLogp.dims.length !== 2 || b !== layouts.length) {
    throw new InputError(`token_logp has dims [${tokenLogp.dims.join(', ')}]; expected [${layouts.length}, maxText-1] (one row per layout)`);
  }
  const data = tokenLogp.data as Float32Array;
  return layouts.map((l, i) => scoreCaption(data.subarray(i * w, (i + 1) * w), l, options, i));
}

function contentPredicate(o: RewardOptions): (word: string) => boolean {
  if (o.variant !== 'content_words') return () => true;
  const c = o.contentWords;
  if (!c) throw new InputError(`reward variant 'content_words' needs contentWords (a word list or predicate)`);
  if (typeof c === 'function') return c;
  const set = new Set(c);
  return (w) => set.has(w);
}

function at(row: ArrayLike<number>, col: number, sample: number): number {
  if (!Number.isInteger(col) || col < 0 || col >= row.length) {
    throw new InputError(`sample ${sample}: token position ${col} is outside its token_logp row (0..${row.length - 1})`);
  }
  return row[col];
}

// ---- group advantages (GRPO) --------------------------------------------------------------------
export const ADVANTAGE_EPS = 1e-4;

/**
 * A_i = (R_i - mean(R)) / (std(R) + 1e-4) within each consecutive group of G rewards (prompt-major,
 * as sampleImages returns them). std is the population std (divide by G): with the paper's G = 2 it
 * gives advantages of about +-1 for any two distinct rewards, where the unbiased std (torch's
 * default, which TRL uses) gives +-0.71. Only the scale differs; a group of equal rewards gives 0.
 */
export function groupAdvantages(rewards: ArrayLike<number>, groupSize: number): Float64Array {
  const g = groupSize;
  if (!Number.isInteger(g) || g < 1) throw new InputError(`groupSize must be a positive integer, got ${g}`);
  if (rewards.length % g !== 0) throw new InputError(`${rewards.length} rewards do not split into groups of ${g}`);
  const out = new Float64Array(rewards.length);
  for (let s = 0; s < rewards.length; s += g) {
    let mean = 0;
    for (let i = s; i < s + g; i++) mean += rewards[i] / g;
    let v = 0;
    for (let i = s; i < s + g; i++) v += (rewards[i] - mean) ** 2 / g;
    const std = Math.sqrt(v);
    for (let i = s; i < s + g; i++) out[i] = (rewards[i] - mean) / (std + ADVANTAGE_EPS);
  }
  return out;
}

// ---- scorer inputs ------------------------------------------------------------------------------
export interface ScorerSample {
  readonly words: readonly string[]; // the prompt's words (one token each)
  readonly ids: readonly number[]; // their token ids
  readonly image: Uint8Array; // HWC RGB, the size imageToPatches expects
}

export interface ScorerTokens {
  readonly bos: number;
  readonly eos: number;
  readonly prefix?: readonly number[]; // unscored instruction ids after <bos> (e.g. "describe the image")
}

/**
 * Feeds for buildUnderstandingScoreGraph (all but the weights) and the layout of each caption.
 * <eos> is always placed (causal attention: it never changes the words' scores); whether it counts
 * is the reward's includeEos.
 */
export function buildScorerInputs(cfg: ModelConfig, samples: readonly ScorerSample[], tokens: ScorerTokens) {
  const prefix = tokens.prefix ?? [];
  const pixels = new Float32Array(samples.length * cfg.imageTokens * cfg.patchDim);
  const captions: number[][] = [];
  const layouts: CaptionLayout[] = samples.map((s, i) => {
    if (s.words.length !== s.ids.length) throw new InputError(`sample ${i}: ${s.words.length} words but ${s.ids.length} token ids`);
    const caption = [tokens.bos, ...prefix, ...s.ids, tokens.eos];
    if (caption.length > cfg.maxText) {
      throw new InputError(`sample ${i}: caption "${s.words.join(' ')}" takes ${caption.length} tokens with <bos>, prefix and <eos>; the model reads ${cfg.maxText}`);
    }
    captions.push(caption);
    imageToPatches(cfg, s.image, pixels, i * cfg.imageTokens * cfg.patchDim);
    // caption token j is scored at column j-1: word k is token 1 + prefix + k
    return { words: s.words, wordAt: s.ids.map((_, k) => prefix.length + k), eosAt: prefix.length + s.ids.length };
  });
  const u = packUnderstanding(cfg, pixels, captions);
  return { feeds: { pixels: u.pixels, ids: u.ids, positions: u.positions, mask: u.mask }, layouts };
}
