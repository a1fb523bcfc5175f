// The op table's entry type: how an op infers its outputs, and its gradient rule beside it.
import type { DType } from '../../tensor.ts';
import type { Attrs, Graph, Node, Value } from '../graph.ts';
import type { Shape } from '../shape.ts';

export interface InferCtx {
  readonly op: string;
  readonly name: string;
  readonly inputs: readonly (Value | null)[];
  readonly attrs: Attrs;
  readonly graph: Graph;
}

export interface VjpCtx {
  readonly graph: Graph;
  readonly node: Node;
  readonly inputs: readonly (Value | null)[];
  readonly outputs: readonly Value[];
  readonly attrs: Attrs;
}

/**
 * One entry per input: null where the input has no gradient, else a thunk that builds it. Thunks
 * run only for inputs that need a gradient. The walker reduces broadcast axes afterwards, so a rule
 * may return a gradient in the output's (broadcast) shape.
 */
export type InputGrads = (null | (() => Value))[];

export interface OpSpec {
  infer(ctx: InferCtx): { dtype: DType; shape: Shape }[];
  vjp?(ctx: VjpCtx, grads: readonly (Value | null)[]): InputGrads;
  /** Attributes serialised as FLOAT (everything numeric else is INT/INTS). */
  readonly floatAttrs?: readonly string[];
  /** The operator set it belongs to when not ONNX's own (ORT's contrib ops: 'com.microsoft'). */
  readonly domain?: string;
}

export function need(v: Value | null, op: string, i: number): Value {
  if (!v) throw new Error(`${op}: input ${i} is required`);
  return v;
}

/** A number becomes a scalar constant of the other operand's dtype. */
export function lift(x: Value | number, like: Value): Value {
  return typeof x === 'number' ? like.graph.const(like.dtype, x) : x;
}

/** The first Value among operands: where a new node goes, and the dtype numbers take. */
export function anchor(op: string, ...xs: (Value | number)[]): Value {
  const v = xs.find((x): x is Value => typeof x !== 'number');
  if (!v) throw new Error(`${op}: needs at least one tensor operand`);
  return v;
}

export const one = (ctx: InferCtx, i = 0): Value => need(ctx.inputs[i], ctx.op, i);

export const attrInt = (attrs: Attrs, key: string, dflt: number): number => {
  const v = attrs[key];
  return typeof v === 'number' ? v : dflt;
};
