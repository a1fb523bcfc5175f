// Adapter zips: the two PEFT files at the root, an exact round trip, and InputErrors that name the
// missing file (listing what the zip holds) or say the upload is no zip at all.
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unzipAdapter, zipAdapter } from '../../../src/core/io/adapterZip.ts';
import { type AdapterFiles, decodeAdapter, encodeAdapter } from '../../../src/core/model/adapter.ts';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import type { LoraConfig } from '../../../src/core/model/lora.ts';
import { initLora } from '../../../src/core/model/weights.ts';
import { randn } from '../../../src/core/tensor.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 16, layers: 2, heads: 2, mlpRatio: 2, textVocab: 10, imageVocab: 5,
  imageTokens: 4, patchDim: 6, maxText: 5, maxSeq: 9,
};
const LORA: LoraConfig = { rank: 4, alpha: 16, targets: ['attn.wq', 'attn.wv', 'mlp.down', 'head_image'] };

function adapter(): AdapterFiles {
  const w = initLora(CFG, LORA, 1);
  for (const k of Object.keys(w)) if (k.endsWith('.B')) w[k] = randn('float32', w[k].dims, k.length * 31, 0.2);
  return encodeAdapter(CFG, LORA, w);
}

const asInputError = (f: () => unknown, msg: RegExp | string) => {
  expect(f).toThrow(msg);
  expect(f).toThrow(expect.objectContaining({ name: 'InputError' }));
};

describe('adapter zips', () => {
  it('hold exactly the two PEFT files at the root, and round-trip byte for byte', () => {
    const files = adapter();
    const zip = zipAdapter(files);
    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    const back = unzipAdapter(zip);
    expect(back['adapter_config.json']).toBe(files['adapter_config.json']);
    expect(back['adapter_model.safetensors']).toEqual(files['adapter_model.safetensors']);
    expect(decodeAdapter(back, CFG)).toEqual(decodeAdapter(files, CFG));
  });

  it('non-ASCII config text survives', () => {
    const files = { ...adapter(), 'adapter_config.json': '{"note": "α=16, größe ✓"}\n' };
    expect(unzipAdapter(zipAdapter(files))['adapter_config.json']).toBe(files['adapter_config.json']);
  });

  it('a zipped adapter folder (one copy of each file, not at the root) reads too', () => {
    const files = adapter();
    const zip = zipSync({
      'my-adapter/': new Uint8Array(0),
      'my-adapter/adapter_config.json': strToU8(files['adapter_config.json']),
      'my-adapter/adapter_model.safetensors': files['adapter_model.safetensors'],
      '__MACOSX/my-adapter/adapter_config.json': strToU8('resource fork'),
    });
    expect(unzipAdapter(zip)).toEqual(files);
  });

  it('a missing file is named, with what the zip holds', () => {
    const files = adapter();
    const noWeights = zipSync({ 'adapter_config.json': strToU8(files['adapter_config.json']), 'notes.txt': strToU8('hi') });
    asInputError(() => unzipAdapter(noWeights, 'run7.zip'),
      'run7.zip has no adapter_model.safetensors; it holds adapter_config.json, notes.txt');
    const noConfig = zipSync({ 'weights/adapter_model.safetensors': files['adapter_model.safetensors'] });
    asInputError(() => unzipAdapter(noConfig, 'run7.zip'),
      'run7.zip has no adapter_config.json; it holds weights/adapter_model.safetensors');
    asInputError(() => unzipAdapter(zipSync({}), 'empty.zip'), 'empty.zip has no adapter_config.json; the zip is empty');
  });

  it('two nested copies of a file are ambiguous', () => {
    const files = adapter();
    const cfg = strToU8(files['adapter_config.json']);
    const zip = zipSync({ 'a/adapter_config.json': cfg, 'b/adapter_config.json': cfg, 'adapter_model.safetensors': files['adapter_model.safetensors'] });
    asInputError(() => unzipAdapter(zip, 'two.zip'), 'two.zip holds 2 copies of adapter_config.json (a/adapter_config.json, b/adapter_config.json)');
  });

  it('a file that is not a zip says so', () => {
    const files = adapter();
    asInputError(() => unzipAdapter(files['adapter_model.safetensors'], 'adapter.zip'),
      /^adapter\.zip is not a readable zip file \(invalid zip data\); expected a zip holding adapter_config\.json and adapter_model\.safetensors$/);
    asInputError(() => unzipAdapter(new Uint8Array(0), 'adapter.zip'), /adapter\.zip is not a readable zip file/);
  });
});
