// The file list for a dtype choice: suffixes, presets, per-graph maps, and every form of
// transformers.js_config.use_external_data_format, with the errors naming what is wrong.
import { describe, expect, test } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { externalDataChunks, parseConfig, resolveFileList } from '../../../src/core/modelFiles/fileList.ts';
import { DTYPE_PRESETS, type DtypeChoice, JANUS_GRAPHS, ROOT_FILES, graphDtypes } from '../../../src/core/modelFiles/layout.ts';

const graphsOf = (paths: string[]) => paths.filter((p) => p.startsWith('onnx/'));

describe('dtype suffixes', () => {
  test.each([
    ['fp32', ''], ['fp16', '_fp16'], ['q4', '_q4'], ['q4f16', '_q4f16'], ['q8', '_quantized'],
    ['int8', '_int8'], ['uint8', '_uint8'], ['bnb4', '_bnb4'],
  ] as const)('%s names every graph onnx/{graph}%s.onnx', (dtype, suffix) => {
    const paths = resolveFileList({}, graphDtypes(dtype));
    expect(paths.slice(0, ROOT_FILES.length)).toEqual([...ROOT_FILES]);
    expect(graphsOf(paths)).toEqual(JANUS_GRAPHS.map((g) => `onnx/${g}${suffix}.onnx`));
  });

  test("the demo's shader-f16 set mixes dtypes per graph", () => {
    expect(graphsOf(resolveFileList({}, graphDtypes('demo-f16')))).toEqual([
      'onnx/prepare_inputs_embeds_q4.onnx', 'onnx/language_model_q4f16.onnx', 'onnx/lm_head_fp16.onnx',
      'onnx/gen_head_fp16.onnx', 'onnx/gen_img_embeds_fp16.onnx', 'onnx/image_decode.onnx',
    ]);
    expect(DTYPE_PRESETS.demo.language_model).toBe('q4');
    expect(DTYPE_PRESETS.demo.lm_head).toBe('fp32');
  });

  test('a per-graph map is taken as given; unknown names and missing graphs are named', () => {
    const map = { ...DTYPE_PRESETS.demo, gen_head: 'int8' };
    expect(graphsOf(resolveFileList({}, graphDtypes(map)))).toContain('onnx/gen_head_int8.onnx');
    expect(() => graphDtypes('q3' as DtypeChoice)).toThrow('unknown dtype "q3"; use one of demo-f16, demo, fp32');
    const { lm_head: _, ...noHead } = DTYPE_PRESETS.demo;
    expect(() => graphDtypes(noHead)).toThrow('dtype map has no entry for graph lm_head');
    expect(() => graphDtypes({ ...DTYPE_PRESETS.demo, lm_head: 'fp8' })).toThrow('dtype map: unknown dtype "fp8" for lm_head');
    expect(() => graphDtypes({ ...DTYPE_PRESETS.demo, embed_tokens: 'fp16' })).toThrow('dtype map names unknown graph embed_tokens');
  });
});

describe('external data', () => {
  const withFormat = (f: unknown) => ({ model_type: 'multi_modality', 'transformers.js_config': { use_external_data_format: f } });
  const dataOf = (paths: string[]) => paths.filter((p) => p.includes('.onnx_data'));

  test('absent or false: no chunks', () => {
    expect(dataOf(resolveFileList({ model_type: 'multi_modality' }, graphDtypes('fp32')))).toEqual([]);
    expect(dataOf(resolveFileList(withFormat(false), graphDtypes('fp32')))).toEqual([]);
  });

  test('true: one chunk beside every graph, right after it', () => {
    const paths = resolveFileList(withFormat(true), graphDtypes('q4'));
    expect(dataOf(paths)).toHaveLength(6);
    const i = paths.indexOf('onnx/lm_head_q4.onnx');
    expect(paths[i + 1]).toBe('onnx/lm_head_q4.onnx_data');
  });

  test('a count: that many chunks, named _data, _data_1, _data_2', () => {
    const paths = resolveFileList(withFormat(3), graphDtypes('fp32'));
    expect(dataOf(paths).filter((p) => p.startsWith('onnx/language_model.'))).toEqual([
      'onnx/language_model.onnx_data', 'onnx/language_model.onnx_data_1', 'onnx/language_model.onnx_data_2',
    ]);
  });

  test('a map by file name wins over the graph name; graphs it does not name have none', () => {
    const f = { 'language_model.onnx': 2, language_model: 5, prepare_inputs_embeds: true, 'lm_head_q4.onnx': 1 };
    expect(dataOf(resolveFileList(withFormat(f), graphDtypes('fp32')))).toEqual([
      'onnx/prepare_inputs_embeds.onnx_data', 'onnx/language_model.onnx_data', 'onnx/language_model.onnx_data_1',
    ]);
    // The file-name key is per dtype: for q4 the graph-name entry applies to language_model.
    expect(dataOf(resolveFileList(withFormat(f), graphDtypes('q4')))).toEqual([
      'onnx/prepare_inputs_embeds_q4.onnx_data',
      ...[0, 1, 2, 3, 4].map((i) => `onnx/language_model_q4.onnx_data${i ? `_${i}` : ''}`),
      'onnx/lm_head_q4.onnx_data',
    ]);
  });

  test('bad values name the config key', () => {
    expect(() => externalDataChunks('yes', 'lm_head', 'lm_head.onnx'))
      .toThrow('config.json transformers.js_config.use_external_data_format is "yes"; expected true, false, a whole number');
    expect(() => externalDataChunks({ lm_head: 1.5 }, 'lm_head', 'lm_head.onnx')).toThrow('use_external_data_format["lm_head"] is 1.5');
    expect(() => externalDataChunks({ 'lm_head.onnx': 101 }, 'lm_head', 'lm_head.onnx')).toThrow('use_external_data_format["lm_head.onnx"] is 101');
    expect(() => externalDataChunks(-1, 'lm_head', 'lm_head.onnx')).toThrow(InputError);
    expect(() => resolveFileList({ 'transformers.js_config': [] }, graphDtypes('fp32'))).toThrow('transformers.js_config is []; expected an object');
    expect(() => resolveFileList([1], graphDtypes('fp32'))).toThrow('config.json does not hold a JSON object');
    expect(() => parseConfig('{"a":', 'http://x/config.json')).toThrow('config.json from http://x/config.json is not JSON');
  });
});
