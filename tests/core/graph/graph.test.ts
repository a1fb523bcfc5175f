// The builder: shape inference, clear errors, and serialisation that onnxruntime loads.
import { describe, expect, it } from 'vitest';
import { Graph, add, concat, matMul, reshape, serializeModel, slice, transpose, divideDim, productDim } from '../../../src/core/graph/index.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { tensor, toNumbers } from '../../../src/core/tensor.ts';

describe('shape inference', () => {
  it('tracks symbolic dims through matmul, reshape and transpose', () => {
    const g = new Graph('s');
    const x = g.input('x', 'float32', ['B', 'T', 8]);
    const w = g.init('w', tensor('float32', [8, 8], new Array(64).fill(0)));
    const y = reshape(matMul(x, w), [0, 0, 2, 4]);
    expect(y.shape).toEqual(['B', 'T', 2, 4]);
    expect(transpose(y, [0, 2, 1, 3]).shape).toEqual(['B', 2, 'T', 4]);
    expect(reshape(x, [-1, 8]).shape).toEqual(['B*T', 8]);
    expect(concat([x, x], 1).shape).toEqual(['B', 'T+T', 8]);
    expect(slice(x, [1], [Infinity], [1]).shape).toEqual(['B', 'T-1', 8]);
  });

  it('symbolic products divide and multiply canonically', () => {
    expect(productDim(['T', 4, 'B'])).toBe('4*B*T');
    expect(divideDim('4*B*T', 4)).toBe('B*T');
    expect(divideDim('B*T', 'T')).toBe('B');
    expect(divideDim('B', 3)).toBeNull();
  });

  it('names the shapes when broadcasting or matmul dims do not fit', () => {
    const g = new Graph('e');
    const a = g.input('a', 'float32', [2, 3]);
    const b = g.input('b', 'float32', [4, 5]);
    expect(() => add(a, b)).toThrow(/cannot broadcast \[2, 3\] with \[4, 5\]/);
    expect(() => matMul(a, b)).toThrow(/inner dims differ, \[2, 3\] @ \[4, 5\]/);
    expect(() => g.node('NoSuchOp', [a])).toThrow(/unknown op NoSuchOp/);
  });
});

describe('serialisation', () => {
  it('produces a model onnxruntime runs with dynamic dims', async () => {
    const g = new Graph('m');
    const x = g.input('x', 'float32', ['B', 2]);
    const w = g.init('w', tensor('float32', [2, 2], [1, 2, 3, 4]));
    g.output(add(matMul(x, w), 1), 'y');
    const s = await createNodeSession(serializeModel(g));
    expect(s.inputNames).toEqual(['x']);
    const out = await s.run({ x: tensor('float32', [3, 2], [1, 0, 0, 1, 1, 1]) });
    expect(out.y.dims).toEqual([3, 2]);
    expect(toNumbers(out.y)).toEqual([2, 3, 4, 5, 5, 7]);
  });

  it('rejects missing and mistyped feeds, naming the tensor', async () => {
    const g = new Graph('m');
    const x = g.input('x', 'float32', ['B', 2]);
    g.output(add(x, 1), 'y');
    const s = await createNodeSession(serializeModel(g), { inputs: [{ name: 'x', dtype: 'float32', rank: 2 }] });
    await expect(s.run({})).rejects.toThrow(/missing feeds: x/);
    await expect(s.run({ x: tensor('float64', [1, 2], [1, 2]) })).rejects.toThrow(/feed x: got float64\[1, 2\]/);
    await expect(s.run({ x: tensor('float32', [1, 2], [1, 2]), z: tensor('float32', [1], [0]) })).rejects.toThrow(/unknown feeds: z/);
  });
});
