// LoRA adapters and GvU checkpoints on disk: the PEFT layout (adapter_config.json +
// adapter_model.safetensors), plus Adam moments and the step for a resumable run.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from '../core/model/config.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, decodeAdapter, encodeAdapter } from '../core/model/adapter.ts';
import type { LoraConfig } from '../core/model/lora.ts';
import { type Weights, decodeSafetensors, encodeSafetensors } from '../core/model/weights.ts';
import type { GvuState } from '../core/gvu/trainer.ts';
import { tensor } from '../core/tensor.ts';

export function saveAdapter(dir: string, cfg: ModelConfig, lora: LoraConfig, weights: Weights): void {
  mkdirSync(dir, { recursive: true });
  const files = encodeAdapter(cfg, lora, weights);
  writeAtomic(join(dir, ADAPTER_CONFIG_FILE), new TextEncoder().encode(files[ADAPTER_CONFIG_FILE]));
  writeAtomic(join(dir, ADAPTER_WEIGHTS_FILE), files[ADAPTER_WEIGHTS_FILE]);
}

export function loadAdapter(dir: string, cfg: ModelConfig): { lora: LoraConfig; weights: Weights } {
  const read = (f: string) => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new Error(`adapter ${dir}: ${f} is missing`);
    return readFileSync(p);
  };
  return decodeAdapter({ [ADAPTER_CONFIG_FILE]: read(ADAPTER_CONFIG_FILE).toString('utf8'), [ADAPTER_WEIGHTS_FILE]: new Uint8Array(read(ADAPTER_WEIGHTS_FILE)) }, cfg);
}

export function saveGvuCheckpoint<R>(dir: string, cfg: ModelConfig, lora: LoraConfig, state: GvuState, run: R): void {
  saveAdapter(dir, cfg, lora, state.lora);
  const moments: Weights = {};
  for (const k of Object.keys(state.lora)) {
    moments[`m.${k}`] = tensor('float32', state.lora[k].dims, state.adam.m[k]);
    moments[`v.${k}`] = tensor('float32', state.lora[k].dims, state.adam.v[k]);
  }
  writeAtomic(join(dir, 'adam.safetensors'), encodeSafetensors(moments));
  writeAtomic(join(dir, 'state.json'), new TextEncoder().encode(JSON.stringify({ step: state.step, adamStep: state.adam.step, run }, null, 2)));
}

export function loadGvuCheckpoint<R>(dir: string, cfg: ModelConfig): { state: GvuState; run: R } | null {
  if (!existsSync(join(dir, 'state.json'))) return null;
  const meta = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { step: number; adamStep: number; run: R };
  const { weights } = loadAdapter(dir, cfg);
  const mom = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'adam.safetensors'))), join(dir, 'adam.safetensors')).tensors;
  const adam = { step: meta.adamStep, m: {} as Record<string, Float32Array>, v: {} as Record<string, Float32Array> };
  for (const k of Object.keys(weights)) {
    adam.m[k] = mom[`m.${k}`].data;
    adam.v[k] = mom[`v.${k}`].data;
  }
  return { state: { step: meta.step, lora: weights, adam }, run: meta.run };
}

function writeAtomic(path: string, bytes: Uint8Array): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}
