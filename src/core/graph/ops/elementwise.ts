// Elementwise ops: unary maths, broadcasting binary maths, comparisons, Where, Clip, Cast.
// Binary gradients are returned in the broadcast shape; the walker sums them back to each input.
import type { DType } from '../../tensor.ts';
import type { Value } from '../graph.ts';
import { broadcastShapes } from '../shape.ts';
import { ONNX_DTYPE, dtypeOfCode } from '../onnxTypes.ts';
import { type InferCtx, type OpSpec, anchor, lift, one } from './spec.ts';

const sameAsInput = (ctx: InferCtx) => [{ dtype: one(ctx).dtype, shape: one(ctx).shape }];
const broadcast = (dtype?: DType) => (ctx: InferCtx) => {
  const [a, b] = [one(ctx, 0), one(ctx, 1)];
  return [{ dtype: dtype ?? a.dtype, shape: broadcastShapes(a.shape, b.shape, `${ctx.op} ${ctx.name}`) }];
};

// ---- wrappers -------------------------------------------------------------------------------
const unary = (op: string) => (x: Value): Value => x.graph.node(op, [x])[0];
const binary = (op: string) => (a: Value | number, b: Value | number): Value => {
  const like = anchor(op, a, b);
  return like.graph.node(op, [lift(a, like), lift(b, like)])[0];
};

export const identity = unary('Identity');
export const neg = unary('Neg');
export const exp = unary('Exp');
export const log = unary('Log');
export const sqrt = unary('Sqrt');
export const sigmoid = unary('Sigmoid');
export const tanh = unary('Tanh');
export const erf = unary('Erf');
export const sin = unary('Sin');
export const cos = unary('Cos');
export const not = unary('Not');
export const add = binary('Add');
export const sub = binary('Sub');
export const mul = binary('Mul');
export const div = binary('Div');
export const pow = binary('Pow');
export const minimum = binary('Min');
export const maximum = binary('Max');
export const equal = binary('Equal');
export const less = binary('Less');
export const greater = binary('Greater');
export const lessEq = binary('LessOrEqual');
export const greaterEq = binary('GreaterOrEqual');
export const and = binary('And');
export const or = binary('Or');

export function cast(x: Value, to: DType): Value {
  return x.dtype === to ? x : x.graph.node('Cast', [x], { to: ONNX_DTYPE[to] })[0];
}

export function where(cond: Value, a: Value | number, b: Value | number): Value {
  const like = anchor('Where', a, b);
  return cond.graph.node('Where', [cond, lift(a, like), lift(b, like)])[0];
}

export function clip(x: Value, lo: number | null, hi: number | null): Value {
  const g = x.graph;
  return g.node('Clip', [x, lo === null ? null : g.const(x.dtype, lo), hi === null ? null : g.const(x.dtype, hi)])[0];
}

/**
 * d x^p / dx = p x^(p-1). A constant exponent of 2 or 3 (LayerNorm's square, a cube) is written
 * with Muls: the same values (x^1 = x, x^2 = x * x exactly rounded), without ORT's general Pow
 * kernel, several times slower than a Mul on large tensors.
 */
function powSlope(x: Value, p: Value, constant: number[] | undefined): Value {
  const e = constant?.length === 1 ? constant[0] : undefined;
  if (e === 2) return mul(x, 2);
  if (e === 3) return mul(mul(x, x), 3);
  return mul(p, pow(x, sub(p, 1)));
}

/** Zero where the mask is false, g where it is true (a gradient gate). */
const gate = (mask: Value, g: Value): Value => where(mask, g, 0);

// ---- the table --------------------------------------------------------------------------------
export const elementwiseOps: Record<string, OpSpec> = {
  Identity: { infer: sameAsInput, vjp: (_, [g]) => [() => g!] },
  Neg: { infer: sameAsInput, vjp: (_, [g]) => [() => neg(g!)] },
  Exp: { infer: sameAsInput, vjp: ({ outputs: [y] }, [g]) => [() => mul(g!, y)] },
  Log: { infer: sameAsInput, vjp: ({ inputs: [x] }, [g]) => [() => div(g!, x!)] },
  Sqrt: { infer: sameAsInput, vjp: ({ outputs: [y] }, [g]) => [() => div(mul(g!, 0.5), y)] },
  Sigmoid: { infer: sameAsInput, vjp: ({ outputs: [y] }, [g]) => [() => mul(g!, mul(y, sub(1, y)))] },
  Tanh: { infer: sameAsInput, vjp: ({ outputs: [y] }, [g]) => [() => mul(g!, sub(1, mul(y, y)))] },
  Erf: {
    infer: sameAsInput,
    vjp: ({ inputs: [x] }, [g]) => [() => mul(g!, mul(exp(neg(mul(x!, x!))), 2 / Math.sqrt(Math.PI)))],
  },
  Not: { infer: sameAsInput },
  // Forward only: rotary angles in the Janus fixture's decoder come from position ids, which carry
  // no gradient; add rules (and finite-difference tests) when a trained graph needs them.
  Sin: { infer: sameAsInput },
  Cos: { infer: sameAsInput },
  Cast: {
    infer: (ctx) => [{ dtype: dtypeOfCode(ctx.attrs.to as number), shape: one(ctx).shape }],
    vjp: ({ inputs: [x] }, [g]) => [x!.dtype === 'float32' || x!.dtype === 'float64' ? () => cast(g!, x!.dtype) : null],
  },

  Add: { infer: broadcast(), vjp: (_, [g]) => [() => g!, () => g!] },
  Sub: { infer: broadcast(), vjp: (_, [g]) => [() => g!, () => neg(g!)] },
  Mul: { infer: broadcast(), vjp: ({ inputs: [a, b] }, [g]) => [() => mul(g!, b!), () => mul(g!, a!)] },
  Div: {
    infer: broadcast(),
    vjp: ({ inputs: [, b], outputs: [y] }, [g]) => [() => div(g!, b!), () => neg(div(mul(g!, y), b!))],
  },
  Pow: {
    infer: broadcast(),
    vjp: ({ graph, inputs: [x, p], outputs: [y] }, [g]) => [
      () => mul(g!, powSlope(x!, p!, graph.constantInts(p))),
      () => mul(g!, mul(y, log(x!))),
    ],
  },
  // Ties send the whole gradient to the first operand.
  Min: { infer: broadcast(), vjp: ({ inputs: [a, b] }, [g]) => [() => gate(lessEq(a!, b!), g!), () => gate(greater(a!, b!), g!)] },
  Max: { infer: broadcast(), vjp: ({ inputs: [a, b] }, [g]) => [() => gate(greaterEq(a!, b!), g!), () => gate(less(a!, b!), g!)] },

  Equal: { infer: broadcast('bool') },
  Less: { infer: broadcast('bool') },
  Greater: { infer: broadcast('bool') },
  LessOrEqual: { infer: broadcast('bool') },
  GreaterOrEqual: { infer: broadcast('bool') },
  And: { infer: broadcast('bool') },
  Or: { infer: broadcast('bool') },

  Where: {
    infer: (ctx) => {
      const [c, a, b] = [one(ctx, 0), one(ctx, 1), one(ctx, 2)];
      const where = `Where ${ctx.name}`;
      return [{ dtype: a.dtype, shape: broadcastShapes(c.shape, broadcastShapes(a.shape, b.shape, where), where) }];
    },
    vjp: ({ inputs: [c] }, [g]) => [null, () => where(c!, g!, 0), () => where(c!, 0, g!)],
  },
  // Gradient flows where lo <= x <= hi; the bounds are treated as constants.
  Clip: {
    infer: sameAsInput,
    vjp: ({ inputs: [x, lo, hi] }, [g]) => {
      const inside = (): Value => {
        let m: Value | null = null;
        if (lo) m = greaterEq(x!, lo);
        if (hi) m = m ? and(m, lessEq(x!, hi)) : lessEq(x!, hi);
        return m ?? greaterEq(x!, x!);
      };
      return [() => gate(inside(), g!), null, null];
    },
  },
};
