// Text-to-image: a group of G images for one prompt, each code sampled autoregressively through
// the KV cache (language_model -> gen_head -> sample -> gen_img_embeds -> language_model ...), then
// decoded by image_decode.
//
// Rows: [image 0 .. G-1] and, under classifier-free guidance, the same count of unconditional rows
// after them (row G + i shadows image i: same codes, prompt padded out). Upstream Janus
// (generation_inference.py): the unconditional prompt keeps <bos> and <begin_of_image> and pads
// the rest, both rows attend to everything, guided = u + s (c - u), s = 5 in upstream's demo.
// transformers.js instead masks its whole unconditional row; upstream is what the model was tuned with.
//
// Determinism: image i draws one uniform per code from mulberry32(seeds[i]), so a seed names an
// image whatever G is (as src/core/gvu/sampling.ts).
import { AbortError, type CancelSignal, InputError } from '../../errors.ts';
import { type TokenFilter, checkFilter, sampleGuidedToken } from '../../gvu/sampleToken.ts';
import { releaseDeviceTensors } from '../../runtime/deviceTensor.ts';
import { type TensorData, mulberry32 } from '../../tensor.ts';
import { decodeCodes } from './decodeImage.ts';
import { codeEmbeds, textEmbeds } from './embeds.ts';
import { emptyState, hiddenRows, runLanguageModel } from './languageModel.ts';
import type { JanusModel } from './load.ts';
import type { RgbImage } from './preprocess.ts';
import { textToImageIds, unconditionalIds } from './prompts.ts';

export interface JanusGenerateOptions extends TokenFilter {
  readonly seeds: readonly number[]; // one per image: G = seeds.length
  readonly cfgScale: number; // classifier-free guidance; 1 or 0 = off (upstream's demo: 5)
  readonly codes?: number; // codes to sample (default: the full grid); fewer only for tests, and then no image
  readonly onProgress?: (codesDone: number, codesTotal: number) => void;
  readonly signal?: CancelSignal; // checked before the prefill, between steps and between decodes
}

export interface JanusCodes {
  readonly seed: number;
  readonly codes: Int32Array; // [N] image codes, raster order over the genGrid x genGrid grid
  readonly policyLogp: Float32Array; // [N] log p of each code under the sampling policy (guided, tempered, filtered)
  readonly modelLogp: Float32Array; // [N] log p under the conditional model alone
}

export interface JanusImage extends JanusCodes {
  readonly image: RgbImage; // [H, W, 3] uint8
}

export const isGuided = (cfgScale: number): boolean => cfgScale !== 1 && cfgScale !== 0;

/** Sample G code grids for `prompt`. */
export async function generateCodes(model: JanusModel, prompt: string, opts: JanusGenerateOptions): Promise<JanusCodes[]> {
  const { cfg, io, sessions: s, tokenizer } = model;
  checkGenerate(opts);
  const g = opts.seeds.length;
  const steps = opts.codes ?? cfg.genImageTokens;
  if (!Number.isInteger(steps) || steps < 1 || steps > cfg.genImageTokens) throw new InputError(`codes must be 1 to ${cfg.genImageTokens}, got ${steps}`);
  const guided = isGuided(opts.cfgScale);
  const cond = textToImageIds(tokenizer, prompt);
  const rows = [...Array<number[]>(g).fill(cond), ...(guided ? Array<number[]>(g).fill(unconditionalIds(tokenizer, cond)) : [])];
  const rngs = opts.seeds.map((x) => mulberry32(x));
  const out = opts.seeds.map((seed) => ({ seed, codes: new Int32Array(steps), policyLogp: new Float32Array(steps), modelLogp: new Float32Array(steps) }));

  checkAborted(opts.signal, 0, steps);
  let embeds = await textEmbeds(s.prepare_inputs_embeds, cfg, io, rows); // [B, L, D]
  let state = emptyState(cfg, io, rows.length);
  let mixed: Float64Array | null = null;
  try {
    for (let step = 0; step < steps; step++) {
      if (step > 0) {
        checkAborted(opts.signal, step, steps);
        embeds = await codeEmbeds(s.gen_img_embeds, io, rows.map((_, r) => out[r % g].codes[step - 1])); // [B, 1, D]
      }
      const lm = await runLanguageModel(s.language_model, io, embeds, state, { keep: 1, withCache: true });
      state = lm.state;
      const last = hiddenRows(lm.hidden, state.length, state.length - 1, state.length); // [B, 1, D]
      const logits = (await s.gen_head.run({ [io.hidden]: last }, ['logits'])).logits as TensorData<'float32'>; // [B, 1, K]
      const k = logits.dims[2];
      mixed ??= new Float64Array(k);
      for (let i = 0; i < g; i++) {
        const c = logits.data.subarray(i * k, (i + 1) * k);
        const u = guided ? logits.data.subarray((g + i) * k, (g + i + 1) * k) : null;
        const d = sampleGuidedToken(c, u, opts.cfgScale, opts, rngs[i](), mixed);
        out[i].codes[step] = d.token;
        out[i].policyLogp[step] = d.policyLogp;
        out[i].modelLogp[step] = d.modelLogp;
      }
      opts.onProgress?.(step + 1, steps);
    }
  } finally {
    releaseDeviceTensors(state.past); // the last step's cache (GPU buffers on WebGPU), also after a cancel
  }
  return out;
}

/** Sample and decode G images for `prompt`. */
export async function generateImages(model: JanusModel, prompt: string, opts: JanusGenerateOptions): Promise<JanusImage[]> {
  if (opts.codes !== undefined && opts.codes !== model.cfg.genImageTokens) throw new InputError(`an image needs all ${model.cfg.genImageTokens} codes; got codes = ${opts.codes}`);
  const grids = await generateCodes(model, prompt, opts);
  const images: JanusImage[] = [];
  for (const [i, x] of grids.entries()) {
    if (opts.signal?.aborted) throw new AbortError(`generation aborted after decoding ${i} of ${grids.length} images`);
    images.push({ ...x, image: await decodeCodes(model, x.codes) });
  }
  return images;
}

function checkAborted(signal: CancelSignal | undefined, done: number, total: number): void {
  if (signal?.aborted) throw new AbortError(`generation aborted after ${done} of ${total} image codes`);
}

function checkGenerate(opts: JanusGenerateOptions): void {
  checkFilter(opts);
  if (opts.seeds.length === 0) throw new InputError('generation needs at least one seed (one per image)');
  opts.seeds.forEach((x, i) => {
    if (!Number.isInteger(x) || x < 0 || x >= 2 ** 32) throw new InputError(`seed ${i} must be an integer in [0, 2^32), got ${x}`);
  });
  if (!Number.isFinite(opts.cfgScale) || opts.cfgScale < 0) throw new InputError(`cfgScale must be a finite number >= 0 (1 = off), got ${opts.cfgScale}`);
}
