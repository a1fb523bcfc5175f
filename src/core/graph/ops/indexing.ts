// Indexing ops: Gather (embedding rows), GatherElements (chosen-token log-probs) and the scatters
// their gradients need. Int32 indices keep GatherElements on the WebGPU EP.
import type { Value } from '../graph.ts';
import { normAxis, unknownDim } from '../shape.ts';
import { type OpSpec, attrInt, one } from './spec.ts';
import { cast } from './elementwise.ts';
import { unsqueeze, zerosLike } from './layout.ts';

export const gather = (data: Value, indices: Value, axis = 0): Value => data.graph.node('Gather', [data, indices], { axis })[0];
export const gatherElements = (data: Value, indices: Value, axis: number): Value =>
  data.graph.node('GatherElements', [data, indices], { axis })[0];

/** The slices of data along `axis` where cond (bool [n]) is true; the kept count is data-dependent. */
export const compress = (data: Value, cond: Value, axis: number): Value => data.graph.node('Compress', [data, cond], { axis })[0];

/**
 * The distinct rows of x [B, ...] in first-seen order: `first` [P] int64 (where each first appears)
 * and `inverse` [B] int64 (which distinct row each row is). Forward only: indices carry no gradient.
 */
export function uniqueRows(x: Value): { first: Value; inverse: Value } {
  // ORT's CPU Unique has kernels for float, int64, int8 and string, not int32.
  const [, first, inverse] = x.graph.node('Unique', [x.dtype === 'int32' ? cast(x, 'int64') : x], { axis: 0, sorted: 0 }, 4);
  return { first, inverse };
}

const sameAsData = (ctx: Parameters<OpSpec['infer']>[0]) => [{ dtype: one(ctx).dtype, shape: one(ctx).shape }];

export const indexingOps: Record<string, OpSpec> = {
  Gather: {
    infer: (ctx) => {
      const [data, idx] = [one(ctx, 0), one(ctx, 1)];
      const axis = normAxis(attrInt(ctx.attrs, 'axis', 0), data.shape.length, `Gather ${ctx.name}`);
      return [{ dtype: data.dtype, shape: [...data.shape.slice(0, axis), ...idx.shape, ...data.shape.slice(axis + 1)] }];
    },
    // Rows gathered more than once get their gradients summed (ScatterND with reduction=add).
    vjp: ({ attrs, node, inputs: [data, idx] }, [g]) => {
      if (attrInt(attrs, 'axis', 0) !== 0) throw new Error(`Gather ${node.name}: gradient supports axis 0 only`);
      return [
        () => data!.graph.node('ScatterND', [zerosLike(data!), unsqueeze(cast(idx!, 'int64'), [-1]), g!], { reduction: 'add' })[0],
        null,
      ];
    },
  },
  GatherElements: {
    infer: (ctx) => [{ dtype: one(ctx, 0).dtype, shape: one(ctx, 1).shape }],
    vjp: ({ attrs, inputs: [data, idx] }, [g]) => [
      () => data!.graph.node('ScatterElements', [zerosLike(data!), idx!, g!], { axis: attrInt(attrs, 'axis', 0), reduction: 'add' })[0],
      null,
    ],
  },
  ScatterND: { infer: sameAsData },
  Unique: {
    infer: (ctx) => {
      const x = one(ctx);
      if (attrInt(ctx.attrs, 'axis', -1) !== 0) throw new Error(`Unique ${ctx.name}: only axis 0 (distinct rows) is supported`);
      const p = unknownDim();
      return [
        { dtype: x.dtype, shape: [p, ...x.shape.slice(1)] },
        { dtype: 'int64', shape: [p] },
        { dtype: 'int64', shape: [x.shape[0]] },
        { dtype: 'int64', shape: [p] },
      ];
    },
  },
  // Forward only (the Janus fixture picks image rows by mask); a gradient would scatter g back.
  Compress: {
    infer: (ctx) => {
      const data = one(ctx);
      const axis = normAxis(attrInt(ctx.attrs, 'axis', 0), data.shape.length, `Compress ${ctx.name}`);
      return [{ dtype: data.dtype, shape: data.shape.map((d, i) => (i === axis ? unknownDim() : d)) }];
    },
  },
  ScatterElements: { infer: sameAsData },
};
