// Bad adapters, as a user would bring them: uploaded as the two PEFT files, as one zip, or given to
// the CLI as a folder. Each is refused with the exact message a person reads (the tensor, the
// count, the position, the bytes the file has and needs), and a refused adapter costs nothing: the
// adapter loaded before it stays loaded, and the uploaded bytes are left as they were.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAdapter, loadGvuCheckpoint } from '../../src/cli/adapterFiles.ts';
import { unzipAdapter } from '../../src/core/io/adapterZip.ts';
import { type AdapterFiles, decodeAdapter } from '../../src/core/model/adapter.ts';
import { A, B, CFG, edited, goodAdapter, poke, withHeaderEntry } from './adapterCases.ts';

const good = goodAdapter();
const weightsBytes = good['adapter_model.safetensors'];
const cut = (n: number) => ({ ...good, 'adapter_model.safetensors': weightsBytes.subarray(0, n) });
const ST = 'adapter_model.safetensors';

interface Case {
  readonly name: string;
  readonly files: Partial<AdapterFiles>;
  readonly message: string; // decodeAdapter, and the zip path unless zipMessage says otherwise
  readonly zipMessage?: string;
  readonly cliMessage?: string; // after "adapter <dir>: "
}

const CASES: Case[] = [
  {
    name: 'bad input: a NaN in lora_A',
    files: edited({ tensors: poke(A, { 5: NaN }) }),
    message: `${ST}: 1 of the 64 values of ${A} is not finite (NaN at [0, 5]); an adapter holds finite numbers only`,
  },
  {
    name: 'bad input: +Infinity in lora_B',
    files: edited({ tensors: poke(B, { 0: Infinity }) }),
    message: `${ST}: 1 of the 20 values of ${B} is not finite (Infinity at [0, 0]); an adapter holds finite numbers only`,
  },
  {
    name: 'bad input: -Infinity first of three non-finite values',
    files: edited({ tensors: poke(A, { 17: -Infinity, 18: NaN, 40: Infinity }) }),
    message: `${ST}: 3 of the 64 values of ${A} are not finite (first: -Infinity at [1, 1]); an adapter holds finite numbers only`,
  },
  {
    name: 'bad input: NaN in two tensors, both named',
    files: edited({ tensors: (t) => [poke(A, { 1: NaN }), poke(B, { 19: NaN })].forEach((f) => f(t)) }),
    message: `${ST}: 1 of the 64 values of ${A} is not finite (NaN at [0, 1]); 1 of the 20 values of ${B} is not finite (NaN at [4, 3]); an adapter holds finite numbers only`,
  },
  {
    name: 'bad input: a weight of -1e6',
    files: edited({ tensors: poke(B, { 7: -1e6 }) }),
    message: `${ST}: ${B} has a weight of -1.00e+6 at [1, 3], beyond ±1000; trained adapters stay far below that (under 2 on this model)`,
  },
  {
    name: 'bad input: safetensors cut short (an interrupted download)',
    files: cut(weightsBytes.length - 100),
    message: `${ST}: the file is cut short: it has 1188 bytes, its header needs 1288 (100 bytes missing, from tensor base_model.model.head_image.lora_A.weight on)`,
  },
  {
    name: 'bad input: safetensors cut inside its header',
    files: cut(50),
    message: `${ST}: the file is cut short: it has 50 bytes, its header alone needs 440`,
  },
  {
    name: 'bad input: an empty safetensors file',
    files: cut(0),
    message: `${ST}: the file is empty`,
  },
  {
    name: 'bad input: a PNG named adapter_model.safetensors',
    files: { ...good, [ST]: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) },
    message: `${ST}: not a safetensors file (it is a PNG image)`,
  },
  {
    name: 'bad input: a tensor in bfloat16',
    files: withHeaderEntry(A, { dtype: 'BF16', shape: [4, 16], data_offsets: [0, 128] }),
    message: `${ST}: tensor ${A} has dtype BF16; only F32 and F16 are supported`,
  },
  {
    name: 'bad input: data_offsets that do not fit the shape',
    files: withHeaderEntry(A, { dtype: 'F32', shape: [4, 16], data_offsets: [0, 128] }),
    message: `${ST}: tensor ${A} [4, 16] F32 needs 256 bytes (64 values of 4), but its data_offsets 0..128 hold 128`,
  },
  {
    name: 'bad input: a header entry without data_offsets',
    files: withHeaderEntry(A, { dtype: 'F32', shape: [4, 16] }),
    message: `${ST}: tensor ${A}: data_offsets must be [start, end] with 0 <= start <= end, got none`,
  },
  {
    name: 'bad input: a negative dimension',
    files: withHeaderEntry(A, { dtype: 'F32', shape: [4, -16], data_offsets: [0, 256] }),
    message: `${ST}: tensor ${A}: shape must be a list of whole numbers, got [4,-16]`,
  },
  {
    name: 'bad input: lora_B stored transposed (wrong shape)',
    files: edited({ tensors: (t) => (t[B] = { ...t[B], dims: [4, 5] }) }),
    message: `${ST} (r = 4, target_modules attn.wq, head_image): ${B} ([out, r]) is [4, 5], expected [5, 4]`,
  },
  {
    name: 'bad input: a missing tensor',
    files: edited({ tensors: (t) => delete t[B] }),
    message: `${ST} (r = 4, target_modules attn.wq, head_image): missing ${B} ([out, r]) [5, 4]`,
  },
  {
    name: 'bad input: a tensor for a module not in target_modules',
    files: edited({ tensors: (t) => (t['base_model.model.h0.attn.wk.lora_A.weight'] = t[A]) }),
    message: `${ST} (r = 4, target_modules attn.wq, head_image): unexpected tensor base_model.model.h0.attn.wk.lora_A.weight`,
  },
  {
    name: 'bad input: config rank 8, tensors of rank 4',
    files: edited({ config: { r: 8 } }),
    message: 'adapter_config.json says r = 8, but every tensor in adapter_model.safetensors has rank 4',
  },
  {
    name: 'bad input: adapter_config.json is not JSON',
    files: { ...good, 'adapter_config.json': '{"peft_type": "LORA", "r": 4,' },
    message: 'adapter_config.json: not valid JSON (Expected double-quoted property name in JSON at position 29)',
  },
  {
    name: 'bad input: a prefix-tuning config',
    files: edited({ config: { peft_type: 'PREFIX_TUNING' } }),
    message: 'adapter_config.json: peft_type is "PREFIX_TUNING"; only "LORA" adapters load',
  },
  {
    name: 'bad input: the weights file left out',
    files: { 'adapter_config.json': good['adapter_config.json'] },
    message: 'adapter: missing adapter_model.safetensors',
    zipMessage: 'bad.zip has no adapter_model.safetensors; it holds adapter_config.json',
    cliMessage: 'adapter_model.safetensors is missing',
  },
];

/** The files as one zip, read back the way the Train view reads an uploaded zip. */
function viaZip(files: Partial<AdapterFiles>): Partial<AdapterFiles> {
  const entries = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v]));
  return unzipAdapter(zipSync(entries), 'bad.zip');
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The files as a folder on disk, as `eval --adapter=DIR` reads it. */
function folder(files: Partial<AdapterFiles>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bad-adapter-'));
  dirs.push(dir);
  for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, k), v);
  return dir;
}

/** The error a call throws: its class and its message, exactly. */
function refusal(f: () => unknown): { name: string; message: string } {
  try {
    f();
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('expected a refusal, got a loaded adapter');
}

describe('bad adapters', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    // What the user had loaded before the bad upload.
    const loaded = decodeAdapter(goodAdapter(2), CFG);
    const loadedBefore = structuredClone(loaded);
    const bytesBefore = structuredClone(c.files);

    expect(refusal(() => decodeAdapter(c.files, CFG))).toEqual({ name: 'InputError', message: c.message });
    expect(refusal(() => decodeAdapter(viaZip(c.files), CFG))).toEqual({ name: 'InputError', message: c.zipMessage ?? c.message });
    const dir = folder(c.files);
    expect(refusal(() => loadAdapter(dir, CFG))).toEqual({ name: 'InputError', message: `adapter ${dir}: ${c.cliMessage ?? c.message}` });

    // Nothing lost: the loaded adapter is as it was, the upload's bytes are untouched.
    expect(loaded).toEqual(loadedBefore);
    expect(c.files).toEqual(bytesBefore);
  });

  it('bad input: a weight of 50 loads, with a warning naming it', () => {
    const files = edited({ tensors: poke(B, { 7: 50 }) });
    const warning = `${ST}: ${B} has a weight of 50 at [1, 3], beyond ±10; trained adapters stay under 2 on this model, so expect broken images`;
    expect(decodeAdapter(files, CFG).warnings).toEqual([warning]);
    expect(decodeAdapter(viaZip(files), CFG).warnings).toEqual([warning]);
    expect(decodeAdapter(good, CFG).warnings).toEqual([]);
  });

  it('covers at least ten distinct bad adapters', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBeGreaterThanOrEqual(10);
  });
});

describe('a GvU checkpoint the CLI resumes from', () => {
  const checkpoint = (state: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-checkpoint-'));
    writeFileSync(join(dir, 'state.json'), state);
    return dir;
  };
  it.each([
    ['bad input: state.json is not JSON', '{ not json', /: not JSON \(.*\); move the run folder away to start again$/],
    ['bad input: a negative step', '{"step": -1, "adamStep": 0, "run": {}}', /: step and adamStep must be whole numbers >= 0, got \{"step":-1,"adamStep":0\}$/],
    ['bad input: no adamStep', '{"step": 3, "run": {}}', /: step and adamStep must be whole numbers >= 0, got \{"step":3\}$/],
  ])('%s is refused, naming the file', (_, state, message) => {
    const dir = checkpoint(state);
    const err = refusal(() => loadGvuCheckpoint(dir, CFG));
    expect(err.name).toBe('InputError');
    expect(err.message.startsWith(`checkpoint ${join(dir, 'state.json')}: `)).toBe(true);
    expect(err.message).toMatch(message);
  });
});
