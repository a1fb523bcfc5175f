// The intrinsic reward of an image for a prompt (GvU): the understanding branch reads the image,
// the prompt is teacher-forced as the assistant's answer, and each answer token gets
//   log p_j = log softmax(lm_head(h_{j-1}))[T_j];
// the reward is gvu/reward.ts's over those tokens (default: the geometric mean of p_j, no <eos>).
// Only the answer's positions go through lm_head: the hidden states are cut to them first, so
// Janus-Pro's [T ~ 600, 102400] logits (~260 MB) are never made.
import type { RewardOptions, RewardResult } from '../../gvu/reward.ts';
import { scoreCaption } from '../../gvu/reward.ts';
import { logProbAt } from '../../gvu/sampleToken.ts';
import type { TensorData } from '../../tensor.ts';
import { understandingEmbeds } from './embeds.ts';
import { emptyState, hiddenRows, runLanguageModel } from './languageModel.ts';
import type { JanusModel } from './load.ts';
import { type RgbImage, preprocessImage } from './preprocess.ts';
import { GVU_QUESTION, type UnderstandingPrompt, understandingIds } from './prompts.ts';
import { type WordSpan, groupWords } from './words.ts';

export interface WordScore {
  readonly word: string;
  readonly logp: number; // sum of its pieces' log p
  readonly p: number; // product of its pieces' p
  readonly pieces: readonly number[]; // indices into the answer tokens
}

export interface JanusImageScore extends RewardResult {
  readonly words: readonly WordScore[]; // the heat strip: the prompt's words, pieces multiplied
  readonly lowestWord: WordScore; // the word the model least sees in the image
  readonly eosLogp: number; // log p of <eos> after the answer ("nothing else to say")
}

export interface JanusScoreOptions extends Partial<RewardOptions> {
  readonly question?: string; // the user turn after the image (GvU: "Describe the image in detail.")
}

/**
 * lm_head's logits at the positions that predict the answer tokens and the closing <eos>:
 * [A + 1, V], row k predicting ids[answerStart + k].
 */
export async function answerLogits(model: JanusModel, prompt: UnderstandingPrompt, image: RgbImage): Promise<TensorData<'float32'>> {
  const { cfg, io, sessions: s } = model;
  const pixels = preprocessImage(cfg, image); // [3, S, S]
  const embeds = await understandingEmbeds(s.prepare_inputs_embeds, cfg, io, prompt.ids, prompt.imageMask, pixels); // [1, T, D]
  const t = prompt.ids.length;
  // Position j-1 predicts token j: the answer and <eos> are predicted from answerStart-1 .. T-2.
  const from = prompt.answerStart - 1;
  const lm = await runLanguageModel(s.language_model, io, embeds, emptyState(cfg, io, 1), { keep: t - from, withCache: false });
  const hidden = hiddenRows(lm.hidden, t, from, t - 1); // [1, A + 1, D]
  const logits = (await s.lm_head.run({ [io.hidden]: hidden }, ['logits'])).logits as TensorData<'float32'>; // [1, A + 1, V]
  return { dtype: 'float32', dims: logits.dims.slice(1), data: logits.data };
}

/** Per-token log p of the answer tokens, then of the closing <eos>, given the image: [A + 1]. */
export async function answerLogProbs(model: JanusModel, prompt: UnderstandingPrompt, image: RgbImage): Promise<Float64Array> {
  const logits = await answerLogits(model, prompt, image);
  const [rows, v] = logits.dims;
  return Float64Array.from({ length: rows }, (_, k) => logProbAt(logits.data.subarray(k * v, (k + 1) * v), prompt.ids[prompt.answerStart + k]));
}

/** Score one image against one prompt. */
export async function scoreImage(model: JanusModel, prompt: string, image: RgbImage, opts: JanusScoreOptions = {}): Promise<JanusImageScore> {
  const u = understandingIds(model.tokenizer, model.cfg, prompt, opts.question ?? GVU_QUESTION);
  const logp = await answerLogProbs(model, u, image);
  return rewardOf(model, u, logp, opts);
}

/** The reward and the word strip from the answer's log-probs ([A] answer tokens, then <eos>). */
export function rewardOf(model: JanusModel, u: UnderstandingPrompt, logp: Float64Array, opts: Partial<RewardOptions> = {}): JanusImageScore {
  const a = u.answerIds.length;
  const pieces = u.answerIds.map((id) => model.tokenizer.decode([id]).trim() || '␣'); // a lone-space piece shows as ␣
  const result = scoreCaption(logp, { words: pieces, wordAt: pieces.map((_, k) => k), eosAt: a }, opts);
  const words = groupWords(model.tokenizer, u.answerIds).map((w: WordSpan) => {
    let sum = 0;
    for (let k = w.start; k < w.end; k++) sum += logp[k];
    return { word: w.word, logp: sum, p: Math.exp(sum), pieces: Array.from({ length: w.end - w.start }, (_, k) => w.start + k) };
  });
  const lowestWord = words.reduce((x, y) => (y.logp < x.logp ? y : x));
  return { ...result, words, lowestWord, eosLogp: logp[a] };
}
