// freezeInputs: inputs become initializers holding the given tensors, unused ones are dropped, a
// tensor that does not fit its input is refused by name; and a session of the frozen model drops
// the very tensors it holds from its feeds and refuses any other tensor under their names.
import { describe, expect, it } from 'vitest';
import { Graph, add, freezeInputs, matMul, serializeModel } from '../../../src/core/graph/index.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { tensor } from '../../../src/core/tensor.ts';

const graph = () => {
  const g = new Graph('affine');
  const x = g.input('x', 'float32', ['B', 2]);
  const w = g.input('w', 'float32', [2, 2]);
  const b = g.input('b', 'float32', [2]);
  g.input('unused', 'float32', [3]);
  g.output(add(matMul(x, w), b), 'y');
  return g;
};
const W = tensor('float32', [2, 2], [1, 2, 3, 4]);
const B = tensor('float32', [2], [10, 20]);
const X = tensor('float32', [1, 2], [1, 1]);

describe('freezeInputs', () => {
  it('stores the named inputs as initializers, drops unused ones and leaves the graph it was given as it was', () => {
    const g = graph();
    const f = freezeInputs(g, { w: W, b: B, unused: tensor('float32', [3], [0, 0, 0]) });
    expect(f.inputs).toEqual(['x']);
    expect(f.initializers.get('w')).toBe(W);
    expect(f.initializers.get('b')).toBe(B);
    expect(f.initializers.has('unused')).toBe(false);
    expect(g.inputs).toEqual(['x', 'w', 'b', 'unused']);
    expect(g.initializers.has('w')).toBe(false);
  });

  it('refuses a tensor whose dtype or fixed dims differ from its input, naming it', () => {
    expect(() => freezeInputs(graph(), { w: tensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]) })).toThrow('freezeInputs affine: w is float32[2, 3], the input wants float32[2, 2]');
    expect(() => freezeInputs(graph(), { b: tensor('float64', [2], [1, 2]) })).toThrow('b is float64[2], the input wants float32[2]');
  });

  it('gives the same outputs as feeding the tensors; the session drops the frozen tensors from the feeds and refuses others', async () => {
    const U = tensor('float32', [3], [0, 0, 0]);
    const fed = await createNodeSession(serializeModel(graph()));
    const frozen = await createNodeSession(serializeModel(freezeInputs(graph(), { w: W, b: B, unused: U })), { frozen: { w: W, b: B, unused: U } });
    expect(frozen.inputNames).toEqual(['x']);
    const want = (await fed.run({ x: X, w: W, b: B, unused: U })).y.data;
    expect(Array.from(want as Float32Array)).toEqual([14, 26]);
    expect((await frozen.run({ x: X, w: W, b: B })).y.data).toEqual(want);
    expect((await frozen.run({ x: X })).y.data).toEqual(want);
    const other = tensor('float32', [2, 2], [1, 2, 3, 4]);
    await expect(frozen.run({ x: X, w: other })).rejects.toThrow('feed w: this session holds w frozen in its model; a different tensor was fed');
    await Promise.all([fed.release(), frozen.release()]);
  });
});
