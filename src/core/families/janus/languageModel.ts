// One run of the language_model graph with its KV cache: feeds built from the IO contract
// (optional inputs only when the export has them), present.* handed back as the next past.
// Shapes: embeds [B, T, D], attention_mask [B, P + T], position_ids [B, T], past/present
// [B, kvHeads, P, headDim] (transformers.js configs.js getCacheShapes). On WebGPU the cache may be
// device tensors (runtime/deviceTensor.ts): fed back as they are, freed once the next step ran.
import { releaseDeviceTensors } from '../../runtime/deviceTensor.ts';
import type { ModelSession, Results } from '../../runtime/session.ts';
import { type TensorData, allocate } from '../../tensor.ts';
import type { JanusConfig } from './config.ts';
import type { JanusIO } from './contract.ts';

export interface LmState {
  readonly past: Results; // past_key_values.* for the next run
  readonly length: number; // P: positions already in the cache
}

export interface LmStep {
  readonly hidden: TensorData<'float32'>; // [B, T', D]: the last T' positions' hidden states (T' <= T)
  readonly state: LmState;
}

/** An empty cache: [B, kvHeads, 0, headDim] per layer. */
export function emptyState(cfg: JanusConfig, io: JanusIO, batch: number): LmState {
  const past: Results = {};
  for (const p of io.past) {
    for (const n of [p.key, p.value]) past[n] = { dtype: 'float32', dims: [batch, cfg.kvHeads, 0, cfg.headDim], data: new Float32Array(0) };
  }
  return { past, length: 0 };
}

const int64 = (dims: number[], fill: (i: number) => number): TensorData<'int64'> => {
  const data = allocate('int64', dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = BigInt(fill(i));
  return { dtype: 'int64', dims, data };
};

/**
 * Run T new positions after the cache, every row attending to all its earlier positions (upstream
 * CFG keeps full attention in both rows). `keep` asks an export with num_logits_to_keep for only
 * the last `keep` positions (0 = all); `withCache` false skips fetching present.* (scoring).
 */
export async function runLanguageModel(
  lm: ModelSession, io: JanusIO, embeds: TensorData, state: LmState, opts: { keep: number; withCache: boolean },
): Promise<LmStep> {
  const [b, t] = embeds.dims;
  const total = state.length + t;
  const feeds: Record<string, TensorData> = {
    [io.lmEmbedsIn]: embeds,
    attention_mask: int64([b, total], () => 1),
    ...state.past,
  };
  if (io.positionIds) feeds.position_ids = int64([b, t], (i) => state.length + (i % t));
  if (io.useCacheBranch) feeds.use_cache_branch = { dtype: 'bool', dims: [1], data: Uint8Array.of(state.length > 0 ? 1 : 0) };
  if (io.numLogitsToKeep) feeds.num_logits_to_keep = int64([], () => opts.keep);
  const wanted = opts.withCache ? [io.hidden, ...io.present.flatMap((p) => [p.key, p.value])] : [io.hidden];
  const out = await lm.run(feeds, wanted);
  // The cache just fed is spent: a device-resident one (WebGPU) is freed now; plain tensors are left to the GC.
  releaseDeviceTensors(state.past);
  const past: Results = {};
  if (opts.withCache) io.present.forEach((p, i) => { past[io.past[i].key] = out[p.key]; past[io.past[i].value] = out[p.value]; });
  return { hidden: out[io.hidden] as TensorData<'float32'>, state: { past, length: total } };
}

/** Rows [from, to) of every batch row of hidden [B, T', D], where T' covers the last T' of `total` positions. */
export function hiddenRows(hidden: TensorData<'float32'>, total: number, from: number, to: number): TensorData<'float32'> {
  const [b, kept, d] = hidden.dims;
  const first = total - kept; // position of hidden row 0
  if (from < first || to > total || from >= to) {
    throw new Error(`hidden states cover positions ${first}..${total - 1}; positions ${from}..${to - 1} were asked for`);
  }
  const n = to - from;
  const out = new Float32Array(b * n * d);
  for (let r = 0; r < b; r++) out.set(hidden.data.subarray((r * kept + from - first) * d, (r * kept + to - first) * d), r * n * d);
  return { dtype: 'float32', dims: [b, n, d], data: out };
}
