// transformers.js (@huggingface/transformers, npm) as an independent oracle for a Janus folder in
// the onnx-community layout: its own processor, chat templates, session chaining, KV cache and
// greedy loop, run on onnxruntime-node from disk with remote models off. The project's Janus
// runtime is compared against what these helpers return. They take the prompt as upstream Janus
// does (trimmed); roles are Janus-Pro's "<|User|>" / "<|Assistant|>". A dev tool (the tests and
// bench:real-umm use it): @huggingface/transformers is a devDependency, never in the page's bundle.
import { basename, dirname, resolve, sep } from 'node:path';
import { AutoProcessor, MultiModalityCausalLM, RawImage, env, type Processor, type Tensor } from '@huggingface/transformers';

/** An RGB image, [height, width, 3] uint8 (the shape of the family's RgbImage). */
export interface OracleImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** GvU's scoring instruction (matrix0721/GvU omni_r1/utils/rewards.py). */
export const ORACLE_QUESTION = 'Describe the image in detail.';

interface Oracle {
  readonly processor: Processor;
  readonly model: MultiModalityCausalLM;
}

const loaded = new Map<string, Promise<Oracle>>();
let lastLoad: Promise<unknown> = Promise.resolve();

/**
 * Processor and model for a folder, loaded once per folder. transformers.js reads the global
 * env.localModelPath + id while it loads, so loads of different folders run one after another.
 */
export function loadOracle(dir: string): Promise<Oracle> {
  const abs = resolve(dir);
  let hit = loaded.get(abs);
  if (!hit) {
    hit = lastLoad.catch(() => {}).then(async () => {
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = dirname(abs) + sep;
      const id = basename(abs);
      const [processor, model] = await Promise.all([
        AutoProcessor.from_pretrained(id),
        MultiModalityCausalLM.from_pretrained(id, { dtype: 'fp32', device: 'cpu' }),
      ]);
      return { processor, model: model as MultiModalityCausalLM };
    });
    lastLoad = hit;
    loaded.set(abs, hit);
  }
  return hit;
}

type Inputs = Record<string, Tensor>;
const ints = (t: Tensor): number[] => Array.from(t.data as ArrayLike<number | bigint | boolean>, Number);

export interface OracleTextToImageInputs {
  readonly inputIds: number[]; // [L]: <bos> ... <|Assistant|>: <begin_of_image>
  readonly attentionMask: number[];
  readonly imagesSeqMask: number[]; // all 0
  readonly inputs: Inputs; // the processor's tensors, as fed to generate
}

/** The processor's text-to-image prefill (chat template `text_to_image`). */
export async function oracleTextToImageInputs(dir: string, prompt: string): Promise<OracleTextToImageInputs> {
  const { processor } = await loadOracle(dir);
  const inputs = (await processor([{ role: '<|User|>', content: prompt.trim() }], { chat_template: 'text_to_image' })) as Inputs;
  return { inputIds: ints(inputs.input_ids), attentionMask: ints(inputs.attention_mask), imagesSeqMask: ints(inputs.images_seq_mask), inputs };
}

export interface OracleUnderstandingInputs {
  readonly inputIds: number[]; // [T]: system, user turn with the expanded image, "<|Assistant|>:", " {prompt}", <eos>
  readonly imagesSeqMask: number[]; // [T]: 1 at the image token positions
  readonly pixelValues: Float32Array; // [1, 1, 3, S, S], normalised to about [-1, 1]
  readonly pixelDims: number[];
  readonly answerStart: number; // index of the first prompt (answer) token in inputIds
  readonly inputs: Inputs;
}

/**
 * The processor's understanding sequence (chat template `default`): upstream's system prompt, the
 * user turn "<image_placeholder>\n{question}", and the prompt teacher-forced as the assistant's answer.
 */
export async function oracleUnderstandingInputs(dir: string, image: OracleImage, prompt: string, question = ORACLE_QUESTION): Promise<OracleUnderstandingInputs> {
  const { processor } = await loadOracle(dir);
  const raw = new RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 3);
  const conversation = [
    { role: '<|User|>', content: `<image_placeholder>\n${question.trim()}` },
    { role: '<|Assistant|>', content: prompt.trim() },
  ];
  const inputs = (await processor(conversation, { images: [raw] })) as Inputs;
  const inputIds = ints(inputs.input_ids);
  const assistant = processor.tokenizer!.convert_tokens_to_ids(['<|Assistant|>'])[0] as number;
  // "<|Assistant|>" ":" then the answer: ":" is its own pre-token, so it never merges with the answer.
  const answerStart = inputIds.lastIndexOf(assistant) + 2;
  return {
    inputIds,
    imagesSeqMask: ints(inputs.images_seq_mask),
    pixelValues: inputs.pixel_values.data as Float32Array,
    pixelDims: [...inputs.pixel_values.dims],
    answerStart,
    inputs,
  };
}

export interface OracleLogits extends OracleUnderstandingInputs {
  readonly logits: Float32Array; // [1, T, V], row t predicts token t+1
  readonly dims: number[];
}

/** transformers.js' understanding forward (prepare_inputs_embeds -> language_model -> lm_head) over the whole sequence. */
export async function oracleUnderstandingLogits(dir: string, image: OracleImage, prompt: string, question = ORACLE_QUESTION): Promise<OracleLogits> {
  const { model } = await loadOracle(dir);
  const u = await oracleUnderstandingInputs(dir, image, prompt, question);
  const out = (await model(u.inputs)) as { logits: Tensor };
  return { ...u, logits: out.logits.data as Float32Array, dims: [...out.logits.dims] };
}

export interface OracleImageTokens {
  readonly promptIds: number[];
  readonly tokens: number[]; // [n] image codes, greedy, no CFG
  readonly image: { width: number; height: number; channels: number; data: Uint8Array }; // image_decode through (x+1)*127.5, HWC
}

/**
 * transformers.js' image generation (generate_images) with greedy decoding and no CFG: the
 * prefill through prepare_inputs_embeds, then gen_img_embeds on each code, gen_head's logits at
 * the last position, and image_decode at the end. `guidanceScale` > 1 turns on its own CFG
 * (second half of the batch all pad ids with attention mask 0), which is not upstream's.
 */
export async function oracleGreedyImageTokens(dir: string, prompt: string, n: number, guidanceScale?: number): Promise<OracleImageTokens> {
  const { model } = await loadOracle(dir);
  const { inputIds, inputs } = await oracleTextToImageInputs(dir, prompt);
  const steps: number[][] = [];
  const streamer = { put: (ids: bigint[][]) => void steps.push(ids.map((row) => Number(row[0]))), end: () => {} };
  const options = { ...inputs, max_new_tokens: n, do_sample: false, streamer, ...(guidanceScale ? { guidance_scale: guidanceScale } : {}) };
  const [img] = await model.generate_images(options as unknown as Parameters<MultiModalityCausalLM['generate_images']>[0]);
  // The streamer first gets the prompt, then one [batch][1] array per step.
  const tokens = steps.slice(1).map((row) => row[0]);
  return { promptIds: inputIds, tokens, image: { width: img.width, height: img.height, channels: img.channels, data: new Uint8Array(img.data) } };
}
