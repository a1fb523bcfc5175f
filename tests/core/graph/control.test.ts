// ONNX Loop in the graph builder: carried values that grow, outer values read by name, stacked
// scans, unique names across scopes, freezing what only a body reads; and graph outputs written
// by their producers instead of copied through Identity.
import { describe, expect, it } from 'vitest';
import { Graph, add, cast, concat, freezeInputs, loop, mul, serializeModel, withoutOutputCopies } from '../../../src/core/graph/index.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { tensor, toNumbers } from '../../../src/core/tensor.ts';

/** acc <- acc + w + i for i = 0..3, history <- [history, acc]: acc ends at x + 4w + 6. */
function runningSum(): Graph {
  const g = new Graph('running_sum');
  const x = g.input('x', 'float32', [2]);
  const w = g.input('w', 'float32', [2]);
  const { final, scans } = loop(4, [x, x], (body, i, [acc, history]) => {
    const next = add(acc, add(body.outer(w), cast(i, 'float32')));
    return { carried: [next, concat([history, next], 0)], scans: [next] };
  }, [undefined, ['H']]);
  g.output(final[0], 'acc');
  g.output(final[1], 'history');
  g.output(scans[0], 'steps');
  return g;
}

describe('loop', () => {
  it('carries values whose shape grows each trip, reads outer values by name and stacks its scans', async () => {
    const g = runningSum();
    expect(g.value('steps').shape).toEqual([4, 2]);
    const s = await createNodeSession(serializeModel(g));
    const out = await s.run({ x: tensor('float32', [2], [1, 2]), w: tensor('float32', [2], [10, 20]) });
    // acc: 1 -> 11 -> 22 -> 34 -> 47 and 2 -> 22 -> 43 -> 65 -> 88, worked by hand
    expect(toNumbers(out.acc)).toEqual([47, 88]);
    expect(toNumbers(out.steps)).toEqual([11, 22, 22, 43, 34, 65, 47, 88]);
    expect(out.history.dims).toEqual([10]);
    expect(toNumbers(out.history)).toEqual([1, 2, 11, 22, 22, 43, 34, 65, 47, 88]);
  });

  it('keeps every name unique across a graph and its bodies (ONNX SSA), two loops side by side', async () => {
    const g = new Graph('two');
    const x = g.input('x', 'float32', [1]);
    const twice = (v: typeof x) => loop(3, [v], (body, _i, [a]) => ({ carried: [mul(add(a, body.const('float32', 1)), body.const('float32', 2))], scans: [] })).final[0];
    g.output(add(twice(x), twice(x)), 'y');
    const s = await createNodeSession(serializeModel(g));
    // ((((0 + 1) * 2 + 1) * 2 + 1) * 2) = 14, twice
    expect(toNumbers((await s.run({ x: tensor('float32', [1], [0]) })).y)).toEqual([28]);
  });

  it('freezeInputs keeps an input that only a loop body reads, and the body reads the stored tensor', async () => {
    const frozen = freezeInputs(runningSum(), { w: tensor('float32', [2], [10, 20]) });
    expect(frozen.inputs).toEqual(['x']);
    const s = await createNodeSession(serializeModel(frozen));
    expect(toNumbers((await s.run({ x: tensor('float32', [2], [1, 2]) })).acc)).toEqual([47, 88]);
  });

  it('a body that declares an outer value it never reads does not reference it', () => {
    const g = new Graph('unused');
    const x = g.input('x', 'float32', [1]);
    const unused = g.input('unused', 'float32', [1]);
    loop(2, [x], (body, _i, [a]) => {
      body.outer(unused);
      return { carried: [add(a, body.outer(x))], scans: [] };
    });
    const body = g.nodes.find((n) => n.op === 'Loop')!.attrs.body as Graph;
    expect(body.outerNames).toEqual(['x']);
  });

  it('bad input: a body that changes a carried value\'s dtype is refused, naming it', () => {
    const g = new Graph('bad');
    const x = g.input('x', 'float32', [1]);
    expect(() => loop(2, [x], (_body, _i, [a]) => ({ carried: [cast(a, 'int32')], scans: [] }))).toThrow(/carried value 0 is float32 in, int32 out/);
    expect(() => loop(2, [x], () => ({ carried: [], scans: [] }))).toThrow(/returned 0 carried values for 1/);
  });
});

describe('graph outputs', () => {
  it('are written by the node that computes them, without an Identity copy; an input passed out keeps its copy', async () => {
    const g = new Graph('outs');
    const x = g.input('x', 'float32', [2]);
    const y = add(x, 1);
    g.output(y, 'y');
    g.output(y, 'y_again'); // the same value twice: the second name needs a copy
    g.output(x, 'x_out'); // an input cannot be renamed
    const nodes = withoutOutputCopies(g);
    expect(nodes.map((n) => n.op)).toEqual(['Add', 'Identity', 'Identity']);
    expect(nodes[0].outputs).toEqual(['y']);
    expect(nodes[1].inputs).toEqual(['y']);
    const out = await (await createNodeSession(serializeModel(g))).run({ x: tensor('float32', [2], [1, 2]) });
    expect([toNumbers(out.y), toNumbers(out.y_again), toNumbers(out.x_out)]).toEqual([[2, 3], [2, 3], [1, 2]]);
  });
});
