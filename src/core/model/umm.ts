// The tiny unified multimodal model (Janus-style), top-down: parameters, embeddings, one shared
// causal transformer backbone, two heads, then the graphs the app needs. Every graph is built from
// these functions, so there is one definition of the model.
//
// Sequences (T = maxText, N = imageTokens):
//   generation     [pad.. <bos> prompt <img>] [z_1 .. z_N]      text left-padded to T, image codes after
//   understanding  [patch_1 .. patch_N] [<bos> caption <eos> pad..]   pixels in, text right-padded to T
// Text ids live in [0, Vt), image codes in [Vt, Vt + Vi) of one shared embedding table.
//
// A LoRA adapter (./lora.ts) is threaded through the same functions: its tensors sit in the same
// Params record under their input names, and every adaptable matrix goes through `proj`.
import {
  Graph, type Value, add, concat, gather, matMul, mul, multiHeadAttention, neg, reshape, slice, softmax, sub, transpose, uniqueRows,
} from '../graph/index.ts';
import { crossEntropy, gelu, layerNorm, linear, tokenLogProbs, weightedMean } from '../graph/nn.ts';
import { type ModelConfig, headSize } from './config.ts';
import { type LoraConfig, loraInputNames, loraScale, loraShapes } from './lora.ts';

/** Graph values by parameter name; with an adapter also lora.<param>.A/B and 'lora.scale'. */
export type Params = Record<string, Value>;
export type FloatDType = 'float32' | 'float64';

/** What every graph builder may take besides its own options. */
export interface GraphOptions {
  readonly lora?: LoraConfig; // apply an adapter: its A/B become inputs (default none: the base model)
  readonly dtype?: FloatDType; // float inputs and weights; float64 only for gradient checks (default float32)
}

// ---- parameters -------------------------------------------------------------------------------
export function paramShapes(cfg: ModelConfig): Record<string, number[]> {
  const { width: d, mlpRatio: r } = cfg;
  const shapes: Record<string, number[]> = {
    tok_emb: [cfg.textVocab + cfg.imageVocab, d],
    pos_emb: [cfg.maxSeq, d],
    'patch.up': [cfg.patchDim, d], 'patch.up_b': [d], 'patch.down': [d, d], 'patch.down_b': [d],
    'patch.ln.scale': [d], 'patch.ln.bias': [d], 'patch.pos': [cfg.imageTokens, d],
  };
  for (let i = 0; i < cfg.layers; i++) {
    Object.assign(shapes, {
      [`h${i}.ln1.scale`]: [d], [`h${i}.ln1.bias`]: [d],
      [`h${i}.attn.wq`]: [d, d], [`h${i}.attn.wk`]: [d, d], [`h${i}.attn.wv`]: [d, d], [`h${i}.attn.wo`]: [d, d],
      [`h${i}.ln2.scale`]: [d], [`h${i}.ln2.bias`]: [d],
      [`h${i}.mlp.up`]: [d, r * d], [`h${i}.mlp.up_b`]: [r * d], [`h${i}.mlp.down`]: [r * d, d], [`h${i}.mlp.down_b`]: [d],
    });
  }
  Object.assign(shapes, { 'ln_f.scale': [d], 'ln_f.bias': [d], head_text: [d, cfg.textVocab], head_image: [d, cfg.imageVocab] });
  return shapes;
}

/** Declare every parameter as a graph input (weights are fed, so training updates need no rebuild). */
export function declareParams(g: Graph, cfg: ModelConfig, dtype: FloatDType = 'float32'): Params {
  return Object.fromEntries(Object.entries(paramShapes(cfg)).map(([k, s]) => [k, g.input(k, dtype, s)]));
}

/** Declare an adapter's A/B as graph inputs (after the base parameters), plus its scale alpha / r. */
export function declareLora(g: Graph, cfg: ModelConfig, lora: LoraConfig, dtype: FloatDType = 'float32'): Params {
  const p: Params = Object.fromEntries(Object.entries(loraShapes(paramShapes(cfg), lora)).map(([k, s]) => [k, g.input(k, dtype, s)]));
  p['lora.scale'] = g.const(dtype, loraScale(lora));
  return p;
}

/** Base parameters and, when opts.lora is set, the adapter: the inputs of every model graph. */
export function declareModel(g: Graph, cfg: ModelConfig, opts: GraphOptions): Params {
  const dtype = opts.dtype ?? 'float32';
  return { ...declareParams(g, cfg, dtype), ...(opts.lora ? declareLora(g, cfg, opts.lora, dtype) : {}) };
}

/** x @ p[name] (+ p[bias]), plus the adapter's scale * (x @ A) @ B when it targets `name`. */
function proj(p: Params, name: string, x: Value, bias?: string): Value {
  const { a, b } = loraInputNames(name);
  const lora = p[a] ? { a: p[a], b: p[b], scale: p['lora.scale'] } : null;
  return linear(x, p[name], bias ? p[bias] : null, lora);
}

// ---- embeddings -------------------------------------------------------------------------------
/** ids [B, T] int32, positions [B, T] int32 -> [B, T, D] */
export const embedTokens = (p: Params, ids: Value, positions: Value): Value =>
  add(gather(p.tok_emb, ids), gather(p.pos_emb, positions));

/**
 * The understanding encoder: a 2-layer MLP per image cell, layer-normed, plus the cell's own
 * position embedding. pixels [B, N, P] -> [B, N, D]. The norm and the cell embedding (initialised
 * at the norm's scale) matter: without them the raw MLP output was ~100x larger than any position
 * embedding, so cell positions (hence relations) were drowned, and object size lived only in the
 * vector's length, which every pre-norm layer divides away (measured: both stayed at chance).
 */
export function embedPatches(p: Params, pixels: Value, positions: Value): Value {
  const h = gelu(linear(pixels, p['patch.up'], p['patch.up_b']));
  const e = layerNorm(linear(h, p['patch.down'], p['patch.down_b']), p['patch.ln.scale'], p['patch.ln.bias']);
  return add(e, gather(p['patch.pos'], positions));
}

// ---- the backbone -----------------------------------------------------------------------------
export interface KV {
  k: Value; // [B, H, S, K]
  v: Value;
}

/** How the backbone is built: `fusedAttention` (inference with a cache only) uses ORT's MultiHeadAttention kernel. */
export interface BackboneOptions {
  readonly fusedAttention?: boolean;
}

/** Causal self-attention over [past, x]; mask [B, 1, T, S] is additive (0 or -1e9). */
function attention(cfg: ModelConfig, p: Params, i: number, x: Value, mask: Value, past?: KV, opts: BackboneOptions = {}): { y: Value; kv: KV } {
  const [h, k] = [cfg.heads, headSize(cfg)];
  if (opts.fusedAttention && past) {
    // One kernel for split heads, cache append, scores, mask, softmax and merge: 12 nodes -> 1 per layer.
    const fused = multiHeadAttention(proj(p, `h${i}.attn.wq`, x), proj(p, `h${i}.attn.wk`, x), proj(p, `h${i}.attn.wv`, x), mask, past, h);
    return { y: proj(p, `h${i}.attn.wo`, fused.y), kv: { k: fused.k, v: fused.v } };
  }
  const split = (v: Value) => transpose(reshape(v, [0, 0, h, k]), [0, 2, 1, 3]); // [B, H, T, K]
  const q = split(proj(p, `h${i}.attn.wq`, x));
  let kk = split(proj(p, `h${i}.attn.wk`, x));
  let vv = split(proj(p, `h${i}.attn.wv`, x));
  if (past) {
    kk = concat([past.k, kk], 2); // [B, H, P+T, K]
    vv = concat([past.v, vv], 2);
  }
  const scores = add(mul(matMul(q, transpose(kk, [0, 1, 3, 2])), 1 / Math.sqrt(k)), mask); // [B, H, T, S]
  const att = matMul(softmax(scores, -1), vv); // [B, H, T, K]
  const merged = reshape(transpose(att, [0, 2, 1, 3]), [0, 0, cfg.width]); // [B, T, D]
  return { y: proj(p, `h${i}.attn.wo`, merged), kv: { k: kk, v: vv } };
}

function block(cfg: ModelConfig, p: Params, i: number, x: Value, mask: Value, past?: KV, opts?: BackboneOptions): { h: Value; kv: KV } {
  const a = attention(cfg, p, i, layerNorm(x, p[`h${i}.ln1.scale`], p[`h${i}.ln1.bias`]), mask, past, opts);
  const h1 = add(x, a.y);
  const up = gelu(proj(p, `h${i}.mlp.up`, layerNorm(h1, p[`h${i}.ln2.scale`], p[`h${i}.ln2.bias`]), `h${i}.mlp.up_b`));
  return { h: add(h1, proj(p, `h${i}.mlp.down`, up, `h${i}.mlp.down_b`)), kv: a.kv };
}

/** x [B, T, D] -> final-normed hidden states [B, T, D] and each layer's keys/values. */
export function backbone(cfg: ModelConfig, p: Params, x: Value, mask: Value, past?: KV[], opts?: BackboneOptions): { h: Value; present: KV[] } {
  const present: KV[] = [];
  let h = x;
  for (let i = 0; i < cfg.layers; i++) {
    const out = block(cfg, p, i, h, mask, past?.[i], opts);
    h = out.h;
    present.push(out.kv);
  }
  return { h: layerNorm(h, p['ln_f.scale'], p['ln_f.bias']), present };
}

/**
 * One step of image generation: ids/positions [B, T], mask [B, 1, T, P+T], the cache of P earlier
 * positions per layer -> the next code's logits [B, Vi] (at the last position) and the cache
 * extended by T.
 */
export function generationStep(
  cfg: ModelConfig, p: Params, ids: Value, positions: Value, mask: Value, past?: KV[], opts?: BackboneOptions,
): { logits: Value; present: KV[] } {
  const t = ids.shape[1];
  if (typeof t !== 'number') throw new Error(`generationStep: the step's length must be fixed, got ${String(t)}`);
  const { h, present } = backbone(cfg, p, embedTokens(p, ids, positions), mask, past, opts);
  const last = slice(h, [t - 1], [t], [1]); // [B, 1, D]
  return { logits: reshape(proj(p, 'head_image', last), [0, cfg.imageVocab]), present };
}

// ---- graphs -----------------------------------------------------------------------------------
const maskInput = (g: Graph, t: number | string, s: number | string, opts: GraphOptions) => g.input('mask', opts.dtype ?? 'float32', ['B', 1, t, s]);

/**
 * One generation step with a KV cache. Prefill (withPast false) takes the whole padded prompt of
 * each distinct prompt [B, T] and `rows` [R] (the prompt of each output row); decode steps take one
 * token per row and the cache. Outputs image logits at the last position.
 */
export function buildGenerationStepGraph(cfg: ModelConfig, opts: { withPast: boolean } & GraphOptions): Graph {
  const g = new Graph(opts.withPast ? 'generation_decode' : 'generation_prefill');
  const t = opts.withPast ? 1 : cfg.maxText;
  const ids = g.input('ids', 'int32', ['B', t]);
  const positions = g.input('positions', 'int32', ['B', t]);
  const mask = maskInput(g, t, opts.withPast ? 'S' : t, opts);
  const past = opts.withPast
    ? Array.from({ length: cfg.layers }, (_, i) => ({
        k: g.input(`past_k.${i}`, opts.dtype ?? 'float32', ['B', cfg.heads, 'P', headSize(cfg)]),
        v: g.input(`past_v.${i}`, opts.dtype ?? 'float32', ['B', cfg.heads, 'P', headSize(cfg)]),
      }))
    : undefined;
  // Prefill runs each distinct prompt once; `rows` [R] then copies its row to every image that
  // shares it (a group of G images has one prompt): R rows of logits and KV cache out of B computed.
  const rows = opts.withPast ? null : g.input('rows', 'int32', ['R']);
  const toRows = (v: Value) => (rows ? gather(v, rows, 0) : v);
  const p = declareModel(g, cfg, opts);
  const { logits, present } = generationStep(cfg, p, ids, positions, mask, past);
  g.output(toRows(logits), 'image_logits'); // [R, Vi]
  present.forEach((kv, i) => {
    g.output(toRows(kv.k), `present_k.${i}`); // [R, H, S, K]
    g.output(toRows(kv.v), `present_v.${i}`);
  });
  return g;
}

/** Understanding: log p(caption token j | image, caption < j) for j = 1..T-1. */
export function understandingLogProbs(cfg: ModelConfig, p: Params, pixels: Value, ids: Value, positions: Value, mask: Value): Value {
  const n = cfg.imageTokens;
  const imgPos = slice(positions, [0], [n], [1]);
  const txtPos = slice(positions, [n], [n + cfg.maxText], [1]);
  const x = concat([embedPatches(p, pixels, imgPos), embedTokens(p, ids, txtPos)], 1); // [B, N+T, D]
  const { h } = backbone(cfg, p, x, mask);
  const logits = proj(p, 'head_text', slice(h, [n], [n + cfg.maxText - 1], [1])); // [B, T-1, Vt]
  return tokenLogProbs(logits, slice(ids, [1], [cfg.maxText], [1])); // [B, T-1]
}

/** The scorer the intrinsic reward reads: per-token log-probs of given text after an image. */
export function buildUnderstandingScoreGraph(cfg: ModelConfig, opts: GraphOptions = {}): Graph {
  const g = new Graph('understanding_score');
  const pixels = g.input('pixels', opts.dtype ?? 'float32', ['B', cfg.imageTokens, cfg.patchDim]);
  const ids = g.input('ids', 'int32', ['B', cfg.maxText]);
  const positions = g.input('positions', 'int32', ['B', cfg.imageTokens + cfg.maxText]);
  const mask = maskInput(g, cfg.imageTokens + cfg.maxText, cfg.imageTokens + cfg.maxText, opts);
  const p = declareModel(g, cfg, opts);
  g.output(understandingLogProbs(cfg, p, pixels, ids, positions, mask), 'token_logp');
  return g;
}

/** Generation: image-code logits for z_1..z_N given the padded prompt (teacher-forced). [B, N, Vi] */
export function generationLogits(cfg: ModelConfig, p: Params, ids: Value, positions: Value, mask: Value): Value {
  const { h } = backbone(cfg, p, embedTokens(p, ids, positions), mask);
  const [t, n] = [cfg.maxText, cfg.imageTokens];
  return proj(p, 'head_image', slice(h, [t - 1], [t + n - 1], [1]));
}

/**
 * generationLogits for sequences whose prompts repeat (a GvU group: G images of one prompt): each
 * distinct prompt runs through the backbone once and its keys and values serve all its images, so
 * a group of 8 costs 16 + 20 / 8 positions per image instead of 36. The same logits, gradients
 * summed over the images that share a prompt. [B, N, Vi]
 */
export function sharedPromptLogits(cfg: ModelConfig, p: Params, ids: Value, positions: Value, mask: Value): Value {
  const [t, n] = [cfg.maxText, cfg.imageTokens];
  const prompt = (v: Value) => slice(v, [0], [t], [1]); // [B, T]
  const image = (v: Value) => slice(v, [t], [t + n], [1]); // [B, N]
  const { first, inverse } = uniqueRows(prompt(ids)); // [P], [B]
  const once = (v: Value) => gather(v, first, 0);
  const pre = backbone(cfg, p, embedTokens(p, once(prompt(ids)), once(prompt(positions))), once(slice(mask, [0, 0], [t, t], [2, 3])));
  const past = pre.present.map((kv) => ({ k: gather(kv.k, inverse, 0), v: gather(kv.v, inverse, 0) })); // [B, H, T, K]
  const img = backbone(cfg, p, embedTokens(p, image(ids), image(positions)), slice(mask, [t], [t + n], [2]), past); // [B, N, D]
  const atPromptEnd = gather(slice(pre.h, [t - 1], [t], [1]), inverse, 0); // [B, 1, D]: predicts z_1
  return proj(p, 'head_image', concat([atPromptEnd, slice(img.h, [0], [n - 1], [1])], 1));
}

/** Teacher-forced image-code logits for whole sequences (GvU's KL reference; GRPO's graph shares prompts the same way). */
export function buildGenerationLogitsGraph(cfg: ModelConfig, opts: GraphOptions = {}): Graph {
  const g = new Graph('generation_logits');
  const len = cfg.maxText + cfg.imageTokens;
  const ids = g.input('ids', 'int32', ['B', len]);
  const positions = g.input('positions', 'int32', ['B', len]);
  const mask = maskInput(g, len, len, opts);
  const p = declareModel(g, cfg, opts);
  g.output(sharedPromptLogits(cfg, p, ids, positions, mask), 'image_logits'); // [B, N, Vi]
  return g;
}

/**
 * Joint pretraining loss: image-code cross-entropy on (prompt, image) pairs plus caption
 * cross-entropy on (image, caption) pairs, one shared backbone. Gradients come from autodiff.
 */
export function buildPretrainLossGraph(cfg: ModelConfig): Graph {
  const g = new Graph('pretrain');
  const [t, n] = [cfg.maxText, cfg.imageTokens];
  const genIds = g.input('gen_ids', 'int32', ['B', t + n]);
  const genPos = g.input('gen_positions', 'int32', ['B', t + n]);
  const genMask = g.input('gen_mask', 'float32', ['B', 1, t + n, t + n]);
  const undPixels = g.input('und_pixels', 'float32', ['U', n, cfg.patchDim]);
  const undIds = g.input('und_ids', 'int32', ['U', t]);
  const undPos = g.input('und_positions', 'int32', ['U', n + t]);
  const undMask = g.input('und_mask', 'float32', ['U', 1, n + t, n + t]);
  const undWeights = g.input('und_weights', 'float32', ['U', t - 1]); // 1 on real caption tokens
  const p = declareParams(g, cfg);

  const targets = sub(slice(genIds, [t], [t + n], [1]), g.const('int32', cfg.textVocab)); // [B, N] codes
  const genLoss = crossEntropy(generationLogits(cfg, p, genIds, genPos, genMask), targets);
  const logp = understandingLogProbs(cfg, p, undPixels, undIds, undPos, undMask); // [U, T-1]
  const undLoss = neg(weightedMean(logp, undWeights));
  g.output(genLoss, 'gen_loss');
  g.output(undLoss, 'und_loss');
  g.output(add(genLoss, undLoss), 'loss');
  return g;
}

