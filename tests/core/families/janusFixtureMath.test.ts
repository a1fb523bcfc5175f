// The fixture's graphs compute what they claim, checked against plain float64 TypeScript (not the
// toolkit, not transformers.js): the decoder is an HF-style Llama (RMSNorm, rotate-half rotary
// positions taken from position_ids, grouped-query attention with query head j on key/value head
// floor(j / (H / KV)), SwiGLU) and prepare_inputs_embeds places image rows as upstream Janus.
import { describe, expect, it } from 'vitest';
import { buildLanguageModelGraph } from '../../../src/cli/janusFixture/decoder.ts';
import { buildPrepareInputsEmbedsGraph } from '../../../src/cli/janusFixture/embedGraphs.ts';
import { JANUS_TINY, numImageTokens } from '../../../src/cli/janusFixture/sizes.ts';
import { serializeModel } from '../../../src/core/graph/index.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { type TensorData, randn, tensor, toNumbers } from '../../../src/core/tensor.ts';

const S = JANUS_TINY;
const D = S.hidden;
type Mat = number[][];

const lmGraph = buildLanguageModelGraph();
const w = (name: string): number[] => toNumbers(lmGraph.initializers.get(name)!);
const rows = (flat: number[], cols: number): Mat => Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
const matmul = (x: Mat, flatW: number[], dout: number): Mat => x.map((r) => Array.from({ length: dout }, (_, j) => r.reduce((s, v, k) => s + v * flatW[k * dout + j], 0)));
const rms = (x: Mat, scale: number[]): Mat => x.map((r) => {
  const inv = 1 / Math.sqrt(r.reduce((s, v) => s + v * v, 0) / r.length + S.rmsEps);
  return r.map((v, i) => v * inv * scale[i]);
});
const addInto = (x: Mat, y: Mat): Mat => x.map((r, i) => r.map((v, j) => v + y[i][j]));

/** Rotate-half rotary embedding of one head vector at position p. */
function rope(v: number[], p: number): number[] {
  const half = S.headDim / 2;
  const out = [...v];
  for (let j = 0; j < half; j++) {
    const a = p * S.ropeTheta ** ((-2 * j) / S.headDim);
    out[j] = v[j] * Math.cos(a) - v[j + half] * Math.sin(a);
    out[j + half] = v[j + half] * Math.cos(a) + v[j] * Math.sin(a);
  }
  return out;
}

/** Llama over one sequence x [T, D] at the given positions, causal, no padding: final-normed [T, D]. */
function llamaReference(x0: Mat, positions: number[]): Mat {
  const { heads: h, kvHeads: kvh, headDim: hd } = S;
  let x = x0;
  for (let l = 0; l < S.layers; l++) {
    const a = rms(x, w(`layers.${l}.input_layernorm`));
    const head = (m: Mat, i: number, t: number) => rope(m[t].slice(i * hd, (i + 1) * hd), positions[t]);
    const q = matmul(a, w(`layers.${l}.self_attn.q_proj`), h * hd);
    const k = matmul(a, w(`layers.${l}.self_attn.k_proj`), kvh * hd);
    const v = matmul(a, w(`layers.${l}.self_attn.v_proj`), kvh * hd);
    const merged: Mat = x.map(() => []);
    for (let j = 0; j < h; j++) {
      const g = Math.floor(j / (h / kvh));
      for (let t = 0; t < x.length; t++) {
        const qt = head(q, j, t);
        const scores = Array.from({ length: t + 1 }, (_, s) => head(k, g, s).reduce((acc, kv, i) => acc + kv * qt[i], 0) / Math.sqrt(hd));
        const m = Math.max(...scores);
        const e = scores.map((sc) => Math.exp(sc - m));
        const z = e.reduce((acc, val) => acc + val, 0);
        const out = Array<number>(hd).fill(0);
        e.forEach((p, s) => v[s].slice(g * hd, (g + 1) * hd).forEach((vv, i) => (out[i] += (p / z) * vv)));
        merged[t].push(...out);
      }
    }
    x = addInto(x, matmul(merged, w(`layers.${l}.self_attn.o_proj`), D));
    const b = rms(x, w(`layers.${l}.post_attention_layernorm`));
    const gate = matmul(b, w(`layers.${l}.mlp.gate_proj`), S.intermediate);
    const up = matmul(b, w(`layers.${l}.mlp.up_proj`), S.intermediate);
    const act = gate.map((r, i) => r.map((gv, j) => (gv / (1 + Math.exp(-gv))) * up[i][j]));
    x = addInto(x, matmul(act, w(`layers.${l}.mlp.down_proj`), D));
  }
  return rms(x, w('norm'));
}

const emptyCache = (batch: number) => Object.fromEntries(Array.from({ length: S.layers }, (_, i) => ['key', 'value'].map((k) => [
  `past_key_values.${i}.${k}`, tensor('float32', [batch, S.kvHeads, 0, S.headDim], []),
])).flat());

describe('language_model', () => {
  it('is a Llama decoder: equals a float64 reference at positions 5..10 (so position_ids drive the rotary angles)', async () => {
    const lm = await createNodeSession(serializeModel(lmGraph));
    const t = 6;
    const x = randn('float32', [1, t, D], 7);
    const positions = Array.from({ length: t }, (_, i) => 5 + i);
    const out = await lm.run({
      inputs_embeds: x,
      attention_mask: tensor('int64', [1, t], Array<number>(t).fill(1)),
      position_ids: tensor('int64', [1, t], positions),
      ...emptyCache(1),
    });
    const ref = llamaReference(rows(toNumbers(x), D), positions).flat();
    const got = toNumbers(out.hidden_states);
    expect(Math.max(...got.map((v, i) => Math.abs(v - ref[i])))).toBeLessThan(1e-4);
  });

  it('ignores left padding masked out by attention_mask (a padded row equals the same row unpadded)', async () => {
    const lm = await createNodeSession(serializeModel(lmGraph));
    const [t, pad] = [4, 3];
    const x = randn('float32', [1, t, D], 8);
    const junk = randn('float32', [1, pad, D], 9);
    const run = (emb: TensorData, mask: number[], pos: number[]) => lm.run({
      inputs_embeds: emb, attention_mask: tensor('int64', [1, mask.length], mask), position_ids: tensor('int64', [1, pos.length], pos), ...emptyCache(1),
    });
    const plain = await run(x, [1, 1, 1, 1], [0, 1, 2, 3]);
    const padded = await run(tensor('float32', [1, t + pad, D], [...junk.data, ...x.data]), [0, 0, 0, 1, 1, 1, 1], [1, 1, 1, 0, 1, 2, 3]);
    const a = toNumbers(plain.hidden_states);
    const b = toNumbers(padded.hidden_states).slice(pad * D);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5);
  });
});

describe('prepare_inputs_embeds', () => {
  const N = numImageTokens();
  const graph = buildPrepareInputsEmbedsGraph();
  const table = toNumbers(graph.initializers.get('embed_tokens.weight')!);
  const tokenRow = (id: number) => table.slice(id * D, (id + 1) * D);

  it('puts the image rows whose images_emb_mask is true, in order, at the images_seq_mask positions; token embeddings elsewhere', async () => {
    const s = await createNodeSession(serializeModel(graph));
    const pixels = randn('float32', [1, 2, 3, S.imageSize, S.imageSize], 11);
    const run = async (seq: number[], emb: number[]) => {
      const t = seq.length;
      const out = await s.run({
        input_ids: tensor('int64', [1, t], seq.map((_, i) => i % 50)),
        pixel_values: pixels,
        images_seq_mask: tensor('bool', [1, t], seq),
        images_emb_mask: tensor('bool', [1, 2, N], emb),
      });
      return rows(toNumbers(out.inputs_embeds), D);
    };
    // Every image row placed: positions 1..2N hold image 0 then image 1.
    const all = await run([0, ...Array<number>(2 * N).fill(1), 0], Array<number>(2 * N).fill(1));
    // Image 1's first 4 rows dropped by images_emb_mask: 2N - 4 positions get the rest, in order.
    const some = await run([0, ...Array<number>(2 * N - 4).fill(1), 0, 0], [...Array<number>(N + 4).fill(1).fill(0, N, N + 4), ...Array<number>(N - 4).fill(1)]);
    expect(some.slice(1, N + 1)).toEqual(all.slice(1, N + 1));
    expect(some.slice(N + 1, 2 * N - 3)).toEqual(all.slice(N + 5, 2 * N + 1));
    for (const [row, id] of [[0, 0], [2 * N - 3, (2 * N - 3) % 50], [2 * N - 2, (2 * N - 2) % 50]]) {
      expect(Math.max(...some[row].map((v, j) => Math.abs(v - tokenRow(id)[j])))).toBeLessThan(1e-6);
    }
  });

  it("takes transformers.js' no-image feeds, also with CFG's batch 2 against a batch-1 images_seq_mask", async () => {
    const s = await createNodeSession(serializeModel(graph));
    const out = await s.run({
      input_ids: tensor('int64', [2, 3], [1, 2, 3, 4, 5, 6]),
      pixel_values: tensor('float32', [0, 0, 3, 384, 384], []),
      images_seq_mask: tensor('bool', [1, 3], [0, 0, 0]),
      images_emb_mask: tensor('bool', [1, 0, N], []),
    });
    expect(out.inputs_embeds.dims).toEqual([2, 3, D]);
    expect(toNumbers(out.inputs_embeds).slice(5 * D)).toEqual(tokenRow(6).map((v) => Math.fround(v)));
  });
});
