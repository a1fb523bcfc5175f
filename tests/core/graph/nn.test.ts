// Composite layers and a whole transformer block, gradient-checked end to end.
import { describe, expect, it } from 'vitest';
import { inlineGraph, nn, reshape } from '../../../src/core/graph/index.ts';
import { buildBlockGraph } from '../../../src/core/graph/blockGraph.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { tensor, toNumbers } from '../../../src/core/tensor.ts';
import { checkGradients, f64 } from './gradcheck.ts';

describe('composite layers', () => {
  it('layerNorm and rmsNorm', async () => {
    const inputs = { x: { data: f64([2, 3, 6], 40) }, s: { data: f64([6], 41) }, b: { data: f64([6], 42) } };
    await checkGradients(inputs, ({ x, s, b }) => nn.layerNorm(x, s, b));
    await checkGradients(inputs, ({ x, s }) => nn.rmsNorm(x, s));
  });
  it('gelu and silu', async () => {
    await checkGradients({ x: { data: f64([3, 4], 43, 2) } }, ({ x }) => nn.gelu(x));
    await checkGradients({ x: { data: f64([3, 4], 44, 2) } }, ({ x }) => nn.silu(x));
  });
  it('linear with a LoRA update', async () => {
    const inputs = {
      x: { data: f64([2, 3, 4], 45) }, w: { data: f64([4, 5], 46) }, b: { data: f64([5], 47) },
      la: { data: f64([4, 2], 48) }, lb: { data: f64([2, 5], 49) },
    };
    await checkGradients(inputs, ({ x, w, b, la, lb }) => nn.linear(x, w, b, { a: la, b: lb, scale: 4 }));
  });
  it('masked cross-entropy through logSoftmax and GatherElements', async () => {
    const inputs = {
      logits: { data: f64([2, 3, 5], 50) },
      t: { data: tensor('int32', [2, 3], [0, 4, 2, 2, 1, 3]) },
      m: { data: tensor('float64', [2, 3], [1, 1, 0, 1, 0, 1]), grad: false },
    };
    await checkGradients(inputs, ({ logits, t, m }) => reshape(nn.crossEntropy(logits, t, m), [1]));
  });
});

describe('transformer block', () => {
  it('gradients of every parameter match finite differences', async () => {
    const block = buildBlockGraph({ batch: 2, seq: 5, width: 8, heads: 2, vocab: 7, dtype: 'float64', withGrad: false });
    const inputs = Object.fromEntries(
      Object.entries(block.feeds).map(([k, t]) => [k, { data: t, grad: block.params.includes(k) }]),
    );
    const { checked } = await checkGradients(
      inputs,
      (v) => reshape(inlineGraph(v.x.graph, block.graph, v).loss, [1]),
      { maxElements: 12 },
    );
    expect(checked).toBeGreaterThan(12 * 10);
  });

  it('dynamic batch: the gradient graph runs for any batch size', async () => {
    const block = buildBlockGraph({ batch: 'B', seq: 4, width: 8, heads: 2, dtype: 'float32', withGrad: true });
    const s = await createNodeSession(block.model);
    const out = await s.run(block.feeds);
    expect(out['grad.wq'].dims).toEqual([8, 8]);
    expect(toNumbers(out.loss).every(Number.isFinite)).toBe(true);
  });
});
