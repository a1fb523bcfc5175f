// Janus's two prompt formats, as upstream builds them (deepseek-ai/Janus: utils/conversation.py
// "deepseek" template, processing_vlm.py, demo/app_januspro.py), in token ids:
//
//   text-to-image:  <bos> "<|User|>: {prompt}\n\n<|Assistant|>:" <begin_of_image>
//   understanding:  <bos> "{system}\n\n<|User|>: <image_placeholder>\n{question}\n\n<|Assistant|>:" " {answer}" <eos>
//
// where the one <image_placeholder> becomes <begin_of_image> + N x <image_placeholder> +
// <end_of_image> (add_image_token), and the answer is the text-to-image prompt, teacher-forced so
// its tokens can be scored (GvU's intrinsic reward; the question is GvU's own instruction).
import { InputError } from '../../errors.ts';
import type { JanusConfig } from './config.ts';
import type { JanusTokenizer } from './tokenizer.ts';

/** Upstream's default system prompt for understanding (VLChatProcessor.system_prompt). */
export const JANUS_SYSTEM_PROMPT =
  'You are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.';

/** GvU's scoring instruction (matrix0721/GvU omni_r1/utils/rewards.py). */
export const GVU_QUESTION = 'Describe the image in detail.';

export const USER_ROLE = '<|User|>';
export const ASSISTANT_ROLE = '<|Assistant|>';

/** Upstream's text-to-image prompt: no system prompt, the assistant turn opened, then <begin_of_image>. */
export function textToImageText(prompt: string): string {
  return `${USER_ROLE}: ${prompt.trim()}\n\n${ASSISTANT_ROLE}:`;
}

/** Upstream's understanding prompt up to the opened assistant turn (still with one image tag). */
export function understandingText(question: string, imageTag: string, system = JANUS_SYSTEM_PROMPT): string {
  return `${system}\n\n${USER_ROLE}: ${imageTag}\n${question.trim()}\n\n${ASSISTANT_ROLE}:`.trim();
}

/** [bos, ..., <begin_of_image>]: the prefill of image generation. */
export function textToImageIds(tok: JanusTokenizer, prompt: string): number[] {
  checkPromptText(tok, prompt);
  return [tok.special.bos, ...tok.encode(textToImageText(prompt)), tok.special.imageStart];
}

/**
 * CFG's unconditional row, as upstream (generation_inference.py): the same length, with every
 * token between <bos> and the final <begin_of_image> set to the pad id.
 */
export function unconditionalIds(tok: JanusTokenizer, cond: readonly number[]): number[] {
  return cond.map((id, i) => (i === 0 || i === cond.length - 1 ? id : tok.special.pad));
}

export interface UnderstandingPrompt {
  readonly ids: number[]; // [T]: <bos> ... <begin_of_image> N x placeholder <end_of_image> ... answer <eos>
  readonly imageMask: Uint8Array; // [T]: 1 at the N placeholder positions (images_seq_mask)
  readonly answerStart: number; // index in ids of the first answer token
  readonly answerIds: number[]; // the teacher-forced answer tokens (no <eos>)
  readonly eosAt: number; // index in ids of the closing <eos>
}

/** The understanding sequence with `answer` teacher-forced after the assistant turn. */
export function understandingIds(
  tok: JanusTokenizer, cfg: Pick<JanusConfig, 'imageTokens' | 'imageTag'>, answer: string, question = GVU_QUESTION,
): UnderstandingPrompt {
  const { imageTokens, imageTag } = cfg;
  checkPromptText(tok, answer);
  checkPromptText(tok, question);
  const s = tok.special;
  const head = tok.encode(understandingText(question, imageTag));
  // The answer is tokenized together with the turn before it, as upstream tokenizes the whole
  // conversation; the head's ids must come out unchanged at its start.
  const whole = tok.encode(`${understandingText(question, imageTag)} ${answer.trim()}`);
  if (whole.length <= head.length || head.some((id, i) => whole[i] !== id)) {
    throw new InputError(`the answer ${JSON.stringify(answer)} does not tokenize apart from the assistant turn before it; cannot score its tokens`);
  }
  const answerIds = whole.slice(head.length);
  const tagAt = head.indexOf(s.imagePlaceholder);
  if (tagAt === -1 || head.indexOf(s.imagePlaceholder, tagAt + 1) !== -1) {
    throw new Error(`understanding prompt must hold one ${imageTag}; it holds ${head.filter((id) => id === s.imagePlaceholder).length}`);
  }
  const image = [s.imageStart, ...Array<number>(imageTokens).fill(s.imagePlaceholder), s.imageEnd];
  const ids = [s.bos, ...head.slice(0, tagAt), ...image, ...head.slice(tagAt + 1), ...answerIds, s.eos];
  const imageMask = new Uint8Array(ids.length);
  imageMask.fill(1, 1 + tagAt + 1, 1 + tagAt + 1 + imageTokens);
  const answerStart = ids.length - 1 - answerIds.length;
  return { ids, imageMask, answerStart, answerIds, eosAt: ids.length - 1 };
}

/** A prompt must be text: a special token typed into it would fake an image or end the turn. */
function checkPromptText(tok: JanusTokenizer, text: string): void {
  if (text.trim() === '') throw new InputError('empty prompt');
  const special = tok.encode(text).find((id) => tok.isSpecial(id));
  if (special !== undefined) {
    throw new InputError(`prompt ${JSON.stringify(text.slice(0, 60))} contains the special token ${JSON.stringify(tok.piece(special))}; leave it out`);
  }
}
