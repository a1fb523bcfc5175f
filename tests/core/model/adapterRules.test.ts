// PEFT adapter rules the round-trip tests do not pin: exact input names, the whole config written,
// a config that is not a JSON object, alpha 0, the bias/use_dora settings, the one-sentence rank
// mismatch only when the tensors really agree on another positive rank, and long problem lists
// cut to eight with a count of the rest.
import { describe, expect, it } from 'vitest';
import { type AdapterFiles, decodeAdapter, encodeAdapter, peftTensorName } from '../../../src/core/model/adapter.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import type { LoraConfig } from '../../../src/core/model/lora.ts';
import { type Weights, decodeSafetensors, encodeSafetensors } from '../../../src/core/model/weights.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { SMALL_UMM, movedAdapter } from './testModels.ts';

const CFG: ModelConfig = SMALL_UMM;
const LORA: LoraConfig = { rank: 4, alpha: 16, targets: ['attn.wq', 'attn.wv', 'mlp.down', 'head_image'] };

const trained = (lora: LoraConfig = LORA): Weights => movedAdapter(CFG, lora, 1, 0.2);

/** The adapter with its config replaced by `json` or edited, or its tensors edited. */
function edited(files: AdapterFiles, edit: { json?: string; config?: Record<string, unknown>; tensors?: (t: Weights) => void }): AdapterFiles {
  const tensors = decodeSafetensors(files['adapter_model.safetensors']).tensors;
  edit.tensors?.(tensors);
  return {
    'adapter_config.json': edit.json ?? JSON.stringify({ ...JSON.parse(files['adapter_config.json']), ...edit.config }),
    'adapter_model.safetensors': encodeSafetensors(tensors),
  };
}

/** The adapter's tensors at another rank (config unchanged), each [r, in] / [out, r] as PEFT stores them. */
function atRank(r: number): (t: Weights) => void {
  return (t) => {
    for (const [k, v] of Object.entries(t)) {
      const dims = k.endsWith('lora_A.weight') ? [r, v.dims[1]] : [v.dims[0], r];
      t[k] = tensor('float32', dims, new Float32Array(dims[0] * dims[1]).fill(0.01));
    }
  };
}

/** Rewrite a safetensors header so its entries come in `first`-then-the-rest order (offsets unchanged). */
function headerFirst(bytes: Uint8Array, first: string): Uint8Array {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const reordered = JSON.stringify({ [first]: header[first], ...Object.fromEntries(Object.entries(header).filter(([k]) => k !== first)) });
  const text = new TextEncoder().encode(reordered.padEnd(n, ' '));
  expect(text.length).toBe(n);
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  out.set(text, 8);
  return out;
}

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect((e as Error).name).toBe('InputError');
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

describe('PEFT adapter rules', () => {
  it('peftTensorName takes exactly lora.<param>.A or .B, nothing before or after', () => {
    expect(peftTensorName('lora.h0.attn.wq.A')).toBe('base_model.model.h0.attn.wq.lora_A.weight');
    expect(peftTensorName('lora.head_image.B')).toBe('base_model.model.head_image.lora_B.weight');
    expect(() => peftTensorName('xlora.h0.attn.wq.A')).toThrow('not a LoRA input name: xlora.h0.attn.wq.A');
    expect(() => peftTensorName('lora.h0.attn.wq.Ax')).toThrow('not a LoRA input name: lora.h0.attn.wq.Ax');
    expect(() => peftTensorName('lora.h0.attn.wq.A.B.C')).toThrow('not a LoRA input name: lora.h0.attn.wq.A.B.C');
  });

  it('writes the whole PEFT config, inference mode on', () => {
    const config = JSON.parse(encodeAdapter(CFG, LORA, trained())['adapter_config.json']);
    expect(config).toEqual({
      peft_type: 'LORA', task_type: 'CAUSAL_LM', base_model_name_or_path: 'gvu-playground/tiny-umm', r: 4, lora_alpha: 16,
      target_modules: ['attn.wq', 'attn.wv', 'mlp.down', 'head_image'], lora_dropout: 0, fan_in_fan_out: false, bias: 'none',
      use_rslora: false, use_dora: false, modules_to_save: null, inference_mode: true,
    });
  });

  it('a config that is not a JSON object says so', () => {
    const files = encodeAdapter(CFG, LORA, trained());
    for (const json of ['null', '3', '"LORA"', 'true', '[]', '[{"peft_type": "LORA"}]']) {
      expect(message(() => decodeAdapter(edited(files, { json }), CFG)), json).toBe('adapter_config.json: expected a JSON object');
    }
  });

  it('lora_alpha 0 is refused as not positive', () => {
    const files = encodeAdapter(CFG, LORA, trained());
    expect(message(() => decodeAdapter(edited(files, { config: { lora_alpha: 0 } }), CFG)))
      .toBe('adapter_config.json: lora_alpha must be a positive number, got 0');
  });

  it('bias other than "none" and use_dora are refused by name', () => {
    const files = encodeAdapter(CFG, LORA, trained());
    expect(message(() => decodeAdapter(edited(files, { config: { bias: 'all' } }), CFG)))
      .toBe('adapter_config.json: bias is "all"; only "none" is supported');
    expect(message(() => decodeAdapter(edited(files, { config: { use_dora: true } }), CFG)))
      .toBe('adapter_config.json: use_dora is true; only false is supported');
  });

  it('the rank sentence reads the rank from a lora_A tensor, whatever the header order', () => {
    const files = edited(encodeAdapter(CFG, LORA, trained()), { tensors: atRank(2) });
    const bytes = headerFirst(files['adapter_model.safetensors'], 'base_model.model.h0.attn.wq.lora_B.weight');
    expect(Object.keys(decodeSafetensors(bytes).tensors)[0]).toBe('base_model.model.h0.attn.wq.lora_B.weight');
    expect(message(() => decodeAdapter({ ...files, 'adapter_model.safetensors': bytes }, CFG)))
      .toBe('adapter_config.json says r = 4, but every tensor in adapter_model.safetensors has rank 2');
  });

  it('tensors of rank 0 are listed as misshapen, not explained as "rank 0"', () => {
    const files = encodeAdapter(CFG, LORA, trained());
    const msg = message(() => decodeAdapter(edited(files, { tensors: atRank(0) }), CFG));
    expect(msg).toMatch(/^adapter_model.safetensors \(r = 4, target_modules attn.wq, attn.wv, mlp.down, head_image\): /);
    expect(msg).toContain('base_model.model.h0.attn.wq.lora_A.weight ([r, in]) is [0, 16], expected [4, 16]');
  });

  it('tensors of another rank with one missing or one extra are listed as problems, not explained as that rank', () => {
    const files = encodeAdapter(CFG, LORA, trained());
    const missing = edited(files, { tensors: (t) => {
      atRank(2)(t);
      delete t['base_model.model.h1.attn.wv.lora_B.weight'];
    } });
    const a = message(() => decodeAdapter(missing, CFG));
    expect(a).toMatch(/^adapter_model.safetensors \(r = 4, /);
    expect(a.endsWith('(+6 more)')).toBe(true); // 13 misshapen and 1 missing
    const extra = edited(files, { tensors: (t) => {
      atRank(2)(t);
      t['base_model.model.h0.attn.wk.lora_A.weight'] = tensor('float32', [2, 16], new Float32Array(32));
    } });
    const b = message(() => decodeAdapter(extra, CFG));
    expect(b).toMatch(/^adapter_model.safetensors \(r = 4, /);
    expect(b.endsWith('(+7 more)')).toBe(true); // 14 misshapen and 1 unexpected
  });

  it('lists at most eight problems and counts the rest', () => {
    const w = trained();
    const names = Object.keys(w);
    const without = (n: number) => Object.fromEntries(Object.entries(w).filter(([k]) => !names.slice(0, n).includes(k)));
    const eight = message(() => encodeAdapter(CFG, LORA, without(8)));
    expect(eight.startsWith('adapter to save: missing ')).toBe(true);
    expect(eight.split('; ')).toHaveLength(8);
    expect(eight).not.toContain('more');
    expect(eight.endsWith(']')).toBe(true);
    const ten = message(() => encodeAdapter(CFG, LORA, without(10)));
    expect(ten.split('; ')).toHaveLength(8);
    expect(ten.endsWith('] (+2 more)')).toBe(true);
  });
});
