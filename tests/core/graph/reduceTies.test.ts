// Documented rules that random inputs never exercise: ReduceMax shares the gradient equally among
// tied maxima (finite differences are not defined at a tie, so the rule is checked by value).
import { describe, expect, it } from 'vitest';
import { Graph, buildGradientGraph, reduceMax, reduceSum, serializeModel } from '../../../src/core/graph/index.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { tensor } from '../../../src/core/tensor.ts';

/** d sum(reduceMax(x, axes)) / dx for a float64 x. */
async function maxGradient(data: number[], dims: number[], axes: number[]): Promise<number[]> {
  const g = new Graph('ties');
  const x = g.input('x', 'float64', dims);
  g.output(reduceSum(reduceMax(x, axes), [...Array(dims.length - axes.length).keys()]), 'loss');
  const s = await createNodeSession(serializeModel(buildGradientGraph(g, 'loss', ['x'])), { optimize: false });
  const out = await s.run({ x: tensor('float64', dims, data) });
  await s.release();
  return Array.from(out['grad.x'].data as Float64Array);
}

describe('ReduceMax gradient at ties', () => {
  it('splits the gradient equally between two tied maxima', async () => {
    expect(await maxGradient([1, 3, 3, 2], [4], [0])).toEqual([0, 0.5, 0.5, 0]);
  });

  it('splits it three ways per row, and gives a unique maximum all of it', async () => {
    expect(await maxGradient([5, 5, 5, 1, 0, 7, 2, 7], [2, 4], [1])).toEqual([1 / 3, 1 / 3, 1 / 3, 0, 0, 0.5, 0, 0.5]);
    expect(await maxGradient([0, 9, 4, 9, 1, 2], [2, 3], [1])).toEqual([0, 1, 0, 1, 0, 0]);
  });
});
