// Bad adapters for the bad-input suite: each a pair of PEFT files built from a good adapter of a
// small UMM, with one thing wrong. Shared by the adapter table test and nothing else; kept apart
// so the table reads as a list of cases, not of byte surgery.
import { type AdapterFiles, encodeAdapter } from '../../src/core/model/adapter.ts';
import type { ModelConfig } from '../../src/core/model/config.ts';
import type { LoraConfig } from '../../src/core/model/lora.ts';
import { type Weights, decodeSafetensors, encodeSafetensors, initLora } from '../../src/core/model/weights.ts';
import { randn } from '../../src/core/tensor.ts';

export const CFG: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 1, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};
export const LORA: LoraConfig = { rank: 4, alpha: 16, targets: ['attn.wq', 'head_image'] };

export const A = 'base_model.model.h0.attn.wq.lora_A.weight'; // [4, 16]
export const B = 'base_model.model.head_image.lora_B.weight'; // [5, 4]

/** A trained-looking adapter: B moved off zero, every weight well inside what training makes. */
export function goodAdapter(seed = 1): AdapterFiles {
  const w = initLora(CFG, LORA, seed);
  for (const k of Object.keys(w)) if (k.endsWith('.B')) w[k] = randn('float32', w[k].dims, k.length * 31 + seed, 0.05);
  return encodeAdapter(CFG, LORA, w);
}

/** The good adapter with its stored (PEFT-named) tensors or its config edited. */
export function edited(edit: { config?: Record<string, unknown>; tensors?: (t: Weights) => void }): AdapterFiles {
  const files = goodAdapter();
  const tensors = decodeSafetensors(files['adapter_model.safetensors']).tensors;
  edit.tensors?.(tensors);
  return {
    'adapter_config.json': JSON.stringify({ ...JSON.parse(files['adapter_config.json']), ...edit.config }),
    'adapter_model.safetensors': encodeSafetensors(tensors),
  };
}

/** Set values of one stored tensor by flat index. */
export const poke = (name: string, values: Record<number, number>) => (t: Weights) => {
  for (const [i, v] of Object.entries(values)) t[name].data[Number(i)] = v;
};

/** A safetensors file written by hand: any header, then `dataBytes` zero bytes. */
export function rawSafetensors(header: Record<string, unknown>, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/** The good adapter's weights file with its header entry for `name` replaced (data unchanged). */
export function withHeaderEntry(name: string, entry: unknown): AdapterFiles {
  const files = goodAdapter();
  const bytes = files['adapter_model.safetensors'];
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  header[name] = entry;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + n), 8 + json.length);
  return { ...files, 'adapter_model.safetensors': out };
}
