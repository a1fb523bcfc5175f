// LoRA adapters in the PEFT layout, so Python users can read them: adapter_config.json plus
// adapter_model.safetensors with tensors
//   base_model.model.<param>.lora_A.weight  [r, in]    (our lora.<param>.A [in, r], transposed)
//   base_model.model.<param>.lora_B.weight  [out, r]   (our lora.<param>.B [r, out], transposed)
// because torch.nn.Linear stores weight as [out, in] and PEFT keeps that convention
// (fan_in_fan_out false). Bytes in, bytes out: no Node or DOM APIs, so the worker and the CLI share it.
import { InputError } from '../errors.ts';
import { tensor } from '../tensor.ts';
import type { ModelConfig } from './config.ts';
import { type LoraConfig, loraShapes, validateLora } from './lora.ts';
import { paramShapes } from './umm.ts';
import { type Weights, decodeSafetensors, encodeSafetensors } from './weights.ts';
import { checkWeightValues } from './weightValues.ts';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
export const BASE_MODEL_NAME = 'gvu-playground/tiny-umm';

export interface AdapterFiles {
  readonly 'adapter_config.json': string;
  readonly 'adapter_model.safetensors': Uint8Array;
}

/** Our input name (lora.h0.attn.wq.A) -> PEFT's tensor name (base_model.model.h0.attn.wq.lora_A.weight). */
export function peftTensorName(input: string): string {
  const m = /^lora\.(.+)\.([AB])$/.exec(input);
  if (!m) throw new Error(`not a LoRA input name: ${input}`);
  return `base_model.model.${m[1]}.lora_${m[2]}.weight`;
}

export function encodeAdapter(cfg: ModelConfig, lora: LoraConfig, weights: Weights): AdapterFiles {
  const want = loraShapes(paramShapes(cfg), lora);
  const problems = shapeProblems(want, weights, (k) => k);
  if (problems.length) throw new InputError(`adapter to save: ${listed(problems)}`);
  // A poisoned adapter is never written (the trainer's guard should make this unreachable).
  const { nonFinite } = checkWeightValues(weights);
  if (nonFinite.length) throw new InputError(`adapter to save: ${listed(nonFinite)}`);
  const tensors: Weights = {};
  for (const [name, [rows, cols]] of Object.entries(want)) {
    tensors[peftTensorName(name)] = tensor('float32', [cols, rows], transpose(weights[name].data, rows, cols));
  }
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: BASE_MODEL_NAME,
    r: lora.rank,
    lora_alpha: lora.alpha,
    target_modules: [...lora.targets],
    lora_dropout: 0,
    fan_in_fan_out: false,
    bias: 'none',
    use_rslora: false,
    use_dora: false,
    modules_to_save: null,
    inference_mode: true,
  };
  return {
    'adapter_config.json': `${JSON.stringify(config, null, 2)}\n`,
    'adapter_model.safetensors': encodeSafetensors(tensors, { metadata: { format: 'pt' } }),
  };
}

export interface DecodedAdapter {
  readonly lora: LoraConfig;
  readonly weights: Weights;
  /** Loaded, but worth a word to the user: weights far beyond what training produces. */
  readonly warnings: string[];
}

/**
 * Read a PEFT LoRA adapter for this model; every mismatch is an InputError naming the field or
 * tensor, and so is any NaN/Inf or absurdly large weight (weightValues.ts); large ones are warnings.
 */
export function decodeAdapter(files: Partial<AdapterFiles>, cfg: ModelConfig): DecodedAdapter {
  const json = files[ADAPTER_CONFIG_FILE];
  const bytes = files[ADAPTER_WEIGHTS_FILE];
  if (typeof json !== 'string') throw new InputError(`adapter: missing ${ADAPTER_CONFIG_FILE}`);
  if (!(bytes instanceof Uint8Array)) throw new InputError(`adapter: missing ${ADAPTER_WEIGHTS_FILE}`);
  const lora = readAdapterConfig(json);

  let stored: Weights;
  try {
    stored = decodeSafetensors(bytes, ADAPTER_WEIGHTS_FILE).tensors;
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const want = loraShapes(paramShapes(cfg), lora);
  const peftShapes = Object.fromEntries(Object.entries(want).map(([k, [rows, cols]]) => [peftTensorName(k), [cols, rows]]));
  const problems = shapeProblems(peftShapes, stored, (k) => `${k}${k.endsWith('lora_A.weight') ? ' ([r, in])' : ' ([out, r])'}`);
  const storedRank = problems.length ? consistentRank(stored, cfg, lora) : null;
  if (storedRank !== null) {
    throw new InputError(`${ADAPTER_CONFIG_FILE} says r = ${lora.rank}, but every tensor in ${ADAPTER_WEIGHTS_FILE} has rank ${storedRank}`);
  }
  if (problems.length) {
    throw new InputError(`${ADAPTER_WEIGHTS_FILE} (r = ${lora.rank}, target_modules ${lora.targets.join(', ')}): ${listed(problems)}`);
  }
  const values = checkWeightValues(stored);
  if (values.nonFinite.length) throw new InputError(`${ADAPTER_WEIGHTS_FILE}: ${listed(values.nonFinite)}; an adapter holds finite numbers only`);
  if (values.tooLarge.length) {
    throw new InputError(`${ADAPTER_WEIGHTS_FILE}: ${listed(values.tooLarge)}; trained adapters stay far below that (under 2 on this model)`);
  }
  const warnings = values.large.length
    ? [`${ADAPTER_WEIGHTS_FILE}: ${listed(values.large)}; trained adapters stay under 2 on this model, so expect broken images`]
    : [];
  const weights: Weights = {};
  for (const [name, [rows, cols]] of Object.entries(want)) {
    weights[name] = tensor('float32', [rows, cols], transpose(stored[peftTensorName(name)].data, cols, rows));
  }
  return { lora, weights, warnings };
}

function readAdapterConfig(json: string): LoraConfig {
  const where = ADAPTER_CONFIG_FILE;
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(json);
  } catch (e) {
    throw new InputError(`${where}: not valid JSON (${(e as Error).message})`);
  }
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new InputError(`${where}: expected a JSON object`);
  if (c.peft_type !== 'LORA') throw new InputError(`${where}: peft_type is ${JSON.stringify(c.peft_type)}; only "LORA" adapters load`);
  if (!Number.isInteger(c.r) || (c.r as number) <= 0) throw new InputError(`${where}: r must be a positive integer, got ${JSON.stringify(c.r)}`);
  if (typeof c.lora_alpha !== 'number' || !(c.lora_alpha > 0)) {
    throw new InputError(`${where}: lora_alpha must be a positive number, got ${JSON.stringify(c.lora_alpha)}`);
  }
  if (!Array.isArray(c.target_modules)) {
    throw new InputError(`${where}: target_modules must be a list of module names, got ${JSON.stringify(c.target_modules)}`);
  }
  // Settings that change the maths or the layout: refuse rather than load something else.
  const unsupported: [string, unknown][] = [['fan_in_fan_out', false], ['bias', 'none'], ['use_rslora', false], ['use_dora', false]];
  for (const [field, ok] of unsupported) {
    if (field in c && c[field] !== ok) throw new InputError(`${where}: ${field} is ${JSON.stringify(c[field])}; only ${JSON.stringify(ok)} is supported`);
  }
  try {
    return validateLora({ rank: c.r, alpha: c.lora_alpha, targets: c.target_modules });
  } catch (e) {
    throw new InputError(`${where}: target_modules: ${(e as Error).message.replace(/^lora config: /, '')}`);
  }
}

/** The rank the stored tensors agree on when it is not the config's, else null: the commonest mismatch gets one plain sentence. */
function consistentRank(stored: Weights, cfg: ModelConfig, lora: LoraConfig): number | null {
  const a = Object.entries(stored).find(([k]) => k.endsWith('.lora_A.weight'))?.[1];
  const r = a?.dims[0];
  if (r === undefined || r === lora.rank || !(r > 0)) return null;
  const want = loraShapes(paramShapes(cfg), { ...lora, rank: r });
  const fits = Object.entries(want).every(([k, [rows, cols]]) => stored[peftTensorName(k)]?.dims.join() === [cols, rows].join());
  return fits && Object.keys(stored).length === Object.keys(want).length ? r : null;
}

/** Missing, misshapen and unexpected tensors, each named. */
function shapeProblems(want: Record<string, number[]>, got: Weights, label: (name: string) => string): string[] {
  const problems: string[] = [];
  for (const [k, s] of Object.entries(want)) {
    if (!got[k]) problems.push(`missing ${label(k)} [${s.join(', ')}]`);
    else if (got[k].dims.join() !== s.join()) problems.push(`${label(k)} is [${got[k].dims.join(', ')}], expected [${s.join(', ')}]`);
  }
  for (const k of Object.keys(got)) if (!want[k]) problems.push(`unexpected tensor ${k}`);
  return problems;
}

const listed = (problems: string[]) => `${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` (+${problems.length - 8} more)` : ''}`;

/** [rows, cols] row-major -> [cols, rows] row-major. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}
