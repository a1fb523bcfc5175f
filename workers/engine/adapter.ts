// Adapter import/export in the PEFT layout (adapter_config.json + adapter_model.safetensors), through
// the core codec; a bad file is an InputError from decodeAdapter naming the field or tensor.
import { decodeAdapter, encodeAdapter } from '../../src/core/model/adapter.ts';
import { InputError } from '../../src/core/errors.ts';
import type { AdapterFilesData, AdapterOrigin } from '../engineApi.ts';
import { currentAdapter, loadModel, setAdapter } from './model.ts';

export async function exportAdapter(): Promise<AdapterFilesData> {
  const m = await loadModel();
  const a = currentAdapter();
  if (!a) throw new InputError('there is no adapter to download: train one or upload one first');
  return encodeAdapter(m.cfg, a.lora, a.weights);
}

export async function importAdapter(files: Partial<AdapterFilesData>, origin: AdapterOrigin = { source: 'uploaded' }): Promise<void> {
  const m = await loadModel();
  const { lora, weights, warnings } = decodeAdapter(files, m.cfg);
  setAdapter({ lora, weights, source: origin.source, label: origin.label ?? null, step: null, warnings });
}
