// The fixture's `language_model` graph: a Llama decoder as the onnx-community Janus export has it.
// Inputs inputs_embeds [B, T, D], attention_mask int64 [B, S] (S = past + T), position_ids int64
// [B, T] and past_key_values.{i}.key/value [B, KV, P, hd]; outputs the final-normed hidden_states
// [B, T, D] (lm_head and gen_head take it by that name) and present.{i}.key/value [B, KV, S, hd].
// RMSNorm, rotary positions from position_ids (rotate-half, as HF Llama), grouped-query attention
// and a SwiGLU MLP, so a runtime that feeds wrong positions, a wrong mask or a wrong cache shows up.
import {
  Graph, type Value, add, and, cast, concat, cos, gather, lessEq, matMul, mul, neg, range, reshape, shapeOf,
  sin, slice, softmax, sub, transpose, unsqueeze, where,
} from '../../core/graph/index.ts';
import { rmsNorm, silu } from '../../core/graph/nn.ts';
import { JANUS_TINY, type JanusTiny, normScale, weight } from './sizes.ts';

const NEG = -1e9; // finite, so a fully masked row (transformers.js' CFG row) gives a uniform softmax, not NaN

/** Additive attention bias [B, 1, 1, T, S]: key s is visible to query t when s <= P + t and attention_mask[b, s] = 1. */
function attentionBias(g: Graph, x: Value, mask: Value): Value {
  const i64 = (v: number) => g.const('int64', v);
  const s = gather(shapeOf(mask), i64(1)); // scalar S
  const t = gather(shapeOf(x), i64(1)); // scalar T
  const keyIdx = unsqueeze(range(i64(0), s, i64(1)), [0]); // [1, S]
  const queryIdx = unsqueeze(range(sub(s, t), s, i64(1)), [1]); // [T, 1] absolute positions of the new tokens
  const causal = lessEq(keyIdx, queryIdx); // [T, S]
  const keep = unsqueeze(cast(mask, 'bool'), [1, 2, 3]); // [B, 1, 1, 1, S]
  return where(and(causal, keep), g.const('float32', 0), NEG); // [B, 1, 1, T, S]
}

/** cos and sin of the rotary angles, [B, 1, T, hd], from position ids [B, T]. */
function rotary(g: Graph, positions: Value, s: JanusTiny): { cos: Value; sin: Value } {
  const half = s.headDim / 2;
  const invFreq = Array.from({ length: half }, (_, j) => s.ropeTheta ** ((-2 * j) / s.headDim));
  const angle = mul(unsqueeze(cast(positions, 'float32'), [-1]), g.const('float32', invFreq)); // [B, T, hd/2]
  const emb = unsqueeze(concat([angle, angle], -1), [1]); // [B, 1, T, hd]
  return { cos: cos(emb), sin: sin(emb) };
}

/** x * cos + rotate_half(x) * sin; x [B, h, T, hd]. */
function applyRotary(x: Value, r: { cos: Value; sin: Value }, hd: number): Value {
  const rotated = concat([neg(slice(x, [hd / 2], [hd], [-1])), slice(x, [0], [hd / 2], [-1])], -1);
  return add(mul(x, r.cos), mul(rotated, r.sin));
}

interface KV { key: Value; value: Value } // [B, KV, S, hd]

function attention(g: Graph, s: JanusTiny, i: number, x: Value, bias: Value, rope: { cos: Value; sin: Value }, past: KV): { y: Value; present: KV } {
  const { heads: h, kvHeads: kvh, headDim: hd } = s;
  const w = (n: string, dout: number) => g.init(`layers.${i}.self_attn.${n}`, weight(`layers.${i}.self_attn.${n}`, [s.hidden, dout]));
  const split = (v: Value, n: number) => transpose(reshape(v, [0, 0, n, hd]), [0, 2, 1, 3]); // [B, n, T, hd]
  const q = applyRotary(split(matMul(x, w('q_proj', h * hd)), h), rope, hd);
  const k = concat([past.key, applyRotary(split(matMul(x, w('k_proj', kvh * hd)), kvh), rope, hd)], 2); // [B, KV, S, hd]
  const v = concat([past.value, split(matMul(x, w('v_proj', kvh * hd)), kvh)], 2);
  // Grouped queries: query head j reads key/value head floor(j / (h / kvh)), as HF repeat_kv.
  const q5 = reshape(q, [0, kvh, h / kvh, -1, hd]); // [B, KV, rep, T, hd]
  const scores = add(mul(matMul(q5, transpose(unsqueeze(k, [2]), [0, 1, 2, 4, 3])), 1 / Math.sqrt(hd)), bias); // [B, KV, rep, T, S]
  const att = matMul(softmax(scores, -1), unsqueeze(v, [2])); // [B, KV, rep, T, hd]
  const merged = reshape(transpose(reshape(att, [0, h, -1, hd]), [0, 2, 1, 3]), [0, 0, h * hd]); // [B, T, D]
  return { y: matMul(merged, w('o_proj', s.hidden)), present: { key: k, value: v } };
}

function mlp(g: Graph, s: JanusTiny, i: number, x: Value): Value {
  const w = (n: string, dims: number[]) => g.init(`layers.${i}.mlp.${n}`, weight(`layers.${i}.mlp.${n}`, dims));
  const gate = silu(matMul(x, w('gate_proj', [s.hidden, s.intermediate])));
  return matMul(mul(gate, matMul(x, w('up_proj', [s.hidden, s.intermediate]))), w('down_proj', [s.intermediate, s.hidden]));
}

export function buildLanguageModelGraph(s: JanusTiny = JANUS_TINY): Graph {
  const g = new Graph('language_model');
  let x = g.input('inputs_embeds', 'float32', ['batch_size', 'sequence_length', s.hidden]);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positions = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  const past: KV[] = [];
  for (let i = 0; i < s.layers; i++) {
    const cache = (kind: string) => g.input(`past_key_values.${i}.${kind}`, 'float32', ['batch_size', s.kvHeads, 'past_sequence_length', s.headDim]);
    past.push({ key: cache('key'), value: cache('value') });
  }
  const bias = attentionBias(g, x, mask);
  const rope = rotary(g, positions, s);
  const norm = (name: string, v: Value) => rmsNorm(v, g.init(name, normScale(name, s.hidden)), s.rmsEps);
  const present: KV[] = [];
  for (let i = 0; i < s.layers; i++) {
    const a = attention(g, s, i, norm(`layers.${i}.input_layernorm`, x), bias, rope, past[i]);
    x = add(x, a.y);
    x = add(x, mlp(g, s, i, norm(`layers.${i}.post_attention_layernorm`, x)));
    present.push(a.present);
  }
  g.output(norm('norm', x), 'hidden_states'); // [B, T, D]
  const cacheShape = ['batch_size', s.kvHeads, 'total_sequence_length', s.headDim];
  present.forEach((kv, i) => {
    g.output(g.setShape(kv.key, cacheShape), `present.${i}.key`);
    g.output(g.setShape(kv.value, cacheShape), `present.${i}.value`);
  });
  return g;
}
