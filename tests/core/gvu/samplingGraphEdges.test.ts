// The in-graph sampler (samplingGraph.ts) fed directly, with uniforms chosen by the test, against a
// reference written here: the step-by-step prefill/decode sessions give each step's logits and
// sampleToken draws in JavaScript with the same uniform. Edges the seeded comparison rarely reaches:
// a prompt of one token (four pads), a min-p that drops most codes, temperatures far from 1,
// uniforms of 0 and at/over the cumulative total (the fallback to the last kept code).
import { describe, expect, it } from 'vitest';
import { NO_FILTER, type TokenFilter, logProbAt, policyLogProbs, sampleToken } from '../../../src/core/gvu/sampleToken.ts';
import { distinctPrompts, generationStepModels } from '../../../src/core/gvu/sampling.ts';
import { buildSamplingGraph } from '../../../src/core/gvu/samplingGraph.ts';
import { Graph, serializeModel } from '../../../src/core/graph/index.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { packDecodeStep, packGeneration } from '../../../src/core/model/sequences.ts';
import { type Weights, initWeights } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { Results } from '../../../src/core/runtime/session.ts';
import { mulberry32, randn, tensor } from '../../../src/core/tensor.ts';

// Eight codes so a strong min-p leaves a kept set whose first and last codes differ.
const CFG: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 8,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};
// [5]: four pads; the full-length prompt: none; [1, 6, 3] twice: two rows share one prefill row.
const PROMPTS = [[5], [1, 4, 5, 3, 2], [1, 6, 3], [1, 6, 3]];

/** Random weights seeded by each name's characters (not its length: wk and wv differ, so a cache mixing up keys and values shows). */
function weightsOf(scale: number): Weights {
  const w = initWeights(CFG, 5);
  const seed = (k: string) => [...k].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_003, 7);
  for (const [k, t] of Object.entries(w)) if (!/scale|bias|_b$/.test(k)) w[k] = randn('float32', t.dims, seed(k), scale);
  return w;
}

interface Drawn { codes: number[][]; policy: number[][]; model: number[][] }

/** The graph's draw: one call with the test's uniforms [n][N]. */
async function inGraph(w: Weights, f: TokenFilter, uniforms: number[][]): Promise<Drawn> {
  const s = await createNodeSession(serializeModel(buildSamplingGraph(CFG)));
  const { distinct, rowOf } = distinctPrompts(PROMPTS);
  const pre = packGeneration(CFG, distinct);
  const n = PROMPTS.length;
  const out = await s.run({
    ids: pre.ids, positions: pre.positions, mask: pre.mask,
    rows: tensor('int32', [n], rowOf), pads: tensor('int32', [n], Array.from(rowOf, (d) => pre.pads[d])),
    uniforms: tensor('float64', [n, CFG.imageTokens], uniforms.flat()),
    temperature: tensor('float64', [], [f.temperature]), min_p: tensor('float64', [], [f.minP]), ...w,
  });
  await s.release();
  const rows = (x: ArrayLike<number>) => Array.from({ length: n }, (_, r) => Array.from(x).slice(r * CFG.imageTokens, (r + 1) * CFG.imageTokens));
  expect(out.codes.dims).toEqual([n, CFG.imageTokens]);
  return { codes: rows(out.codes.data as Int32Array), policy: rows(out.policy_logp.data as Float64Array), model: rows(out.model_logp.data as Float64Array) };
}

/** The reference: prefill and decode sessions (one prompt row per image, no sharing), sampleToken in JS. */
async function stepByStep(w: Weights, f: TokenFilter, uniforms: number[][]): Promise<Drawn & { logits: Float32Array[][] }> {
  const m = generationStepModels(CFG);
  const [prefill, decode] = [await createNodeSession(m.prefill), await createNodeSession(m.decode)];
  const n = PROMPTS.length;
  const pre = packGeneration(CFG, PROMPTS);
  const d: Drawn & { logits: Float32Array[][] } = { codes: [], policy: [], model: [], logits: [] };
  for (let r = 0; r < n; r++) Object.values(d).forEach((a) => a.push([]));
  let out: Results = await prefill.run({ ids: pre.ids, positions: pre.positions, mask: pre.mask, rows: tensor('int32', [n], [0, 1, 2, 3]), ...w });
  for (let step = 0; step < CFG.imageTokens; step++) {
    const logits = out.image_logits.data as Float32Array;
    for (let r = 0; r < n; r++) {
      const row = logits.slice(r * CFG.imageVocab, (r + 1) * CFG.imageVocab);
      const t = sampleToken(row, f, uniforms[r][step]);
      d.codes[r].push(t.token); d.policy[r].push(t.policyLogp); d.model[r].push(t.modelLogp); d.logits[r].push(row);
    }
    if (step === CFG.imageTokens - 1) break;
    const dec = packDecodeStep(CFG, d.codes.map((c) => c[step]), step, pre.pads);
    const past: Results = {};
    for (let i = 0; i < CFG.layers; i++) [past[`past_k.${i}`], past[`past_v.${i}`]] = [out[`present_k.${i}`], out[`present_v.${i}`]];
    out = await decode.run({ ids: dec.ids, positions: dec.positions, mask: dec.mask, ...past, ...w });
  }
  await Promise.all([prefill.release(), decode.release()]);
  return d;
}

function expectSame(a: Drawn, b: Drawn, what: string): void {
  expect(a.codes, what).toEqual(b.codes);
  a.policy.flat().forEach((x, i) => expect(x, `${what} policy ${i}`).toBeCloseTo(b.policy.flat()[i], 5));
  a.model.flat().forEach((x, i) => expect(x, `${what} model ${i}`).toBeCloseTo(b.model.flat()[i], 5));
}

const uniformsOf = (seed: number): number[][] => {
  const rng = mulberry32(seed);
  return PROMPTS.map(() => Array.from({ length: CFG.imageTokens }, () => rng()));
};

describe('buildSamplingGraph declares', () => {
  it('its documented inputs (batch dims B and n, scalar settings) and outputs', () => {
    const g = buildSamplingGraph(CFG);
    expect(g.name).toBe('sample_images');
    const shapes = Object.fromEntries(g.inputs.slice(0, 8).map((k) => [k, [g.values.get(k)!.dtype, g.values.get(k)!.shape]]));
    expect(shapes).toEqual({
      ids: ['int32', ['B', 5]], positions: ['int32', ['B', 5]], mask: ['float32', ['B', 1, 5, 5]],
      rows: ['int32', ['n']], pads: ['int32', ['n']], uniforms: ['float64', ['n', 4]],
      temperature: ['float64', []], min_p: ['float64', []],
    });
    expect(g.outputs).toEqual(['codes', 'policy_logp', 'model_logp']);
  });

  it('a loop of N - 1 decode steps whose KV cache is declared growing: [n, heads, P, headSize]', () => {
    const g = buildSamplingGraph(CFG);
    const loops = g.nodes.filter((nd) => nd.op === 'Loop');
    expect(loops).toHaveLength(1);
    const body = loops[0].attrs.body as Graph;
    expect(body).toBeInstanceOf(Graph);
    // Inputs: iter, cond, the carried code, then k and v of each layer.
    expect(body.inputs).toHaveLength(2 + 1 + 2 * CFG.layers);
    const cache = body.inputs.slice(3).map((k) => body.values.get(k)!.shape);
    expect(cache).toEqual(Array(2 * CFG.layers).fill(['n', 2, 'P', 8])); // headSize = 16 / 2
    const trips = g.values.get(loops[0].inputs[0]!)!;
    expect(trips.dtype).toBe('int64');
  });
});

describe('the in-graph draw against sampleToken in JavaScript, uniforms chosen by the test', () => {
  it('heavy padding, temperatures 0.25 and 4, min-p off and on: the same codes and log-probs', async () => {
    const w = weightsOf(0.6);
    const filters: TokenFilter[] = [
      { ...NO_FILTER, temperature: 0.25 }, { ...NO_FILTER, temperature: 4 }, { ...NO_FILTER, temperature: 0.25, minP: 0.05 },
      { ...NO_FILTER, temperature: 4, minP: 0.9 },
    ];
    for (const [k, f] of filters.entries()) {
      const u = uniformsOf(70 + k);
      const ref = await stepByStep(w, f, u);
      expectSame(await inGraph(w, f, u), ref, JSON.stringify(f));
      if (f.minP === 0.9) {
        // The check has teeth: min-p 0.9 at T = 4 keeps some codes and drops others.
        const kept = ref.logits.flat().map((row) => Array.from(policyLogProbs(row, f)).filter((x) => x > -Infinity).length);
        expect(Math.min(...kept)).toBeGreaterThanOrEqual(1);
        expect(kept.some((c) => c > 1 && c < CFG.imageVocab)).toBe(true);
      }
    }
    // The temperature acts: T = 0.25 and T = 4 give different policy log-probs than the model's.
    const sharp = await inGraph(w, { ...NO_FILTER, temperature: 0.25 }, uniformsOf(70));
    expect(sharp.policy.flat().some((p, i) => Math.abs(p - sharp.model.flat()[i]) > 0.1)).toBe(true);
  });

  it('model_logp is the raw model at temperature 1, whatever the temperature and min-p', async () => {
    const w = weightsOf(0.6);
    const f = { ...NO_FILTER, temperature: 3, minP: 0.5 };
    const u = uniformsOf(5);
    const ref = await stepByStep(w, f, u);
    const d = await inGraph(w, f, u);
    d.model.forEach((row, r) => row.forEach((x, s) => expect(x).toBeCloseTo(logProbAt(ref.logits[r][s], d.codes[r][s]), 5)));
  });

  it('a uniform of 0 takes the first kept code; one at or past the cumulative total takes the last kept code', async () => {
    const w = weightsOf(0.6);
    const f = { ...NO_FILTER, temperature: 2, minP: 0.4 };
    for (const edge of [0, 1 - 2 ** -53, 1, 1.5]) {
      const u = PROMPTS.map(() => Array(CFG.imageTokens).fill(edge));
      const ref = await stepByStep(w, f, u);
      const d = await inGraph(w, f, u);
      expectSame(d, ref, `u = ${edge}`);
      // Independently of sampleToken: the first (u = 0) or last (u >= 1) code min-p keeps.
      ref.logits.forEach((rows, r) => rows.forEach((row, s) => {
        const lp = Array.from(row, (x) => x / f.temperature);
        const top = Math.max(...lp);
        const kept = lp.flatMap((x, i) => (x >= top + Math.log(f.minP) ? [i] : []));
        if (edge === 0 || edge >= 1) expect(d.codes[r][s], `u = ${edge}, image ${r}, step ${s}`).toBe(edge === 0 ? kept[0] : kept[kept.length - 1]);
      }));
    }
    // The fallback has teeth: some step keeps several codes, so first and last kept differ.
    const ref = await stepByStep(w, f, PROMPTS.map(() => Array(CFG.imageTokens).fill(0)));
    const keptCounts = ref.logits.flat().map((row) => Array.from(policyLogProbs(row, f)).filter((x) => x > -Infinity).length);
    expect(keptCounts.some((c) => c > 1 && c < CFG.imageVocab)).toBe(true);
  });
});
