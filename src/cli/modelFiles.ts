// Model and checkpoint files on disk (Node): config.json + model.safetensors, and a training
// checkpoint (weights, Adam moments, step, run config) that a resumed run continues from exactly.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ModelConfig, validateConfig } from '../core/model/config.ts';
import { type Weights, checkWeights, decodeSafetensors, encodeSafetensors } from '../core/model/weights.ts';
import type { AdamState } from '../core/optim/adam.ts';
import { tensor } from '../core/tensor.ts';

export function loadModel(dir: string): { cfg: ModelConfig; weights: Weights } {
  const cfgPath = join(dir, 'config.json');
  if (!existsSync(cfgPath)) throw new Error(`no model at ${dir}: ${cfgPath} is missing`);
  const cfg = validateConfig(JSON.parse(readFileSync(cfgPath, 'utf8')));
  const file = join(dir, 'model.safetensors');
  const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(file)), file);
  checkWeights(cfg, tensors, file);
  return { cfg, weights: tensors };
}

export function saveModel(dir: string, cfg: ModelConfig, weights: Weights, dtype: 'F32' | 'F16' = 'F16'): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg, null, 2) + '\n');
  writeAtomic(join(dir, 'model.safetensors'), encodeSafetensors(weights, { dtype, metadata: { format: 'pt', producer: 'gvu-playground' } }));
}

export interface Checkpoint<R> {
  step: number;
  cfg: ModelConfig;
  run: R;
  weights: Weights;
  adam: AdamState;
}

export function saveCheckpoint<R>(dir: string, ck: Checkpoint<R>): void {
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, 'model.safetensors'), encodeSafetensors(ck.weights));
  saveAdamMoments(dir, ck.weights, ck.adam);
  // state.json last: a checkpoint counts only once it names its step.
  writeAtomic(join(dir, 'state.json'), new TextEncoder().encode(JSON.stringify({ step: ck.step, adamStep: ck.adam.step, cfg: ck.cfg, run: ck.run }, null, 2)));
}

export function loadCheckpoint<R>(dir: string): Checkpoint<R> | null {
  const statePath = join(dir, 'state.json');
  if (!existsSync(statePath)) return null;
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { step: number; adamStep: number; cfg: unknown; run: R };
  const cfg = validateConfig(state.cfg);
  const weights = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), join(dir, 'model.safetensors')).tensors;
  checkWeights(cfg, weights, dir);
  return { step: state.step, cfg, run: state.run, weights, adam: loadAdamMoments(dir, weights, state.adamStep) };
}

/** Adam's moments beside a checkpoint's parameters: adam.safetensors with m.<name> and v.<name>. */
export function saveAdamMoments(dir: string, params: Weights, adam: AdamState): void {
  const moments: Weights = {};
  for (const k of Object.keys(params)) {
    moments[`m.${k}`] = tensor('float32', params[k].dims, adam.m[k]);
    moments[`v.${k}`] = tensor('float32', params[k].dims, adam.v[k]);
  }
  writeAtomic(join(dir, 'adam.safetensors'), encodeSafetensors(moments));
}

export function loadAdamMoments(dir: string, params: Weights, step: number): AdamState {
  const file = join(dir, 'adam.safetensors');
  const mom = decodeSafetensors(new Uint8Array(readFileSync(file)), file).tensors;
  const adam: AdamState = { step, m: {}, v: {} };
  for (const k of Object.keys(params)) {
    if (!mom[`m.${k}`] || !mom[`v.${k}`]) throw new Error(`${file}: no moments for ${k}`);
    adam.m[k] = mom[`m.${k}`].data;
    adam.v[k] = mom[`v.${k}`].data;
  }
  return adam;
}

export function writeAtomic(path: string, bytes: Uint8Array): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}
