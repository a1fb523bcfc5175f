// One pre-norm transformer block with causal attention, a vocabulary head and a cross-entropy
// loss: the shared fixture of the gradient checks, the three-runtime parity test, the first
// screen's probe and the graph benchmark. Parameters are graph inputs, as LoRA weights will be.
import { type TensorData, randn, tensor } from '../tensor.ts';
import { Graph, type Value } from './graph.ts';
import { add, matMul } from './ops/index.ts';
import { causalMaskData, causalSelfAttention, crossEntropy, gelu, layerNorm, linear } from './nn.ts';
import { buildGradientGraph } from './autodiff.ts';
import { serializeModel } from './serialize.ts';

export interface BlockGraphConfig {
  readonly batch: number | string; // a number, or a name for a dynamic batch dim
  readonly seq: number;
  readonly width: number;
  readonly heads: number;
  readonly vocab?: number; // default 32
  readonly dtype: 'float32' | 'float64';
  readonly withGrad: boolean;
  readonly seed?: number;
}

export interface BlockGraph {
  readonly graph: Graph;
  readonly model: Uint8Array;
  readonly feeds: Record<string, TensorData>;
  readonly params: string[];
  readonly outputs: string[];
}

/** Parameter shapes of the block, in a fixed order. */
export function blockParamShapes(width: number, vocab: number) {
  const d = width;
  return {
    ln1_scale: [d], ln1_bias: [d],
    wq: [d, d], wk: [d, d], wv: [d, d], wo: [d, d],
    ln2_scale: [d], ln2_bias: [d],
    w_up: [d, 4 * d], b_up: [4 * d], w_down: [4 * d, d], b_down: [d],
    w_head: [d, vocab],
  };
}

export function buildBlockGraph(cfg: BlockGraphConfig): BlockGraph {
  const { seq: t, width: d, heads, dtype } = cfg;
  const vocab = cfg.vocab ?? 32;
  const g = new Graph(`block_T${t}_D${d}`);
  const x = g.input('x', dtype, [cfg.batch, t, d]); // [B, T, D]
  const targets = g.input('targets', 'int32', [cfg.batch, t]); // [B, T]
  const shapes = blockParamShapes(d, vocab);
  const p = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, g.input(k, dtype, s)])) as Record<keyof typeof shapes, Value>;
  const mask = g.const(dtype, causalMaskData(t), [t, t]);

  const h1 = add(x, causalSelfAttention(layerNorm(x, p.ln1_scale, p.ln1_bias), p, heads, mask)); // [B, T, D]
  const up = gelu(linear(layerNorm(h1, p.ln2_scale, p.ln2_bias), p.w_up, p.b_up)); // [B, T, 4D]
  const h2 = add(h1, linear(up, p.w_down, p.b_down)); // [B, T, D]
  const logits = matMul(h2, p.w_head); // [B, T, V]
  g.output(crossEntropy(logits, targets), 'loss');

  const params = Object.keys(shapes);
  const graph = cfg.withGrad ? buildGradientGraph(g, 'loss', params) : g;
  const b = typeof cfg.batch === 'number' ? cfg.batch : 2;
  return { graph, model: serializeModel(graph), feeds: blockFeeds(cfg, b), params, outputs: [...graph.outputs] };
}

/** Deterministic inputs for a batch of `b` sequences. */
export function blockFeeds(cfg: BlockGraphConfig, b: number): Record<string, TensorData> {
  const { seq: t, width: d, dtype } = cfg;
  const vocab = cfg.vocab ?? 32;
  let seed = cfg.seed ?? 1;
  const feeds: Record<string, TensorData> = {
    x: randn(dtype, [b, t, d], seed++),
    targets: tensor('int32', [b, t], Array.from({ length: b * t }, (_, i) => (i * 7 + 3) % vocab)),
  };
  for (const [k, s] of Object.entries(blockParamShapes(d, vocab))) {
    const isScale = k.endsWith('_scale');
    const r = randn(dtype, s, seed++, isScale ? 0.1 : 1 / Math.sqrt(s[0]));
    if (isScale) for (let i = 0; i < r.data.length; i++) r.data[i] += 1;
    feeds[k] = r;
  }
  return feeds;
}
