// LoRA adapters and GvU checkpoints on disk: the PEFT layout (adapter_config.json +
// adapter_model.safetensors), plus Adam moments and the step for a resumable run.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from '../core/model/config.ts';
import { InputError } from '../core/errors.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, type DecodedAdapter, decodeAdapter, encodeAdapter } from '../core/model/adapter.ts';
import type { LoraConfig } from '../core/model/lora.ts';
import type { Weights } from '../core/model/weights.ts';
import type { GvuState } from '../core/gvu/trainer.ts';
import { loadAdamMoments, saveAdamMoments, writeAtomic } from './modelFiles.ts';

export function saveAdapter(dir: string, cfg: ModelConfig, lora: LoraConfig, weights: Weights): void {
  mkdirSync(dir, { recursive: true });
  const files = encodeAdapter(cfg, lora, weights);
  writeAtomic(join(dir, ADAPTER_CONFIG_FILE), new TextEncoder().encode(files[ADAPTER_CONFIG_FILE]));
  writeAtomic(join(dir, ADAPTER_WEIGHTS_FILE), files[ADAPTER_WEIGHTS_FILE]);
}

/**
 * An adapter folder through the same checks as an upload in the UI (decodeAdapter: shapes,
 * NaN/Inf, absurd magnitudes), every refusal naming the folder; warnings go to stderr.
 */
export function loadAdapter(dir: string, cfg: ModelConfig): DecodedAdapter {
  const read = (f: string) => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new InputError(`adapter ${dir}: ${f} is missing`);
    return readFileSync(p);
  };
  let adapter: DecodedAdapter;
  try {
    adapter = decodeAdapter({ [ADAPTER_CONFIG_FILE]: read(ADAPTER_CONFIG_FILE).toString('utf8'), [ADAPTER_WEIGHTS_FILE]: new Uint8Array(read(ADAPTER_WEIGHTS_FILE)) }, cfg);
  } catch (e) {
    if (e instanceof InputError && !e.message.startsWith(`adapter ${dir}:`)) throw new InputError(`adapter ${dir}: ${e.message}`);
    throw e;
  }
  for (const w of adapter.warnings) console.warn(`warning: adapter ${dir}: ${w}`);
  return adapter;
}

export function saveGvuCheckpoint<R>(dir: string, cfg: ModelConfig, lora: LoraConfig, state: GvuState, run: R): void {
  saveAdapter(dir, cfg, lora, state.lora);
  saveAdamMoments(dir, state.lora, state.adam);
  writeAtomic(join(dir, 'state.json'), new TextEncoder().encode(JSON.stringify({ step: state.step, adamStep: state.adam.step, run }, null, 2)));
}

export function loadGvuCheckpoint<R>(dir: string, cfg: ModelConfig): { state: GvuState; run: R } | null {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return null;
  let meta: { step: number; adamStep: number; run: R };
  try {
    meta = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`checkpoint ${file}: not JSON (${(e as Error).message}); move the run folder away to start again`);
  }
  if (!Number.isInteger(meta?.step) || meta.step < 0 || !Number.isInteger(meta.adamStep) || meta.adamStep < 0) {
    throw new InputError(`checkpoint ${file}: step and adamStep must be whole numbers >= 0, got ${JSON.stringify({ step: meta?.step, adamStep: meta?.adamStep })}`);
  }
  const { weights } = loadAdapter(dir, cfg);
  return { state: { step: meta.step, lora: weights, adam: loadAdamMoments(dir, weights, meta.adamStep) }, run: meta.run };
}
