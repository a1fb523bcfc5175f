// Composite layers built from primitive ops; their gradients come from the primitives' rules.
// Shapes in comments: B batch, T time, D width, H heads, K head size, V vocabulary.
import type { Value } from './graph.ts';
import {
  add, div, pow, gatherElements, matMul, maximum, mul, neg, reduceLogSumExp, reduceMean, reduceSum, reshape,
  sigmoid, softmax, sqrt, sub, tanh, transpose, unsqueeze,
} from './ops/index.ts';

/** x @ W + b, with an optional low-rank (LoRA) update scale * (x @ A) @ B (scale a number or a scalar value). */
export function linear(x: Value, w: Value, b?: Value | null, lora?: { a: Value; b: Value; scale: number | Value } | null): Value {
  let y = matMul(x, w); // [.., Din] @ [Din, Dout]
  if (lora) y = add(y, mul(matMul(matMul(x, lora.a), lora.b), lora.scale));
  return b ? add(y, b) : y;
}

/**
 * LayerNorm over the last axis, as a composite written in the pattern ORT's optimiser fuses into
 * one LayerNormalization kernel (it looks for Pow(x - mean, 2)): forward-only graphs (sampling,
 * scoring) run 1 node instead of 9; a gradient graph, which reads the intermediates, keeps them.
 */
export function layerNorm(x: Value, scale: Value, bias: Value | null, eps = 1e-5): Value {
  const mu = reduceMean(x, [-1], true); // [.., 1]
  const xc = sub(x, mu);
  const variance = reduceMean(pow(xc, 2), [-1], true);
  const y = mul(div(xc, sqrt(add(variance, eps))), scale);
  return bias ? add(y, bias) : y;
}

export function rmsNorm(x: Value, scale: Value, eps = 1e-6): Value {
  return mul(div(x, sqrt(add(reduceMean(mul(x, x), [-1], true), eps))), scale);
}

export const silu = (x: Value): Value => mul(x, sigmoid(x));

/**
 * GELU, tanh approximation (Erf has no float64 CPU kernel, which the gradient checks use), written
 * as ORT's FastGeluFusion matches it, (0.5 x) (1 + tanh((sqrt(2/pi) x) (1 + (0.044715 x) x))):
 * forward-only graphs run one FastGelu; gradient graphs keep Muls (Pow(x, 3) is 2-3x a Mul).
 */
export function gelu(x: Value): Value {
  const inner = mul(add(mul(mul(x, 0.044715), x), 1), mul(x, Math.sqrt(2 / Math.PI)));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

/** log softmax over the last axis via ReduceLogSumExp (LogSoftmax would leave the WebGPU EP). */
export const logSoftmax = (logits: Value): Value => sub(logits, reduceLogSumExp(logits, [-1], true));

/** log p(target) per position: logits [.., V], targets int32 [..] -> [..]. */
export function tokenLogProbs(logits: Value, targets: Value): Value {
  const lp = logSoftmax(logits);
  return reshape(gatherElements(lp, unsqueeze(targets, [-1]), -1), [...targets.shape.map(() => 0)]);
}

/** sum(x * w) / sum(w) over all axes, a scalar; 0 when every weight is 0. */
export function weightedMean(x: Value, w: Value): Value {
  const all = (v: Value) => reduceSum(v, v.shape.map((_, i) => i), false);
  return div(all(mul(x, w)), maximum(all(w), 1e-9));
}

/** Mean cross-entropy over positions where mask is 1 (mask float [..], same shape as targets). */
export function crossEntropy(logits: Value, targets: Value, mask?: Value): Value {
  const nll = neg(tokenLogProbs(logits, targets));
  return mask ? weightedMean(nll, mask) : reduceMean(nll, targets.shape.map((_, i) => i), false);
}

export interface AttentionWeights {
  wq: Value; wk: Value; wv: Value; wo: Value; // [D, D]
}

/**
 * Multi-head causal self-attention. x [B, T, D]; mask [T, T] additive (0 or -1e9) for causality.
 */
export function causalSelfAttention(x: Value, w: AttentionWeights, heads: number, mask: Value): Value {
  const d = x.shape[2];
  if (typeof d !== 'number' || d % heads !== 0) throw new Error(`attention: width ${d} is not divisible by ${heads} heads`);
  const k = d / heads;
  const split = (v: Value) => transpose(reshape(v, [0, 0, heads, k]), [0, 2, 1, 3]); // [B, H, T, K]
  const q = split(matMul(x, w.wq));
  const kk = split(matMul(x, w.wk));
  const v = split(matMul(x, w.wv));
  const scores = add(mul(matMul(q, transpose(kk, [0, 1, 3, 2])), 1 / Math.sqrt(k)), mask); // [B, H, T, T]
  const att = matMul(softmax(scores, -1), v); // [B, H, T, K]
  const merged = reshape(transpose(att, [0, 2, 1, 3]), [0, 0, d]); // [B, T, D]
  return matMul(merged, w.wo);
}

/** Additive causal mask [T, T]: 0 on and below the diagonal, -1e9 above. */
export function causalMaskData(t: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) out.push(j <= i ? 0 : -1e9);
  return out;
}

