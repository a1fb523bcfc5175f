// Gradient checking against central finite differences in float64 on onnxruntime-node.
// The op's output y is contracted with fixed random weights R (loss = sum(R * y)), so every output
// element matters and rules like Softmax's (whose plain sum has zero gradient) are really tested.
import { expect } from 'vitest';
import { Graph, type Value, buildGradientGraph, mul, reduceSum, serializeModel, type Dim, isStatic } from '../../../src/core/graph/index.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { type TensorData, mulberry32, randn } from '../../../src/core/tensor.ts';

export interface CheckInput {
  readonly data: TensorData;
  /** Differentiate with respect to this input (default: float inputs). */
  readonly grad?: boolean;
  /** Declared graph shape (symbolic dims allowed); default the data's dims. */
  readonly shape?: readonly Dim[];
}

export interface CheckOptions {
  readonly eps?: number;
  /** Check at most this many elements per input (random subset), default all. */
  readonly maxElements?: number;
  readonly atol?: number;
  readonly rtol?: number;
}

/**
 * Build `loss = sum(R * build(inputs))`, differentiate it, and compare every analytic gradient with
 * (f(x + eps) - f(x - eps)) / 2eps. float64 with eps 1e-6 gives truncation ~1e-12 and round-off
 * ~1e-10, so atol 1e-6 / rtol 1e-5 leaves a wide margin yet catches any wrong rule (errors O(1)).
 */
export async function checkGradients(
  inputs: Record<string, CheckInput>,
  build: (v: Record<string, Value>) => Value,
  opts: CheckOptions = {},
): Promise<{ checked: number; maxErr: number }> {
  const g = new Graph('check');
  const vals = Object.fromEntries(Object.entries(inputs).map(([k, c]) => [k, g.input(k, c.data.dtype, c.shape ?? c.data.dims)]));
  const y = build(vals);
  const yShape = isStatic(y.shape) ? y.shape : null;
  if (!yShape) throw new Error(`checkGradients: output shape must be static, got [${y.shape.join(', ')}]`);
  const r = g.init('R', randn('float64', yShape, 99));
  g.output(reduceSum(mul(y, r), yShape.map((_, i) => i)), 'loss');

  const wrt = Object.keys(inputs).filter((k) => inputs[k].grad ?? inputs[k].data.dtype === 'float64');
  const feeds = Object.fromEntries(Object.entries(inputs).map(([k, c]) => [k, c.data]));
  return checkGraphGradients(g, 'loss', feeds, wrt, opts);
}

/**
 * The same comparison for a whole float64 graph with a scalar output `loss` (a model's training
 * graph): analytic gradients from buildGradientGraph against central differences of the graph.
 */
export async function checkGraphGradients(
  g: Graph,
  loss: string,
  feeds: Record<string, TensorData>,
  wrt: readonly string[],
  opts: CheckOptions = {},
): Promise<{ checked: number; maxErr: number }> {
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-5 } = opts;
  const gradModel = await createNodeSession(serializeModel(buildGradientGraph(g, loss, wrt)), { optimize: false });
  const lossModel = await createNodeSession(serializeModel(g), { optimize: false });
  const analytic = await gradModel.run(feeds);
  const lossAt = async (f: Record<string, TensorData>) => (await lossModel.run(f, [loss]))[loss].data[0] as number;

  let checked = 0;
  let maxErr = 0;
  for (const k of wrt) {
    if (feeds[k].dtype !== 'float64') throw new Error(`checkGraphGradients: ${k} is ${feeds[k].dtype}, finite differences need float64`);
    const base = feeds[k].data as Float64Array;
    const grad = analytic[`grad.${k}`];
    expect(grad.dims, `gradient shape of ${k}`).toEqual(feeds[k].dims);
    for (const i of pick(base.length, opts.maxElements, k)) {
      const at = async (delta: number) => {
        const x = Float64Array.from(base);
        x[i] += delta;
        return lossAt({ ...feeds, [k]: { dtype: 'float64', dims: feeds[k].dims, data: x } });
      };
      const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      const got = grad.data[i] as number;
      const err = Math.abs(got - numeric);
      maxErr = Math.max(maxErr, err);
      expect(err, `d ${loss} / d ${k}[${i}]: analytic ${got}, numeric ${numeric}`).toBeLessThanOrEqual(atol + rtol * Math.abs(numeric));
      checked++;
    }
  }
  await gradModel.release();
  await lossModel.release();
  return { checked, maxErr };
}

function pick(n: number, max: number | undefined, key: string): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (!max || n <= max) return all;
  const rand = mulberry32(key.length * 7919 + n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, max);
}

/** float64 input helpers */
export const f64 = (dims: number[], seed: number, scale = 1): TensorData<'float64'> => randn('float64', dims, seed, scale);

export function positive(dims: number[], seed: number, lo = 0.5): TensorData<'float64'> {
  const t = randn('float64', dims, seed);
  for (let i = 0; i < t.data.length; i++) t.data[i] = lo + Math.abs(t.data[i]);
  return t;
}
