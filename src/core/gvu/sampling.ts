// Group sampling for GvU rollouts: G images per prompt, drawn autoregressively with the KV cache
// (one prefill, then imageTokens - 1 decode steps), each image from its own seeded stream. Two
// paths give the same codes: a call per token with the draw in JavaScript (any filter, guidance,
// WebGPU), or the whole group in one call of the sampling graph (samplingGraph.ts) where the
// runtime and filter allow: a decode step's per-call overhead was as large as its kernels.
//
// Rows of every run: [prompt 0 x G, prompt 1 x G, ...] and, under classifier-free guidance, the
// same count of unconditional rows after them (row r + P*G shadows row r: same codes, empty
// prompt). Guided logits = uncond + cfgScale * (cond - uncond); cfgScale 1 (or 0) means no guidance
// and no extra rows. GvU itself samples without guidance (the base model does not use it).
//
// Determinism: image i of prompt p draws its uniforms from mulberry32(seeds[p*G + i]), one per
// token, so a seed names an image whatever else is in the batch.
import { AbortError, type CancelSignal, InputError } from '../errors.ts';
import { freezeInputs, serializeModel } from '../graph/index.ts';
import type { ModelConfig } from '../model/config.ts';
import type { LoraConfig } from '../model/lora.ts';
import { packDecodeStep, packGeneration } from '../model/sequences.ts';
import { buildGenerationStepGraph } from '../model/umm.ts';
import type { Weights } from '../model/weights.ts';
import { releaseDeviceTensors } from '../runtime/deviceTensor.ts';
import type { ModelSession, Results, SessionOptions } from '../runtime/session.ts';
import { mulberry32, tensor } from '../tensor.ts';
import { buildSamplingGraph } from './samplingGraph.ts';
import { type TokenFilter, checkFilter, sampleGuidedToken } from './sampleToken.ts';

export interface SamplingOptions extends TokenFilter {
  readonly groupSize: number; // G images per prompt
  readonly seeds: readonly number[]; // one per image, prompt-major: image i of prompt p uses seeds[p*G + i]
  readonly cfgScale: number; // classifier-free guidance; 1 or 0 = off
  readonly uncondPrompt?: readonly number[]; // the empty prompt (ending with <img>); needed when guidance is on
  readonly onProgress?: (tokensDone: number, tokensTotal: number) => void;
  readonly signal?: CancelSignal; // checked before the prefill and between decode steps
}

/** The paper's sampling setting: temperature 1.0, min_p 0.03, no top-k/top-p, no guidance. */
export const GVU_SAMPLING: TokenFilter & { readonly cfgScale: number } = { temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 1 };

export interface GenerationSessions {
  readonly prefill: ModelSession; // buildGenerationStepGraph(cfg, { withPast: false })
  readonly decode: ModelSession; // buildGenerationStepGraph(cfg, { withPast: true })
  /**
   * buildSamplingGraph: a whole group in one call, used without guidance when the filter allows
   * (samplesInGraph); runtimes without ONNX Loop and float64 kernels (WebGPU) leave it out.
   */
  readonly group?: ModelSession;
}

export interface SampledImage {
  readonly prompt: number; // index into the prompts
  readonly member: number; // index within the prompt's group, 0..G-1
  readonly seed: number;
  readonly codes: Int32Array; // [N] image codes in [0, Vi)
  readonly policyLogp: Float32Array; // [N] log p of each code under the sampling policy (guided, tempered, filtered)
  readonly modelLogp: Float32Array; // [N] log p of each code under the raw conditional model (what GRPO's ratio and KL use)
}

/**
 * The two ONNX models sampling needs, serialised; with `lora` they take the adapter's tensors too.
 * With `frozen` (the base weights) those are stored in the models instead of fed at every step:
 * create the sessions with `{ frozen }` too (SessionOptions.frozen).
 */
export function generationStepModels(cfg: ModelConfig, lora?: LoraConfig, frozen?: Weights): { prefill: Uint8Array; decode: Uint8Array } {
  const model = (withPast: boolean) => {
    const g = buildGenerationStepGraph(cfg, { withPast, lora });
    return serializeModel(frozen ? freezeInputs(g, frozen) : g);
  };
  return { prefill: model(false), decode: model(true) };
}

/** Release every session of a GenerationSessions. */
export async function releaseGenerationSessions(s: GenerationSessions): Promise<void> {
  await Promise.all([s.prefill, s.decode, s.group].map((x) => x?.release()));
}

/** The one-call sampling model (samplingGraph.ts), serialised like generationStepModels. */
export function groupSamplingModel(cfg: ModelConfig, lora?: LoraConfig, frozen?: Weights): Uint8Array {
  const g = buildSamplingGraph(cfg, lora);
  return serializeModel(frozen ? freezeInputs(g, frozen) : g);
}

/** Options for the group session: the frozen base weights, one intra-op thread (SessionOptions.threads). */
export const groupSamplingOptions = (frozen?: Weights): SessionOptions => ({ ...(frozen ? { frozen } : {}), threads: 1 });

/** Whether the in-graph draw reproduces this filter: temperature > 0 and min-p only (no top-k, top-p). */
export const samplesInGraph = (f: TokenFilter): boolean => f.temperature > 0 && f.topK === 0 && f.topP === 1;

/**
 * Options for both sampling sessions: the base weights frozen into them (generationStepModels with
 * `frozen`), and the KV cache left on the device between steps where there is one (WebGPU), so a
 * decode step uploads only the sampled tokens and reads back only the logits.
 */
export function generationSessionOptions(cfg: ModelConfig, frozen?: Weights): SessionOptions {
  const present = Array.from({ length: cfg.layers }, (_, i) => [`present_k.${i}`, `present_v.${i}`]).flat();
  return { ...(frozen ? { frozen } : {}), deviceOutputs: present };
}

export async function sampleImages(
  cfg: ModelConfig,
  weights: Weights,
  sessions: GenerationSessions,
  prompts: readonly (readonly number[])[],
  opts: SamplingOptions,
): Promise<SampledImage[]> {
  const g = opts.groupSize;
  const n = prompts.length * g; // images
  checkSampling(cfg, prompts, opts);
  const guided = opts.cfgScale !== 1 && opts.cfgScale !== 0;
  const rows = prompts.flatMap((p) => Array<readonly number[]>(g).fill(p));
  if (guided) rows.push(...Array<readonly number[]>(n).fill(opts.uncondPrompt!));
  const steps = cfg.imageTokens;
  const images = Array.from({ length: n }, (_, r) => ({
    prompt: Math.floor(r / g), member: r % g, seed: opts.seeds[r],
    codes: new Int32Array(steps), policyLogp: new Float32Array(steps), modelLogp: new Float32Array(steps),
  }));
  checkAborted(opts.signal, 0, steps);
  if (sessions.group && !guided && samplesInGraph(opts)) await sampleInOneCall(cfg, weights, sessions.group, rows, images, opts);
  else await sampleStepByStep(cfg, weights, sessions, rows, images, opts);
  return images;
}

type ImageRows = { codes: Int32Array; policyLogp: Float32Array; modelLogp: Float32Array }[];

/** One prefill, then a decode call per token, each token drawn here (sampleToken.ts). */
async function sampleStepByStep(
  cfg: ModelConfig, weights: Weights, sessions: GenerationSessions, rows: readonly (readonly number[])[], images: ImageRows, opts: SamplingOptions,
): Promise<void> {
  const [n, steps, vi] = [images.length, cfg.imageTokens, cfg.imageVocab];
  const guided = rows.length > n;
  const rngs = opts.seeds.map((s) => mulberry32(s));
  const { distinct, rowOf } = distinctPrompts(rows);
  const pre = packGeneration(cfg, distinct);
  const pads = Array.from(rowOf, (d) => pre.pads[d]);
  let out = await sessions.prefill.run({ ids: pre.ids, positions: pre.positions, mask: pre.mask, rows: tensor('int32', [rowOf.length], rowOf), ...weights });
  const mixed = new Float64Array(vi);
  try {
    for (let step = 0; ; step++) {
      const logits = out.image_logits.data as Float32Array; // [rows, Vi]
      for (let r = 0; r < n; r++) {
        const cond = logits.subarray(r * vi, (r + 1) * vi);
        const uncond = guided ? logits.subarray((n + r) * vi, (n + r + 1) * vi) : null;
        const d = sampleGuidedToken(cond, uncond, opts.cfgScale, opts, rngs[r](), mixed);
        images[r].codes[step] = d.token;
        images[r].policyLogp[step] = d.policyLogp;
        images[r].modelLogp[step] = d.modelLogp;
      }
      opts.onProgress?.(step + 1, steps);
      if (step === steps - 1) break;
      checkAborted(opts.signal, step + 1, steps);
      const fed = Array.from({ length: rows.length }, (_, r) => images[r % n].codes[step]); // uncond rows follow their image
      const dec = packDecodeStep(cfg, fed, step, pads);
      const prev = out;
      out = await sessions.decode.run({ ids: dec.ids, positions: dec.positions, mask: dec.mask, ...pastFrom(cfg, prev), ...weights });
      releaseDeviceTensors(prev); // its KV cache is copied into this step's present tensors
    }
  } finally {
    releaseDeviceTensors(out); // the last KV cache, when it lives on the GPU
  }
}

/**
 * The whole group in one call of the sampling graph (samplingGraph.ts): each image's uniforms are
 * drawn here from its seed, in the order the step path draws them, so both give the same codes.
 */
async function sampleInOneCall(
  cfg: ModelConfig, weights: Weights, session: ModelSession, rows: readonly (readonly number[])[], images: ImageRows, opts: SamplingOptions,
): Promise<void> {
  const [n, steps] = [images.length, cfg.imageTokens];
  const uniforms = new Float64Array(n * steps);
  opts.seeds.forEach((seed, r) => {
    const rng = mulberry32(seed);
    for (let s = 0; s < steps; s++) uniforms[r * steps + s] = rng();
  });
  const { distinct, rowOf } = distinctPrompts(rows);
  const pre = packGeneration(cfg, distinct);
  const out = await session.run({
    ids: pre.ids, positions: pre.positions, mask: pre.mask,
    rows: tensor('int32', [n], rowOf), pads: tensor('int32', [n], rowOf.map((d) => pre.pads[d])),
    uniforms: tensor('float64', [n, steps], uniforms),
    temperature: tensor('float64', [], [opts.temperature]), min_p: tensor('float64', [], [opts.minP]),
    ...weights,
  });
  const [codes, policy, model] = [out.codes.data as Int32Array, out.policy_logp.data as Float64Array, out.model_logp.data as Float64Array];
  images.forEach((img, r) => {
    img.codes.set(codes.subarray(r * steps, (r + 1) * steps));
    img.policyLogp.set(policy.subarray(r * steps, (r + 1) * steps)); // float64 -> float32, as the step path stores them
    img.modelLogp.set(model.subarray(r * steps, (r + 1) * steps));
  });
  opts.onProgress?.(steps, steps);
}

/** Each distinct prompt once (first-seen order), and the index of every row's prompt among them. */
export function distinctPrompts(rows: readonly (readonly number[])[]): { distinct: (readonly number[])[]; rowOf: Int32Array } {
  const index = new Map<string, number>();
  const distinct: (readonly number[])[] = [];
  const rowOf = Int32Array.from(rows, (r) => {
    const key = r.join(',');
    let i = index.get(key);
    if (i === undefined) index.set(key, (i = distinct.push(r) - 1));
    return i;
  });
  return { distinct, rowOf };
}

/** present_k.i / present_v.i of one run -> past_k.i / past_v.i of the next. */
function pastFrom(cfg: ModelConfig, out: Results): Results {
  const past: Results = {};
  for (let i = 0; i < cfg.layers; i++) {
    past[`past_k.${i}`] = out[`present_k.${i}`];
    past[`past_v.${i}`] = out[`present_v.${i}`];
  }
  return past;
}

function checkAborted(signal: CancelSignal | undefined, done: number, total: number): void {
  if (signal?.aborted) throw new AbortError(`sampling aborted after ${done} of ${total} image tokens`);
}

function checkSampling(cfg: ModelConfig, prompts: readonly (readonly number[])[], opts: SamplingOptions): void {
  checkFilter(opts);
  const g = opts.groupSize;
  if (!Number.isInteger(g) || g < 1) throw new InputError(`groupSize must be a positive integer, got ${g}`);
  if (prompts.length === 0) throw new InputError('sampling needs at least one prompt');
  if (opts.seeds.length !== prompts.length * g) {
    throw new InputError(`${opts.seeds.length} seeds for ${prompts.length} prompts x ${g} images (need ${prompts.length * g}, prompt-major)`);
  }
  opts.seeds.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0 || s >= 2 ** 32) throw new InputError(`seed ${i} must be an integer in [0, 2^32), got ${s}`);
  });
  if (!Number.isFinite(opts.cfgScale)) throw new InputError(`cfgScale must be finite, got ${opts.cfgScale}`);
  const guided = opts.cfgScale !== 1 && opts.cfgScale !== 0;
  if (guided && !opts.uncondPrompt) throw new InputError(`cfgScale ${opts.cfgScale} needs an uncondPrompt (the empty prompt ending with <img>)`);
  const named = guided ? [...prompts, opts.uncondPrompt!] : prompts;
  named.forEach((p, i) => {
    const which = i === prompts.length ? 'uncondPrompt' : `prompt ${i}`;
    if (p.length === 0 || p.length > cfg.maxText) throw new InputError(`${which} has ${p.length} tokens; the model takes 1 to ${cfg.maxText}`);
    const bad = p.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= cfg.textVocab);
    if (bad >= 0) throw new InputError(`${which}: token ${bad} is ${p[bad]}, outside the text vocabulary [0, ${cfg.textVocab})`);
  });
}
