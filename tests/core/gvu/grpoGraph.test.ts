// The GRPO graph: the objective on hand-made numbers (clipping by the advantage's sign, k3 KL,
// masking), its direction at ratio 1, float64 finite differences of the loss head and of the whole
// model's LoRA gradients, and a float32 training step on a fresh adapter fed by a real rollout.
import { describe, expect, it } from 'vitest';
import { Graph, type Value, buildGradientGraph, serializeModel } from '../../../src/core/graph/index.ts';
import { buildGrpoGradientModel, buildGrpoLossGraph, grpoObjective, loraParamNames } from '../../../src/core/gvu/grpoGraph.ts';
import { NO_FILTER } from '../../../src/core/gvu/sampleToken.ts';
import { generationStepModels, sampleImages } from '../../../src/core/gvu/sampling.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import type { LoraConfig } from '../../../src/core/model/lora.ts';
import { packGeneration } from '../../../src/core/model/sequences.ts';
import { type Weights, initLora, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { type TensorData, mulberry32, randn, tensor } from '../../../src/core/tensor.ts';
import { checkGradients, checkGraphGradients, f64 } from '../graph/gradcheck.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 8, layers: 1, heads: 2, mlpRatio: 2, textVocab: 6, imageVocab: 5,
  imageTokens: 3, patchDim: 2, maxText: 4, maxSeq: 7,
};
const LORA: LoraConfig = { rank: 2, alpha: 4, targets: ['attn.wq', 'attn.wk', 'attn.wv', 'attn.wo', 'mlp.up', 'mlp.down', 'head_text', 'head_image'] };
const PROMPTS = [[1, 2, 3], [4, 5, 3], [2, 3]];
const CODES = [[0, 1, 2], [4, 3, 2], [1, 1, 0]];

// ---- the loss head on its own ------------------------------------------------------------------
const TERMS = ['old_logp', 'ref_logp', 'advantages', 'token_weights', 'clip_eps', 'beta'] as const;

/** A float64 graph of grpoObjective alone, plus d loss / d logp. */
async function objectiveSession(b: number, n: number) {
  const g = new Graph('objective');
  const logp = g.input('logp', 'float64', [b, n]);
  const v = Object.fromEntries(TERMS.map((k) => [k, g.input(k, 'float64', k === 'advantages' ? [b] : k === 'clip_eps' || k === 'beta' ? [] : [b, n])]));
  const s = grpoObjective(logp, { oldLogp: v.old_logp, refLogp: v.ref_logp, advantages: v.advantages, tokenWeights: v.token_weights, clipEps: v.clip_eps, beta: v.beta });
  g.output(s.loss, 'loss');
  g.output(s.kl, 'kl');
  g.output(s.clipFrac, 'clip_frac');
  g.output(s.ratioMean, 'ratio_mean');
  const session = await createNodeSession(serializeModel(buildGradientGraph(g, 'loss', ['logp'])));
  return async (feeds: Record<string, number[]>) => {
    const dims = (k: string) => (k === 'advantages' ? [b] : k === 'clip_eps' || k === 'beta' ? [] : [b, n]);
    const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, x]) => [k, tensor('float64', dims(k), x)])));
    const num = (k: string) => out[k].data[0] as number;
    return { loss: num('loss'), kl: num('kl'), clipFrac: num('clip_frac'), ratioMean: num('ratio_mean'), grad: Array.from(out['grad.logp'].data as Float64Array) };
  };
}

describe('grpoObjective', () => {
  // Rows: A = +1 then A = -1; tokens: log ratio +0.5 then -0.5, with eps = 0.2.
  //   A > 0, ratio 1.65: clipped at 1.2 (no gradient)   A > 0, ratio 0.61: unclipped (min is ratio * A)
  //   A < 0, ratio 1.65: unclipped (-1.65 < -1.2)       A < 0, ratio 0.61: clipped at -0.8 (no gradient)
  const logp = [-1, -2, -1.5, -0.7];
  const old = [-1.5, -1.5, -2, -0.2];
  const ref = [-1.2, -1.8, -1.5, -1];
  const [up, down] = [Math.exp(0.5), Math.exp(-0.5)];
  const k3 = (d: number) => Math.exp(d) - d - 1;
  const dK3 = (d: number) => 1 - Math.exp(d); // d kl / d logp, with d = ref - logp

  it('clips only on the side the advantage rewards, and adds beta * k3 KL', async () => {
    const run = await objectiveSession(2, 2);
    const beta = 0.1;
    const out = await run({ logp, old_logp: old, ref_logp: ref, advantages: [1, -1], token_weights: [1, 1, 1, 1], clip_eps: [0.2], beta: [beta] });
    const d = ref.map((r, i) => r - logp[i]);
    const kl = d.map(k3);
    const surrogate = [1.2, down, -up, -0.8];
    const meanKl = kl.reduce((a, b) => a + b) / 4;
    expect(out.loss).toBeCloseTo(-surrogate.reduce((a, b) => a + b) / 4 + beta * meanKl, 12);
    expect(out.kl).toBeCloseTo(meanKl, 12);
    expect(out.clipFrac).toBe(0.5);
    expect(out.ratioMean).toBeCloseTo((up + down) / 2, 12);
    // clipped tokens (0 and 3) keep only the KL gradient; the others also get -A * ratio
    const want = [0, -down, up, 0].map((s, i) => (s + beta * dK3(d[i])) / 4);
    out.grad.forEach((gv, i) => expect(gv, `token ${i}`).toBeCloseTo(want[i], 12));
  });

  it('token_weights drop tokens from the mean and from the gradient', async () => {
    const run = await objectiveSession(2, 2);
    const out = await run({ logp, old_logp: old, ref_logp: ref, advantages: [1, -1], token_weights: [1, 1, 0, 1], clip_eps: [0.2], beta: [0] });
    expect(out.loss).toBeCloseTo(-(1.2 + down - 0.8) / 3, 12);
    expect(out.clipFrac).toBeCloseTo(2 / 3, 12);
    expect(out.grad).toEqual([0, -down / 3, 0, 0].map((x) => expect.closeTo(x, 12)));
    const none = await run({ logp, old_logp: old, ref_logp: ref, advantages: [1, -1], token_weights: [0, 0, 0, 0], clip_eps: [0.2], beta: [0] });
    expect([none.loss, ...none.grad]).toEqual([0, 0, 0, 0, 0]);
  });

  it('at ratio 1 a positive advantage lowers the loss as logp rises (a negative one raises it)', async () => {
    const run = await objectiveSession(2, 2);
    const at = (lp: number[]) => run({ logp: lp, old_logp: logp, ref_logp: logp, advantages: [0.7, -0.7], token_weights: [1, 1, 1, 1], clip_eps: [0.2], beta: [0.03] });
    const base = await at(logp);
    expect(base.ratioMean).toBe(1);
    expect(base.kl).toBe(0);
    expect(base.loss).toBeCloseTo(0, 15); // -mean(A) over tokens
    expect(base.grad).toEqual([-0.7 / 4, -0.7 / 4, 0.7 / 4, 0.7 / 4].map((x) => expect.closeTo(x, 12))); // KL gradient is 0 at logp = ref
    expect((await at([logp[0] + 0.01, logp[1] + 0.01, logp[2], logp[3]])).loss).toBeLessThan(base.loss);
    expect((await at([logp[0], logp[1], logp[2] + 0.01, logp[3] + 0.01])).loss).toBeGreaterThan(base.loss);
  });

  it('gradient with respect to logp matches float64 finite differences', async () => {
    const [b, n] = [3, 4];
    const lp = f64([b, n], 1, 0.5);
    const old = Float64Array.from(lp.data, (x, i) => x + (i % 3 === 0 ? 0.6 : i % 3 === 1 ? -0.6 : 0.05) * (i % 2 ? 1 : -1)); // in and out of the clip range
    const fixed = (data: TensorData) => ({ data, grad: false });
    await checkGradients(
      {
        logp: { data: lp },
        old: fixed(tensor('float64', [b, n], old)),
        ref: fixed(f64([b, n], 2, 0.5)),
        adv: fixed(tensor('float64', [b], [1.3, -0.4, 0.9])),
        w: fixed(tensor('float64', [b, n], [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0])),
        eps: fixed(tensor('float64', [], [0.2])),
        beta: fixed(tensor('float64', [], [0.3])),
      },
      ({ logp, old, ref, adv, w, eps, beta }): Value =>
        grpoObjective(logp, { oldLogp: old, refLogp: ref, advantages: adv, tokenWeights: w, clipEps: eps, beta }).loss,
    );
  });
});

// ---- the whole training graph ------------------------------------------------------------------
function baseWeights(): Weights {
  const w = initWeights(CFG, 3);
  for (const [k, t] of Object.entries(w)) if (!/scale|bias|_b$/.test(k)) w[k] = randn('float32', t.dims, k.length * 13, 0.4);
  return w;
}

const asF64 = (w: Record<string, TensorData>) =>
  Object.fromEntries(Object.entries(w).map(([k, t]) => [k, t.dtype === 'float32' ? tensor('float64', t.dims, Float64Array.from(t.data as Float32Array)) : t]));

describe('buildGrpoLossGraph', () => {
  it('declares the documented inputs and outputs', () => {
    const g = buildGrpoLossGraph(CFG, LORA);
    expect(g.inputs.slice(0, 9)).toEqual(['ids', 'positions', 'mask', 'old_logp', 'ref_logp', 'advantages', 'token_weights', 'clip_eps', 'beta']);
    expect(g.inputs.slice(-2)).toEqual(['lora.head_image.A', 'lora.head_image.B']);
    expect(g.outputs).toEqual(['loss', 'kl', 'clip_frac', 'ratio_mean', 'logp']);
    expect(loraParamNames(CFG, LORA)).toHaveLength(16);
  });

  it('the training model names its adapter in the ONNX doc string (what Netron shows)', () => {
    const bytes = Buffer.from(buildGrpoGradientModel(CFG, LORA));
    expect(bytes.includes('GRPO on LoRA r=2 alpha=4')).toBe(true);
  });

  it('declares each input with its batch dim B and size (T = maxText + N = 4 + 3)', () => {
    const g = buildGrpoLossGraph(CFG, LORA);
    expect(g.name).toBe('grpo');
    const shapes = Object.fromEntries(g.inputs.slice(0, 9).map((k) => [k, g.values.get(k)!.shape]));
    expect(shapes).toEqual({
      ids: ['B', 7], positions: ['B', 7], mask: ['B', 1, 7, 7], old_logp: ['B', 3], ref_logp: ['B', 3],
      advantages: ['B'], token_weights: ['B', 3], clip_eps: [], beta: [],
    });
  });

  it('LoRA gradients of the whole model match float64 finite differences', async () => {
    const lw = initLora(CFG, LORA, 4);
    for (const k of Object.keys(lw)) if (k.endsWith('.B')) lw[k] = randn('float32', lw[k].dims, k.length * 7, 0.3); // B != 0, else dA = 0
    const tf = packGeneration(CFG, PROMPTS, CODES);
    const weights = asF64({ ...baseWeights(), ...lw, mask: tf.mask });
    const g = buildGrpoLossGraph(CFG, LORA, { dtype: 'float64' });
    const [b, n] = [PROMPTS.length, CFG.imageTokens];
    const rand = mulberry32(9);
    const probe = { ids: tf.ids, positions: tf.positions, ...weights, clip_eps: tensor('float64', [], [0.2]), beta: tensor('float64', [], [0.05]) };
    const zeros = tensor('float64', [b, n], new Float64Array(b * n));
    const ones = tensor('float64', [b, n], new Float64Array(b * n).fill(1));
    const first = await (await createNodeSession(serializeModel(g))).run({ ...probe, old_logp: zeros, ref_logp: zeros, advantages: tensor('float64', [b], [0, 0, 0]), token_weights: ones });
    const logp = first.logp.data as Float64Array;
    // old_logp puts some tokens well inside the clip range and some well outside (clipped on either side)
    const old = Float64Array.from(logp, (x, i) => x + [0.05, -0.5, 0.5, -0.1][i % 4]);
    const ref = Float64Array.from(logp, (x) => x + (rand() - 0.5));
    const feeds = {
      ...probe, old_logp: tensor('float64', [b, n], old), ref_logp: tensor('float64', [b, n], ref),
      advantages: tensor('float64', [b], [1.1, -0.8, 0.4]), token_weights: tensor('float64', [b, n], [1, 1, 1, 1, 0, 1, 1, 1, 1]),
    };
    const { checked } = await checkGraphGradients(g, 'loss', feeds, loraParamNames(CFG, LORA), { maxElements: 6 });
    expect(checked).toBe(16 * 6);
  });

  it('a fresh adapter fed by a real rollout: ratio 1, KL 0, and one step raises logp where A > 0', async () => {
    const w = baseWeights();
    const lw = initLora(CFG, LORA, 5); // B = 0: the policy is the base model, which is also the reference
    const m = generationStepModels(CFG);
    const sessions = { prefill: await createNodeSession(m.prefill), decode: await createNodeSession(m.decode) };
    const imgs = await sampleImages(CFG, w, sessions, PROMPTS, { ...NO_FILTER, groupSize: 1, cfgScale: 1, seeds: [1, 2, 3] });
    const tf = packGeneration(CFG, PROMPTS, imgs.map((im) => Array.from(im.codes)));
    const [b, n] = [PROMPTS.length, CFG.imageTokens];
    const modelLogp = tensor('float32', [b, n], Float32Array.from(imgs.flatMap((im) => Array.from(im.modelLogp))));
    const adv = [1, 1, -1];
    const feeds = {
      ids: tf.ids, positions: tf.positions, mask: tf.mask, old_logp: modelLogp, ref_logp: modelLogp,
      advantages: tensor('float32', [b], adv), token_weights: tensor('float32', [b, n], new Float32Array(b * n).fill(1)),
      clip_eps: tensor('float32', [], [0.2]), beta: tensor('float32', [], [0.03]), ...w,
    };
    const train = await createNodeSession(buildGrpoGradientModel(CFG, LORA));
    const out = await train.run({ ...feeds, ...lw });
    // float32 logp from the teacher-forced graph vs the sampler's float32 KV-cache logits: 1e-5 apart at most
    const lp = out.logp.data as Float32Array;
    lp.forEach((v, i) => expect(Math.abs(v - modelLogp.data[i]), `token ${i}`).toBeLessThan(1e-5));
    expect(out.ratio_mean.data[0]).toBeCloseTo(1, 5);
    // k3 = exp(d) - d - 1 in float32 with d ~ 1e-7: zero up to float32 rounding of exp near 1 (the
    // sampler's forward graph fuses LayerNorm, the gradient graph cannot, so d is not exactly 0)
    expect(Math.abs(Number(out.kl.data[0]))).toBeLessThan(1e-7);
    expect(out.clip_frac.data[0]).toBe(0);
    expect(out.loss.data[0]).toBeCloseTo(-(1 + 1 - 1) / 3, 5); // -mean over tokens of A
    expect(Array.from(out['grad.lora.h0.attn.wq.A'].data as Float32Array).every((v) => v === 0)).toBe(true); // B = 0 blocks dA
    expect(Math.max(...Array.from(out['grad.lora.head_image.B'].data as Float32Array, Math.abs))).toBeGreaterThan(1e-4);
    expect(Array.from(out['grad.lora.head_text.B'].data as Float32Array).every((v) => v === 0)).toBe(true); // the text head is not on this path

    // one plain gradient step on the adapter
    const lr = 0.5;
    const stepped: Weights = {};
    for (const k of loraParamNames(CFG, LORA)) {
      const grad = out[`grad.${k}`].data as Float32Array;
      stepped[k] = tensor('float32', lw[k].dims, Float32Array.from(lw[k].data, (v, i) => v - lr * grad[i]));
    }
    const after = await train.run({ ...feeds, ...stepped });
    expect(after.loss.data[0]).toBeLessThan(out.loss.data[0]);
    // The samples share the adapter, so one sample's logp may move against its advantage; what the
    // step must raise is the advantage-weighted log-likelihood, the surrogate at ratio 1.
    const weighted = (x: Float32Array) => adv.reduce((s, a, r) => s + a * x.subarray(r * n, (r + 1) * n).reduce((u, v) => u + v, 0), 0);
    expect(weighted(after.logp.data as Float32Array)).toBeGreaterThan(weighted(lp) + 1e-3);
  });
});
