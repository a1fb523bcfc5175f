// fp16 and q4f16 Janus exports take and give float16 tensors (embeddings, hidden states, logits,
// KV cache, pixels); the family computes in float32 (sampling, softmax, pixels). Each session is
// wrapped so a float32 feed becomes float16 where the graph's input is float16 (and the reverse),
// and a float16 output comes back float32, except present.*: the next decode step feeds those
// straight back as past_key_values.*, so they stay float16 (no round trip through JS per step).
// Types come from the session's input metadata; without it feeds pass as given.
import type { Feeds, ModelSession, Results } from '../../runtime/session.ts';
import { float32ToHalf, halfToFloat32 } from '../../float16.ts';
import type { TensorData } from '../../tensor.ts';

const FLOATS = new Set(['float32', 'float16']);

function cast(t: TensorData, to: string): TensorData {
  if (t.dtype === 'float32' && to === 'float16') return { dtype: 'float16', dims: t.dims, data: float32ToHalf(t.data as Float32Array) };
  if (t.dtype === 'float16' && to === 'float32') return { dtype: 'float32', dims: t.dims, data: halfToFloat32(t.data as Uint16Array) };
  return t;
}

export function conformFloats(session: ModelSession): ModelSession {
  const inputType = new Map((session.inputMetadata ?? []).filter((m) => FLOATS.has(m.type)).map((m) => [m.name, m.type]));
  const anyHalf = [...inputType.values(), ...(session.outputMetadata ?? []).map((m) => m.type)].includes('float16');
  if (!anyHalf) return session; // an fp32-IO graph (fp32, q4, q8, ...): nothing to convert
  return {
    ...session,
    async run(feeds: Feeds, outputs?: readonly string[]): Promise<Results> {
      const conformed: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(feeds)) conformed[name] = FLOATS.has(t.dtype) && inputType.has(name) ? cast(t, inputType.get(name)!) : t;
      const out = await session.run(conformed, outputs);
      for (const [name, t] of Object.entries(out)) if (!name.startsWith('present.')) out[name] = cast(t, 'float32');
      return out;
    },
    release: () => session.release(),
  };
}
