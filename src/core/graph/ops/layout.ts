// Layout ops: Reshape, Transpose, Concat, Slice, Pad, Unsqueeze, Squeeze, Expand, Shape,
// ConstantOfShape. Shape-carrying inputs are int64 constants wherever the shape is static, so the
// hot path carries little int64 arithmetic (which the WebGPU EP runs on the CPU).
import { tensor } from '../../tensor.ts';
import type { Value } from '../graph.ts';
import { type Dim, type Shape, broadcastShapes, divideDim, fmtShape, isStatic, normAxis, productDim, unknownDim } from '../shape.ts';
import { type InferCtx, type OpSpec, attrInt, one } from './spec.ts';

const END = 2 ** 62; // "to the end" for Slice

/** An int64 constant vector in x's graph (shapes, axes, pads). */
export const ints = (x: Value, vals: readonly number[]): Value => x.graph.const('int64', vals, [vals.length]);

function constInput(ctx: InferCtx, i: number): number[] | undefined {
  return ctx.graph.constantInts(ctx.inputs[i] ?? null);
}

/** Shape a dynamic int64 shape input would give: its length is known, its values are not. */
function unknownShapeOf(ctx: InferCtx, i: number): Dim[] {
  const n = one(ctx, i).shape[0];
  if (typeof n !== 'number') throw new Error(`${ctx.op} ${ctx.name}: shape input has unknown length`);
  return Array.from({ length: n }, unknownDim);
}

const addDims = (a: Dim, b: number): Dim => (typeof a === 'number' ? a + b : b === 0 ? a : b > 0 ? `${a}+${b}` : `${a}-${-b}`);

// ---- wrappers -------------------------------------------------------------------------------
/** Reshape to dims (0 copies the input dim, -1 is inferred). */
export const reshape = (x: Value, dims: readonly number[]): Value => x.graph.node('Reshape', [x, ints(x, dims)])[0];

/** Reshape x to the shape of `like` (static constant when known, else Shape(like) at run time). */
export function reshapeTo(x: Value, like: Value): Value {
  if (isStatic(like.shape)) return reshape(x, like.shape);
  const g = x.graph;
  return g.setShape(g.node('Reshape', [x, shapeOf(like)])[0], like.shape);
}

export const transpose = (x: Value, perm: readonly number[]): Value => x.graph.node('Transpose', [x], { perm })[0];

/** Swap the last two axes. */
export function transposeLast(x: Value): Value {
  const r = x.shape.length;
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return transpose(x, perm);
}

export const concat = (xs: readonly Value[], axis: number): Value => xs[0].graph.node('Concat', xs, { axis })[0];

export function slice(x: Value, starts: readonly number[], ends: readonly number[], axes: readonly number[], steps?: readonly number[]): Value {
  const ins = [x, ints(x, starts), ints(x, ends.map((e) => Math.min(e, END))), ints(x, axes)];
  return x.graph.node('Slice', steps ? [...ins, ints(x, steps)] : ins)[0];
}

export const unsqueeze = (x: Value, axes: readonly number[]): Value => x.graph.node('Unsqueeze', [x, ints(x, axes)])[0];
export const squeeze = (x: Value, axes: readonly number[]): Value => x.graph.node('Squeeze', [x, ints(x, axes)])[0];
export const expand = (x: Value, dims: readonly number[]): Value => x.graph.node('Expand', [x, ints(x, dims)])[0];

export function expandTo(x: Value, like: Value): Value {
  if (isStatic(like.shape)) return expand(x, like.shape);
  const g = x.graph;
  return g.setShape(g.node('Expand', [x, shapeOf(like)])[0], like.shape);
}

/** [start, start + delta, ..) below limit; scalar inputs of one dtype, length known only at run time. */
export const range = (start: Value, limit: Value, delta: Value): Value => start.graph.node('Range', [start, limit, delta])[0];

export const shapeOf = (x: Value): Value => x.graph.node('Shape', [x])[0];

export function zerosLike(x: Value): Value {
  const g = x.graph;
  const shape = isStatic(x.shape) ? ints(x, x.shape) : shapeOf(x);
  const out = g.node('ConstantOfShape', [shape], { value: tensor(x.dtype, [1], [0]) })[0];
  return g.setShape(out, x.shape);
}

/** Constant zero padding; pads = [begin_0..begin_r, end_0..end_r]. */
export const pad = (x: Value, pads: readonly number[]): Value => x.graph.node('Pad', [x, ints(x, pads)])[0];

// ---- the table --------------------------------------------------------------------------------
export const layoutOps: Record<string, OpSpec> = {
  Reshape: {
    infer: (ctx) => {
      const x = one(ctx);
      const target = constInput(ctx, 1);
      if (!target) return [{ dtype: x.dtype, shape: unknownShapeOf(ctx, 1) }];
      const dims: Dim[] = target.map((d, i) => (d === 0 ? x.shape[i] : d));
      const free = dims.indexOf(-1);
      if (free >= 0) {
        const known = productDim(dims.filter((_, i) => i !== free));
        dims[free] = divideDim(productDim(x.shape), known) ?? unknownDim();
      }
      return [{ dtype: x.dtype, shape: dims }];
    },
    vjp: ({ inputs: [x] }, [g]) => [() => reshapeTo(g!, x!), null],
  },

  Transpose: {
    infer: (ctx) => {
      const x = one(ctx);
      const perm = (ctx.attrs.perm as number[] | undefined) ?? x.shape.map((_, i) => x.shape.length - 1 - i);
      return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]) }];
    },
    vjp: ({ attrs, inputs: [x] }, [g]) => {
      const perm = (attrs.perm as number[] | undefined) ?? x!.shape.map((_, i) => x!.shape.length - 1 - i);
      const inv = perm.map((_, i) => perm.indexOf(i));
      return [() => transpose(g!, inv)];
    },
  },

  Concat: {
    infer: (ctx) => {
      const xs = ctx.inputs.map((_, i) => one(ctx, i));
      const axis = normAxis(attrInt(ctx.attrs, 'axis', 0), xs[0].shape.length, `Concat ${ctx.name}`);
      const shape = [...xs[0].shape];
      const sizes = xs.map((x) => x.shape[axis]);
      shape[axis] = sizes.every((s) => typeof s === 'number') ? (sizes as number[]).reduce((a, b) => a + b, 0) : sizes.join('+');
      return [{ dtype: xs[0].dtype, shape }];
    },
    // Each input gets its slab of g back; needs static sizes along the axis.
    vjp: ({ attrs, inputs, node }, [g]) => {
      const axis = normAxis(attrInt(attrs, 'axis', 0), inputs[0]!.shape.length, 'Concat');
      let offset = 0;
      return inputs.map((x) => {
        const size = x!.shape[axis];
        if (typeof size !== 'number') throw new Error(`Concat ${node.name}: gradient needs a static size along axis ${axis}, got ${fmtShape(x!.shape)}`);
        const start = offset;
        offset += size;
        return () => slice(g!, [start], [start + size], [axis]);
      });
    },
  },

  Slice: {
    infer: (ctx) => {
      const x = one(ctx);
      const plan = slicePlan(ctx.graph.constantInts.bind(ctx.graph), ctx.inputs, x.shape, ctx.name);
      const shape = [...x.shape];
      for (const p of plan) shape[p.axis] = p.size;
      return [{ dtype: x.dtype, shape }];
    },
    // The gradient is g zero-padded back to the input's extent along each sliced axis.
    vjp: ({ graph, inputs, node }, [g]) => {
      const x = inputs[0]!;
      const plan = slicePlan(graph.constantInts.bind(graph), inputs, x.shape, node.name);
      const r = x.shape.length;
      const pads = new Array<number>(2 * r).fill(0);
      for (const p of plan) {
        if (p.step !== 1) throw new Error(`Slice ${node.name}: gradient supports step 1 only (axis ${p.axis} has ${p.step})`);
        if (p.before === null || p.after === null) {
          throw new Error(`Slice ${node.name}: gradient needs a static extent along axis ${p.axis} of ${fmtShape(x.shape)}`);
        }
        pads[p.axis] = p.before;
        pads[r + p.axis] = p.after;
      }
      return [() => pad(g!, pads), ...inputs.slice(1).map(() => null)];
    },
  },

  Pad: {
    infer: (ctx) => {
      const x = one(ctx);
      const pads = constInput(ctx, 1);
      if (!pads) throw new Error(`Pad ${ctx.name}: pads must be a constant`);
      const r = x.shape.length;
      return [{ dtype: x.dtype, shape: x.shape.map((d, i) => addDims(d, pads[i] + pads[r + i])) }];
    },
  },

  Unsqueeze: {
    infer: (ctx) => {
      const x = one(ctx);
      const axes = constInput(ctx, 1);
      if (!axes) throw new Error(`Unsqueeze ${ctx.name}: axes must be a constant`);
      const r = x.shape.length + axes.length;
      const norm = new Set(axes.map((a) => normAxis(a, r, `Unsqueeze ${ctx.name}`)));
      const shape: Dim[] = [];
      let j = 0;
      for (let i = 0; i < r; i++) shape.push(norm.has(i) ? 1 : x.shape[j++]);
      return [{ dtype: x.dtype, shape }];
    },
    vjp: ({ inputs: [x] }, [g]) => [() => reshapeTo(g!, x!), null],
  },

  Squeeze: {
    infer: (ctx) => {
      const x = one(ctx);
      const axes = constInput(ctx, 1);
      if (!axes) throw new Error(`Squeeze ${ctx.name}: axes must be a constant`);
      const drop = new Set(axes.map((a) => normAxis(a, x.shape.length, `Squeeze ${ctx.name}`)));
      return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !drop.has(i)) }];
    },
    vjp: ({ inputs: [x] }, [g]) => [() => reshapeTo(g!, x!), null],
  },

  Expand: {
    infer: (ctx) => {
      const x = one(ctx);
      const target = constInput(ctx, 1);
      const shape: Shape = target ?? unknownShapeOf(ctx, 1);
      return [{ dtype: x.dtype, shape: broadcastShapes(x.shape, shape, `Expand ${ctx.name}`) }];
    },
    vjp: (_, [g]) => [() => g!, null], // the walker sums the expanded axes away
  },

  Shape: { infer: (ctx) => [{ dtype: 'int64', shape: [one(ctx).shape.length] }] },
  // Forward only (index vectors carry no gradient).
  Range: { infer: (ctx) => [{ dtype: one(ctx).dtype, shape: [unknownDim()] }] },

  ConstantOfShape: {
    infer: (ctx) => {
      const dims = constInput(ctx, 0);
      const value = ctx.attrs.value;
      const dtype = value && typeof value === 'object' && 'dtype' in value ? value.dtype : 'float32';
      return [{ dtype, shape: dims ?? unknownShapeOf(ctx, 0) }];
    },
  },
};

interface SliceAxis {
  axis: number;
  step: number;
  size: Dim;
  before: number | null; // zeros to pad before/after in the gradient; null when not static
  after: number | null;
}

function slicePlan(
  constantInts: (v: Value | null) => number[] | undefined,
  inputs: readonly (Value | null)[],
  shape: Shape,
  name: string,
): SliceAxis[] {
  const [starts, ends] = [constantInts(inputs[1] ?? null), constantInts(inputs[2] ?? null)];
  if (!starts || !ends) throw new Error(`Slice ${name}: starts and ends must be constants`);
  const axes = constantInts(inputs[3] ?? null) ?? starts.map((_, i) => i);
  const steps = constantInts(inputs[4] ?? null) ?? starts.map(() => 1);
  return axes.map((a, i) => {
    const axis = normAxis(a, shape.length, `Slice ${name}`);
    const d = shape[axis];
    const [s, e, step] = [starts[i], ends[i], steps[i]];
    if (typeof d === 'number') {
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      const [cs, ce] = [clamp(s), clamp(e)];
      const size = step > 0 ? Math.max(0, Math.ceil((ce - cs) / step)) : Math.max(0, Math.ceil((cs - ce) / -step));
      return { axis, step, size, before: cs, after: d - ce };
    }
    if (step === 1 && s >= 0 && e >= END) return { axis, step, size: addDims(d, -s), before: s, after: 0 };
    if (step === 1 && s >= 0 && e >= 0) return { axis, step, size: e - s, before: s, after: null };
    return { axis, step, size: unknownDim(), before: null, after: null };
  });
}
