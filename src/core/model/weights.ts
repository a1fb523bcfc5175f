// Parameter initialisation and the safetensors format (8-byte little-endian header length, JSON
// header of {name: {dtype, shape, data_offsets}}, raw little-endian data). Written by hand: it is
// a page of code and no maintained npm package for it is available here. fp16 storage is supported
// so the shipped model stays small; tensors load as float32.
import { fromHalfBits, toHalfBits } from '../float16.ts';
import { type TensorData, randn, tensor } from '../tensor.ts';
import type { ModelConfig } from './config.ts';
import { type LoraConfig, loraShapes } from './lora.ts';
import { paramShapes } from './umm.ts';

export type Weights = Record<string, TensorData<'float32'>>;

/** GPT-2 style init: N(0, 0.02), residual output projections scaled by 1/sqrt(2 * layers). */
export function initWeights(cfg: ModelConfig, seed = 0): Weights {
  const w: Weights = {};
  let s = seed * 1000 + 1;
  for (const [name, shape] of Object.entries(paramShapes(cfg))) {
    if (/(scale)$/.test(name)) w[name] = tensor('float32', shape, new Float32Array(shape[0]).fill(1));
    else if (/(bias|_b)$/.test(name)) w[name] = tensor('float32', shape, new Float32Array(shape[0]));
    else {
      // residual projections scaled down (GPT-2); cell positions at the scale of the normed patch features
      const std = /attn\.wo|mlp\.down$/.test(name) ? 0.02 / Math.sqrt(2 * cfg.layers) : name === 'patch.pos' ? 1 : 0.02;
      w[name] = randn('float32', shape, s++, std);
    }
  }
  return w;
}

/**
 * A fresh LoRA adapter: B = 0, so the adapted model is the base model exactly, and A drawn with
 * the variance of PEFT's default (kaiming_uniform with a = sqrt(5), i.e. var 1 / (3 in)) so x A
 * has unit-order entries and B starts learning at once.
 */
export function initLora(cfg: ModelConfig, lora: LoraConfig, seed = 0): Weights {
  const w: Weights = {};
  let s = seed * 1000 + 7;
  for (const [name, shape] of Object.entries(loraShapes(paramShapes(cfg), lora))) {
    w[name] = name.endsWith('.B') ? tensor('float32', shape, new Float32Array(shape[0] * shape[1])) : randn('float32', shape, s++, 1 / Math.sqrt(3 * shape[0]));
  }
  return w;
}

export function countParams(w: Record<string, TensorData>): number {
  return Object.values(w).reduce((n, t) => n + t.data.length, 0);
}

type StDtype = 'F32' | 'F16';

export function encodeSafetensors(tensors: Record<string, TensorData<'float32'>>, opts: { dtype?: StDtype; metadata?: Record<string, string> } = {}): Uint8Array {
  const dtype = opts.dtype ?? 'F32';
  const bytesPer = dtype === 'F16' ? 2 : 4;
  const header: Record<string, unknown> = opts.metadata ? { __metadata__: opts.metadata } : {};
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const n = tensors[name].data.length * bytesPer;
    header[name] = { dtype, shape: tensors[name].dims, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // align data to 8 bytes
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const data = tensors[name].data;
    for (let i = 0; i < data.length; i++, at += bytesPer) {
      if (dtype === 'F16') view.setUint16(at, toHalfBits(data[i]), true);
      else view.setFloat32(at, data[i], true);
    }
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): { tensors: Record<string, TensorData<'float32'>>; metadata: Record<string, string> } {
  if (bytes.length === 0) throw new Error(`${source}: the file is empty`);
  if (bytes.length < 8) throw new Error(`${source}: too short to be a safetensors file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  // safetensors caps its header at 100 MB; a bigger "length" means this is some other kind of file.
  if (n > 100_000_000) throw new Error(`${source}: not a safetensors file (${otherFormat(bytes)})`);
  if (n > bytes.length - 8) throw new Error(`${source}: the file is cut short: it has ${bytes.length} bytes, its header alone needs ${8 + n}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`${source}: header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error(`${source}: header is not a JSON object`);
  const base = 8 + n;
  const tensors: Record<string, TensorData<'float32'>> = {};
  let metadata: Record<string, string> = {};
  const entries = Object.entries(header).filter(([name]) => name !== '__metadata__');
  for (const [name, info] of entries) checkEntry(info, `${source}: tensor ${name}`);
  // A cut-short file (an interrupted download) is the common case: say what it has and needs.
  const needed = base + Math.max(0, ...entries.map(([, info]) => info.data_offsets[1]));
  if (needed > bytes.length) {
    const [first] = entries.filter(([, info]) => base + info.data_offsets[1] > bytes.length).sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0])[0];
    throw new Error(`${source}: the file is cut short: it has ${bytes.length} bytes, its header needs ${needed} `
      + `(${needed - bytes.length} bytes missing, from tensor ${first} on)`);
  }
  if (header.__metadata__) metadata = header.__metadata__ as unknown as Record<string, string>;
  for (const [name, info] of entries) {
    const { dtype, shape, data_offsets: [start, end] } = info;
    const count = shape.reduce((a, b) => a * b, 1);
    const per = dtype === 'F16' ? 2 : dtype === 'F32' ? 4 : 0;
    if (!per) throw new Error(`${source}: tensor ${name} has dtype ${dtype}; only F32 and F16 are supported`);
    if (end - start !== count * per) {
      throw new Error(`${source}: tensor ${name} [${shape.join(', ')}] ${dtype} needs ${count * per} bytes (${count} values of ${per}), `
        + `but its data_offsets ${start}..${end} hold ${end - start}`);
    }
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const at = base + start + i * per;
      data[i] = per === 2 ? fromHalfBits(view.getUint16(at, true)) : view.getFloat32(at, true);
    }
    tensors[name] = tensor('float32', shape, data);
  }
  return { tensors, metadata };
}

/** A header entry has a dtype, a shape of whole numbers and data offsets start <= end, or the file is malformed. */
function checkEntry(info: unknown, where: string): asserts info is { dtype: string; shape: number[]; data_offsets: [number, number] } {
  const e = info as Record<string, unknown> | null;
  const whole = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!e || typeof e !== 'object' || typeof e.dtype !== 'string') throw new Error(`${where}: header entry has no dtype`);
  if (!Array.isArray(e.shape) || !e.shape.every(whole)) throw new Error(`${where}: shape must be a list of whole numbers, got ${JSON.stringify(e.shape)}`);
  const o = e.data_offsets;
  if (!Array.isArray(o) || o.length !== 2 || !o.every(whole) || o[0] > o[1]) {
    throw new Error(`${where}: data_offsets must be [start, end] with 0 <= start <= end, got ${JSON.stringify(o) ?? 'none'}`);
  }
}

/** What a file that is not safetensors starts like, for the message. */
function otherFormat(bytes: Uint8Array): string {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'it is a PNG image';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'it is a zip archive';
  if (starts(0x1f, 0x8b)) return 'it is gzip-compressed';
  if (bytes[0] === 0x7b || bytes[0] === 0x5b) return 'it is JSON text';
  return `its first 8 bytes, ${Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}, are not a header length`;
}

/** Check that weights match the config's parameter shapes; names every problem. */
export function checkWeights(cfg: ModelConfig, w: Record<string, TensorData>, source = 'weights'): void {
  const want = paramShapes(cfg);
  const problems: string[] = [];
  for (const [k, s] of Object.entries(want)) {
    if (!w[k]) problems.push(`missing ${k} [${s.join(', ')}]`);
    else if (w[k].dims.join() !== s.join()) problems.push(`${k} is [${w[k].dims.join(', ')}], expected [${s.join(', ')}]`);
  }
  for (const k of Object.keys(w)) if (!want[k]) problems.push(`unexpected tensor ${k}`);
  if (problems.length) throw new Error(`${source}: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` (+${problems.length - 8} more)` : ''}`);
}
