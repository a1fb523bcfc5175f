// Reductions (opset 18: axes is an input) and Softmax. Gradients expand g back over the reduced
// axes; ReduceLogSumExp is the primitive for log-softmax because LogSoftmax leaves the WebGPU EP.
import type { Value } from '../graph.ts';
import { normAxis } from '../shape.ts';
import { type InferCtx, type OpSpec, attrInt, one } from './spec.ts';
import { cast, div, equal, exp, mul, sub } from './elementwise.ts';
import { expandTo, ints, shapeOf, unsqueeze } from './layout.ts';
import { gather } from './indexing.ts';


const reducer = (op: string) => (x: Value, axes: readonly number[], keepdims = false): Value =>
  x.graph.node(op, [x, ints(x, axes)], { keepdims: keepdims ? 1 : 0 })[0];

export const reduceSum = reducer('ReduceSum');
export const reduceMean = reducer('ReduceMean');
export const reduceMax = reducer('ReduceMax');
export const reduceLogSumExp = reducer('ReduceLogSumExp');
/** Index of the largest entry along `axis` (int64, axis kept); ties: the first, or with `last` the last. */
export const argMax = (x: Value, axis: number, last = false): Value =>
  x.graph.node('ArgMax', [x], { axis, keepdims: 1, select_last_index: last ? 1 : 0 })[0];
/** Running sum along one axis (inclusive). */
export const cumSum = (x: Value, axis: number): Value => x.graph.node('CumSum', [x, x.graph.const('int64', axis)])[0];
export const softmax = (x: Value, axis = -1): Value => x.graph.node('Softmax', [x], { axis })[0];

function axesOf(graph: InferCtx['graph'], x: Value, axesInput: Value | null, where: string): number[] {
  const raw = graph.constantInts(axesInput) ?? (axesInput ? null : x.shape.map((_, i) => i));
  if (!raw) throw new Error(`${where}: axes must be a constant`);
  return [...new Set(raw.map((a) => normAxis(a, x.shape.length, where)))].sort((a, b) => a - b);
}

const inferReduce = (ctx: InferCtx) => {
  const x = one(ctx);
  const axes = axesOf(ctx.graph, x, ctx.inputs[1] ?? null, `${ctx.op} ${ctx.name}`);
  const keep = attrInt(ctx.attrs, 'keepdims', 1) === 1;
  const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return [{ dtype: x.dtype, shape }];
};

/** A reduced tensor (g or y) broadcast back to x's shape. */
function spread(v: Value, x: Value, axes: number[], keep: boolean): Value {
  return expandTo(keep ? v : unsqueeze(v, axes), x);
}

/** Number of elements reduced over, as a scalar constant or (dynamic dims) computed from Shape. */
function countOf(x: Value, axes: number[]): Value | number {
  const dims = axes.map((a) => x.shape[a]);
  if (dims.every((d) => typeof d === 'number')) return (dims as number[]).reduce((a, b) => a * b, 1);
  const n = x.graph.node('ReduceProd', [gather(shapeOf(x), ints(x, axes)), ints(x, [0])], { keepdims: 0 })[0];
  return cast(n, x.dtype);
}

type ReduceVjp = (x: Value, y: Value, g: Value, axes: number[], keep: boolean) => Value;
const reduceRule = (rule: ReduceVjp): OpSpec['vjp'] => ({ graph, node, attrs, inputs: [x, axesIn], outputs: [y] }, [g]) => {
  const axes = axesOf(graph, x!, axesIn ?? null, `${node.op} ${node.name}`);
  return [() => rule(x!, y, g!, axes, attrInt(attrs, 'keepdims', 1) === 1), null];
};

export const reduceOps: Record<string, OpSpec> = {
  ReduceSum: { infer: inferReduce, vjp: reduceRule((x, _y, g, axes, keep) => spread(g, x, axes, keep)) },
  ReduceMean: { infer: inferReduce, vjp: reduceRule((x, _y, g, axes, keep) => div(spread(g, x, axes, keep), countOf(x, axes))) },
  // Ties share the gradient equally.
  ReduceMax: {
    infer: inferReduce,
    vjp: reduceRule((x, y, g, axes, keep) => {
      const hit = cast(equal(x, spread(y, x, axes, keep)), x.dtype);
      return mul(spread(g, x, axes, keep), div(hit, reduceSum(hit, axes, true)));
    }),
  },
  ReduceLogSumExp: {
    infer: inferReduce,
    vjp: reduceRule((x, y, g, axes, keep) => mul(spread(g, x, axes, keep), exp(sub(x, spread(y, x, axes, keep))))),
  },
  ReduceProd: { infer: inferReduce },
  // Forward only: the in-graph sampler picks tokens with it (integers carry no gradient).
  ArgMax: {
    infer: (ctx) => {
      const x = one(ctx);
      const axis = normAxis(attrInt(ctx.attrs, 'axis', 0), x.shape.length, `ArgMax ${ctx.name}`);
      return [{ dtype: 'int64', shape: x.shape.map((d, i) => (i === axis ? 1 : d)) }];
    },
  },
  // Forward only: the Janus fixture counts mask positions with it (integers, no gradient).
  CumSum: { infer: (ctx) => [{ dtype: one(ctx).dtype, shape: one(ctx).shape }] },
  Softmax: {
    infer: (ctx) => [{ dtype: one(ctx).dtype, shape: one(ctx).shape }],
    vjp: ({ attrs, outputs: [y] }, [g]) => {
      const axis = normAxis(attrInt(attrs, 'axis', -1), y.shape.length, 'Softmax');
      return [() => mul(y, sub(g!, reduceSum(mul(g!, y), [axis], true)))];
    },
  },
};
