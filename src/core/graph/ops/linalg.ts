// MatMul with numpy batch broadcasting. Rank-1 operands are not used by the models, so they are
// rejected rather than half-supported.
import type { Value } from '../graph.ts';
import { broadcastShapes, fmtShape } from '../shape.ts';
import { type OpSpec, one } from './spec.ts';
import { reshape, transposeLast } from './layout.ts';

export const matMul = (a: Value, b: Value): Value => a.graph.node('MatMul', [a, b])[0];

/** dB for a batched A[..., M, K] times a shared B[K, N]: fold the batch into M, one MatMul. */
function sharedWeightGrad(a: Value, g: Value): Value {
  const k = a.shape[a.shape.length - 1];
  const n = g.shape[g.shape.length - 1];
  if (typeof k !== 'number' || typeof n !== 'number') return matMul(transposeLast(a), g);
  return matMul(transposeLast(reshape(a, [-1, k])), reshape(g, [-1, n])); // [K, *] @ [*, N]
}

export const linalgOps: Record<string, OpSpec> = {
  MatMul: {
    infer: (ctx) => {
      const [a, b] = [one(ctx, 0), one(ctx, 1)];
      if (a.shape.length < 2 || b.shape.length < 2) {
        throw new Error(`MatMul ${ctx.name}: operands must have rank >= 2, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
      }
      const [m, ka] = a.shape.slice(-2);
      const [kb, n] = b.shape.slice(-2);
      if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
        throw new Error(`MatMul ${ctx.name}: inner dims differ, ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
      }
      const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), `MatMul ${ctx.name}`);
      return [{ dtype: a.dtype, shape: [...batch, m, n] }];
    },
    vjp: ({ inputs: [a, b] }, [g]) => [
      () => matMul(g!, transposeLast(b!)),
      () => (b!.shape.length === 2 && a!.shape.length > 2 ? sharedWeightGrad(a!, g!) : matMul(transposeLast(a!), g!)),
    ],
  },
};
