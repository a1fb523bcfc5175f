// The op table: exact ONNX op types to { infer, vjp }. Composite layers live in ../nn.ts.
import type { OpSpec } from './spec.ts';
import { elementwiseOps } from './elementwise.ts';
import { layoutOps } from './layout.ts';
import { linalgOps } from './linalg.ts';
import { indexingOps } from './indexing.ts';
import { reduceOps } from './reduce.ts';
import { controlOps } from './control.ts';
import { contribOps } from './contrib.ts';

export const OPS: Readonly<Record<string, OpSpec>> = {
  ...elementwiseOps,
  ...layoutOps,
  ...linalgOps,
  ...indexingOps,
  ...reduceOps,
  ...controlOps,
  ...contribOps,
};

export * from './elementwise.ts';
export * from './layout.ts';
export * from './linalg.ts';
export * from './indexing.ts';
export * from './reduce.ts';
export * from './control.ts';
export * from './contrib.ts';
export type { OpSpec, InputGrads } from './spec.ts';
