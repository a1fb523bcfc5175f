// PEFT-layout adapters: exact round trips, PEFT's names, shapes and config fields, and a named
// InputError for every kind of mismatch.
import { describe, expect, it } from 'vitest';
import { type AdapterFiles, decodeAdapter, encodeAdapter } from '../../../src/core/model/adapter.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { LORA_DEFAULTS, type LoraConfig } from '../../../src/core/model/lora.ts';
import { type Weights, decodeSafetensors, encodeSafetensors, initLora } from '../../../src/core/model/weights.ts';
import { randn } from '../../../src/core/tensor.ts';
import { SMALL_UMM, movedAdapter } from './testModels.ts';

const CFG: ModelConfig = SMALL_UMM;
const LORA: LoraConfig = { rank: 4, alpha: 16, targets: ['attn.wq', 'attn.wv', 'mlp.down', 'head_image'] };

const trained = (lora: LoraConfig = LORA): Weights => movedAdapter(CFG, lora, 1, 0.2);

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** The adapter with its safetensors tensors or config edited. */
function edited(files: AdapterFiles, edit: { config?: Record<string, unknown>; tensors?: (t: Weights) => void }): AdapterFiles {
  const tensors = decodeSafetensors(files['adapter_model.safetensors']).tensors;
  edit.tensors?.(tensors);
  return {
    'adapter_config.json': JSON.stringify({ ...JSON.parse(files['adapter_config.json']), ...edit.config }),
    'adapter_model.safetensors': encodeSafetensors(tensors),
  };
}

describe('PEFT adapters', () => {
  it('round trip is bit-for-bit, config included', () => {
    const w = trained();
    w['lora.h0.attn.wq.A'].data[0] = -0; // signed zero and denormals survive too
    w['lora.h0.attn.wq.A'].data[1] = 1e-40;
    const back = decodeAdapter(encodeAdapter(CFG, LORA, w), CFG);
    expect(back.lora).toEqual(LORA);
    expect(Object.keys(back.weights).sort()).toEqual(Object.keys(w).sort());
    for (const k of Object.keys(w)) {
      expect(back.weights[k].dims, k).toEqual(w[k].dims);
      expect(bits(back.weights[k].data), k).toEqual(bits(w[k].data));
    }
    const defaults = decodeAdapter(encodeAdapter(CFG, LORA_DEFAULTS, initLora(CFG, LORA_DEFAULTS)), CFG);
    expect(defaults.lora).toEqual({ ...LORA_DEFAULTS, targets: [...LORA_DEFAULTS.targets] });
  });

  it('writes PEFT names, torch Linear shapes (transposed) and a PEFT LoRA config', () => {
    const w = trained();
    const files = encodeAdapter(CFG, LORA, w);
    const config = JSON.parse(files['adapter_config.json']);
    expect(config).toMatchObject({
      peft_type: 'LORA', r: 4, lora_alpha: 16, target_modules: ['attn.wq', 'attn.wv', 'mlp.down', 'head_image'],
      task_type: 'CAUSAL_LM', base_model_name_or_path: 'gvu-playground/tiny-umm', fan_in_fan_out: false, bias: 'none',
    });
    const { tensors, metadata } = decodeSafetensors(files['adapter_model.safetensors']);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors)).toHaveLength(2 * (2 * 3 + 1));
    const a = tensors['base_model.model.h1.mlp.down.lora_A.weight'];
    const b = tensors['base_model.model.h1.mlp.down.lora_B.weight'];
    expect(a.dims).toEqual([4, 32]); // [r, in]
    expect(b.dims).toEqual([16, 4]); // [out, r]
    expect(tensors['base_model.model.head_image.lora_B.weight'].dims).toEqual([5, 4]);
    // A[i, k] (ours, [in, r]) is lora_A.weight[k, i]
    const ours = w['lora.h1.mlp.down.A'];
    expect(a.data[2 * 32 + 7]).toBe(ours.data[7 * 4 + 2]);
    expect(b.data[9 * 4 + 1]).toBe(w['lora.h1.mlp.down.B'].data[1 * 16 + 9]);
  });

  it('a mismatched adapter is an InputError naming the field or tensor', () => {
    const files = encodeAdapter(CFG, LORA, trained());
    const fails = (f: Partial<AdapterFiles>, msg: RegExp) => {
      expect(() => decodeAdapter(f, CFG)).toThrow(msg);
      expect(() => decodeAdapter(f, CFG)).toThrow(expect.objectContaining({ name: 'InputError' }));
    };
    // not a LoRA config / bad fields
    fails(edited(files, { config: { peft_type: 'IA3' } }), /adapter_config.json: peft_type is "IA3"; only "LORA" adapters load/);
    fails({ ...files, 'adapter_config.json': '{"r": 4' }, /adapter_config.json: not valid JSON/);
    fails(edited(files, { config: { r: 0 } }), /adapter_config.json: r must be a positive integer, got 0/);
    fails(edited(files, { config: { lora_alpha: 'big' } }), /lora_alpha must be a positive number, got "big"/);
    fails(edited(files, { config: { target_modules: '.*attn.*' } }), /target_modules must be a list of module names/);
    fails(edited(files, { config: { target_modules: ['q_proj'] } }), /adapter_config.json: target_modules: unknown target "q_proj"/);
    fails(edited(files, { config: { fan_in_fan_out: true } }), /fan_in_fan_out is true; only false is supported/);
    fails(edited(files, { config: { use_rslora: true } }), /use_rslora is true/);
    // wrong rank: the config says 8, the tensors have 4 (one sentence); a tensor of another rank among them is named
    fails(edited(files, { config: { r: 8 } }), /^adapter_config.json says r = 8, but every tensor in adapter_model.safetensors has rank 4$/);
    fails(edited(files, { tensors: (t) => (t['base_model.model.h0.attn.wq.lora_A.weight'] = randn('float32', [2, 16], 1)) }),
      /r = 4.*base_model.model.h0.attn.wq.lora_A.weight \(\[r, in\]\) is \[2, 16\], expected \[4, 16\]/);
    // wrong target: a target in the config without tensors, and tensors for a module not listed
    fails(edited(files, { config: { target_modules: ['attn.wq', 'attn.wv', 'mlp.down', 'head_text'] } }),
      /missing base_model.model.head_text.lora_A.weight \(\[r, in\]\) \[4, 16\].*unexpected tensor base_model.model.head_image.lora_A.weight/);
    // missing tensor, shape mismatch, missing file
    fails(edited(files, { tensors: (t) => delete t['base_model.model.h1.attn.wv.lora_B.weight'] }), /missing base_model.model.h1.attn.wv.lora_B.weight \(\[out, r\]\) \[16, 4\]/);
    fails(edited(files, { tensors: (t) => (t['base_model.model.head_image.lora_B.weight'] = randn('float32', [6, 4], 1)) }),
      /base_model.model.head_image.lora_B.weight \(\[out, r\]\) is \[6, 4\], expected \[5, 4\]/);
    fails({ 'adapter_config.json': files['adapter_config.json'] }, /adapter: missing adapter_model.safetensors/);
    fails({ ...files, 'adapter_model.safetensors': new Uint8Array(4) }, /adapter_model.safetensors: too short/);
  });

  it('refuses to save weights that do not match the adapter config', () => {
    const w = trained();
    const { 'lora.h0.attn.wq.A': _drop, ...partial } = w;
    expect(() => encodeAdapter(CFG, LORA, partial)).toThrow(/adapter to save: missing lora.h0.attn.wq.A \[16, 4\]/);
    expect(() => encodeAdapter(CFG, { ...LORA, rank: 2 }, w)).toThrow(/lora.h0.attn.wq.A is \[16, 4\], expected \[16, 2\]/);
    expect(() => encodeAdapter(CFG, { ...LORA, targets: ['attn.wq'] }, w)).toThrow(/unexpected tensor lora.h0.attn.wv.A/);
    w['lora.h1.mlp.down.B'].data[3] = NaN; // a poisoned adapter is never written
    expect(() => encodeAdapter(CFG, LORA, w)).toThrow('adapter to save: 1 of the 64 values of lora.h1.mlp.down.B is not finite (NaN at [0, 3])');
  });
});
