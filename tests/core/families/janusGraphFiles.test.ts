// Which files a Janus dtype loads, by transformers.js' rules (utils/dtypes.js, utils/model-loader.js):
// the suffix per dtype, use_external_data_format as true / a chunk count / a map by file or graph
// name, and the dtype precedence (caller, then the export's transformers.js_config.dtype, then fp32).
import { describe, expect, it } from 'vitest';
import type { JanusConfig } from '../../../src/core/families/janus/config.ts';
import { DTYPE_SUFFIX, dtypeOf, externalChunks, externalDataNames } from '../../../src/core/families/janus/graphFiles.ts';

describe('Janus graph files', () => {
  it('suffixes as transformers.js: fp32 none, q8 _quantized, q4f16 _q4f16', () => {
    expect([DTYPE_SUFFIX.fp32, DTYPE_SUFFIX.q8, DTYPE_SUFFIX.q4, DTYPE_SUFFIX.q4f16, DTYPE_SUFFIX.fp16]).toEqual(['', '_quantized', '_q4', '_q4f16', '_fp16']);
  });

  it('counts external data chunks from true, a number, or a map keyed by file name or graph name', () => {
    expect(externalChunks(false, 'language_model.onnx', 'language_model')).toBe(0);
    expect(externalChunks(true, 'language_model.onnx', 'language_model')).toBe(1);
    expect(externalChunks(3, 'language_model.onnx', 'language_model')).toBe(3);
    const map = { 'language_model_q4.onnx': 2, prepare_inputs_embeds: true };
    expect(externalChunks(map, 'language_model_q4.onnx', 'language_model')).toBe(2);
    expect(externalChunks(map, 'language_model.onnx', 'language_model')).toBe(0);
    expect(externalChunks(map, 'prepare_inputs_embeds_q4.onnx', 'prepare_inputs_embeds')).toBe(1);
    expect(externalDataNames('language_model.onnx', 3)).toEqual(['language_model.onnx_data', 'language_model.onnx_data_1', 'language_model.onnx_data_2']);
  });

  it('takes the caller\'s dtype, then the export\'s, then fp32; a per-graph map leaves the rest to the next rule', () => {
    const cfg = { dtypeHint: { language_model: 'q4f16', image_decode: 'fp32' } } as unknown as JanusConfig;
    expect(dtypeOf('language_model', undefined, cfg)).toBe('q4f16');
    expect(dtypeOf('lm_head', undefined, cfg)).toBe('fp32');
    expect(dtypeOf('language_model', 'q4', cfg)).toBe('q4');
    expect(dtypeOf('language_model', { gen_head: 'fp16' }, cfg)).toBe('q4f16');
    expect(() => dtypeOf('lm_head', 'q3' as never, cfg)).toThrow('dtype "q3" for lm_head is not one of fp32, fp16, int8, uint8, q8, q4, q4f16, bnb4');
  });
});
