// Every gradient rule in the op table against float64 central finite differences, including
// broadcasting (static and symbolic dims) and fan-out.
import { describe, expect, it } from 'vitest';
import * as op from '../../../src/core/graph/ops/index.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { checkGradients, f64, positive } from './gradcheck.ts';

describe('elementwise gradients', () => {
  it('Add, Sub, Mul, Div reduce broadcast axes back to each input', async () => {
    const inputs = { a: { data: f64([2, 3, 4], 1) }, b: { data: positive([4], 2) }, c: { data: positive([3, 1], 3) } };
    await checkGradients(inputs, ({ a, b, c }) => op.div(op.mul(op.sub(op.add(a, b), c), a), op.add(b, c)));
  });

  it('broadcasts over a symbolic batch dim', async () => {
    const inputs = { x: { data: f64([3, 4], 4), shape: ['B', 4] }, w: { data: f64([1, 4], 5) } };
    await checkGradients(inputs, ({ x, w }) => op.reshape(op.mul(x, w), [3, 4]));
  });

  it('Neg, Exp, Log, Sqrt, Sigmoid, Tanh', async () => {
    const inputs = { x: { data: positive([2, 5], 6) } };
    await checkGradients(inputs, ({ x }) =>
      op.add(op.add(op.neg(op.exp(op.mul(x, 0.3))), op.log(x)), op.add(op.sqrt(x), op.add(op.sigmoid(x), op.tanh(x)))),
    );
  });

  it('Erf (float32 inside: ORT has no float64 Erf kernel)', async () => {
    const inputs = { x: { data: f64([2, 5], 35) } };
    await checkGradients(inputs, ({ x }) => op.cast(op.erf(op.cast(x, 'float32')), 'float64'), { eps: 1e-3, atol: 1e-4, rtol: 1e-3 });
  });

  it('Pow gives gradients for base and exponent', async () => {
    const inputs = { x: { data: positive([2, 3], 7) }, p: { data: f64([3], 8, 0.5) } };
    await checkGradients(inputs, ({ x, p }) => op.pow(x, p));
  });

  it('Min and Max route the gradient to the chosen operand', async () => {
    const inputs = { a: { data: f64([3, 4], 9) }, b: { data: f64([4], 10) } };
    await checkGradients(inputs, ({ a, b }) => op.add(op.minimum(a, b), op.mul(op.maximum(a, b), 2)));
  });

  it('Clip passes the gradient only inside the bounds', async () => {
    const x = tensor('float64', [6], [-2, -0.5, 0.1, 0.4, 0.9, 1.7]);
    await checkGradients({ x: { data: x } }, ({ x }) => op.clip(x, -1, 1));
    await checkGradients({ x: { data: x } }, ({ x }) => op.clip(x, 0, null));
  });

  it('Where with a broadcast mask', async () => {
    const cond = tensor('bool', [1, 4], [1, 0, 0, 1]);
    const inputs = { c: { data: cond }, a: { data: f64([3, 4], 11) }, b: { data: f64([3, 1], 12) } };
    await checkGradients(inputs, ({ c, a, b }) => op.where(c, a, b));
  });

  it('Cast passes the gradient through a float32 round trip', async () => {
    const inputs = { x: { data: f64([2, 3], 13) } };
    // float32 inside: loose tolerance, the rule itself is exact
    await checkGradients(inputs, ({ x }) => op.cast(op.mul(op.cast(x, 'float32'), 2), 'float64'), { eps: 1e-3, atol: 1e-4, rtol: 1e-3 });
  });
});

describe('matmul gradients', () => {
  it('batched [B,M,K] @ shared [K,N]', async () => {
    await checkGradients({ a: { data: f64([2, 3, 4], 14) }, b: { data: f64([4, 5], 15) } }, ({ a, b }) => op.matMul(a, b));
  });
  it('batched @ batched and broadcast batch dims', async () => {
    await checkGradients({ a: { data: f64([2, 1, 3, 4], 16) }, b: { data: f64([3, 4, 2], 17) } }, ({ a, b }) => op.matMul(a, b));
  });
  it('symbolic batch dim', async () => {
    const inputs = { a: { data: f64([2, 3, 4], 18), shape: ['B', 3, 4] }, b: { data: f64([4, 2], 19) } };
    await checkGradients(inputs, ({ a, b }) => op.reshape(op.matMul(a, b), [2, 3, 2]));
  });
});

describe('layout gradients', () => {
  it('Reshape and Transpose', async () => {
    await checkGradients({ x: { data: f64([2, 3, 4], 20) } }, ({ x }) => op.transpose(op.reshape(x, [0, 2, -1]), [2, 0, 1]));
  });
  it('Concat splits the gradient back', async () => {
    await checkGradients({ a: { data: f64([2, 3], 21) }, b: { data: f64([2, 1], 22) } }, ({ a, b }) => op.concat([a, b, a], 1));
  });
  it('Slice pads the gradient back, negative starts and several axes', async () => {
    await checkGradients({ x: { data: f64([3, 5, 4], 23) } }, ({ x }) => op.slice(x, [-4, 1], [4, 3], [1, 2]));
  });
  it('Slice to the end of a symbolic axis', async () => {
    const inputs = { x: { data: f64([2, 5], 24), shape: ['B', 5] } };
    await checkGradients(inputs, ({ x }) => op.reshape(op.slice(x, [1], [Infinity], [1]), [2, 4]));
  });
  it('Unsqueeze, Squeeze, Expand', async () => {
    await checkGradients({ x: { data: f64([3, 1], 25) } }, ({ x }) => op.expand(op.unsqueeze(x, [0]), [2, 3, 4]));
    await checkGradients({ x: { data: f64([3, 1], 26) } }, ({ x }) => op.unsqueeze(op.squeeze(x, [1]), [0]));
  });
});

describe('indexing gradients', () => {
  it('Gather sums gradients of repeated rows (int32 and int64 indices)', async () => {
    for (const dtype of ['int32', 'int64'] as const) {
      const idx = tensor(dtype, [2, 3], [0, 2, 2, 4, 0, 0]);
      await checkGradients({ e: { data: f64([5, 3], 27) }, i: { data: idx } }, ({ e, i }) => op.gather(e, i, 0));
    }
  });
  it('GatherElements picks chosen entries, with repeats', async () => {
    const idx = tensor('int32', [2, 3, 2], [0, 3, 1, 1, 2, 2, 0, 0, 3, 1, 2, 0]);
    await checkGradients({ x: { data: f64([2, 3, 4], 28) }, i: { data: idx } }, ({ x, i }) => op.gatherElements(x, i, -1));
  });
});

describe('reduction gradients', () => {
  it('Softmax over the last and a middle axis', async () => {
    await checkGradients({ x: { data: f64([2, 3, 4], 29) } }, ({ x }) => op.add(op.softmax(x, -1), op.softmax(x, 1)));
  });
  it('ReduceLogSumExp with and without keepdims', async () => {
    const x = { data: f64([2, 3, 4], 30) };
    await checkGradients({ x }, ({ x }) => op.reduceLogSumExp(x, [-1], true));
    await checkGradients({ x }, ({ x }) => op.reduceLogSumExp(x, [0, 2], false));
  });
  it('ReduceSum, ReduceMean, ReduceMax', async () => {
    const x = { data: f64([2, 3, 4], 31) };
    await checkGradients({ x }, ({ x }) => op.reduceSum(x, [1], false));
    await checkGradients({ x }, ({ x }) => op.reduceMean(x, [0, 2], true));
    await checkGradients({ x }, ({ x }) => op.reduceMax(x, [-1], false));
  });
  it('ReduceMean over a symbolic axis counts elements at run time', async () => {
    const inputs = { x: { data: f64([3, 4], 32), shape: ['N', 4] } };
    await checkGradients(inputs, ({ x }) => op.reduceMean(x, [0], false));
  });
});

describe('autodiff walker', () => {
  it('sums gradients over fan-out', async () => {
    await checkGradients({ x: { data: f64([4], 33) } }, ({ x }) => op.mul(op.exp(x), op.add(x, op.mul(x, x))));
  });
  it('names the op when a gradient rule is missing', async () => {
    await expect(checkGradients({ x: { data: positive([3], 34) } }, ({ x }) => op.unsqueeze(x.graph.node('ReduceProd', [x, x.graph.const('int64', [0], [1])], { keepdims: 0 })[0], [0])))
      .rejects.toThrow(/no gradient rule for ReduceProd \(node ReduceProd_\d+\)/);
  });
});
