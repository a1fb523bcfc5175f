// ORT's contrib ops (domain com.microsoft), forward only: fused kernels the inference graphs use
// where ONNX has no single op. No gradient rules: training graphs keep the primitives.
import type { Value } from '../graph.ts';
import { fmtShape } from '../shape.ts';
import { type OpSpec, one } from './spec.ts';

/**
 * Multi-head attention over [past, new] keys and values in one kernel (com.microsoft
 * MultiHeadAttention): q, k, v [B, S, D]; bias [B or 1, 1, S, P+S] additive; past [B, H, P, K].
 * Returns the attended values [B, S, D] and the cache extended by S ([B, H, P+S, K]).
 */
export function multiHeadAttention(q: Value, k: Value, v: Value, bias: Value, past: { k: Value; v: Value }, heads: number): { y: Value; k: Value; v: Value } {
  const [y, pk, pv] = q.graph.node('MultiHeadAttention', [q, k, v, null, null, bias, past.k, past.v], { num_heads: heads }, 3);
  return { y, k: pk, v: pv };
}

export const contribOps: Record<string, OpSpec> = {
  MultiHeadAttention: {
    domain: 'com.microsoft',
    infer: (ctx) => {
      const q = one(ctx, 0);
      const pastK = one(ctx, 6);
      if (q.shape.length !== 3 || pastK.shape.length !== 4) {
        throw new Error(`MultiHeadAttention ${ctx.name}: query [B, S, D] and past_key [B, H, P, K] expected, got ${fmtShape(q.shape)} and ${fmtShape(pastK.shape)}`);
      }
      const [b, s] = q.shape;
      const [, h, p, k] = pastK.shape;
      const total = typeof p === 'number' && typeof s === 'number' ? p + s : `${String(p)}+${String(s)}`;
      return [{ dtype: q.dtype, shape: q.shape }, { dtype: q.dtype, shape: [b, h, total, k] }, { dtype: q.dtype, shape: [b, h, total, k] }];
    },
  },
};
