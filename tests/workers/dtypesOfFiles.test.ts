// The engine opens a Janus folder at the dtypes the page listed, read back from the file names it
// was sent (onnx/{graph}{suffix}.onnx): a mixed set like the official demo's comes back per graph,
// and a graph sent at no dtype is left out, so the loader names it as missing.
import { describe, expect, it } from 'vitest';
import { dtypesOfFiles } from '../../workers/engine/family.ts';

describe('dtypesOfFiles', () => {
  it('reads one dtype per graph from the graph files, ignoring data chunks and root files', () => {
    expect(dtypesOfFiles([
      'config.json', 'onnx/prepare_inputs_embeds_q4.onnx', 'onnx/language_model_q4f16.onnx', 'onnx/language_model_q4f16.onnx_data',
      'onnx/lm_head_fp16.onnx', 'onnx/gen_head_fp16.onnx', 'onnx/gen_img_embeds_fp16.onnx', 'onnx/image_decode.onnx',
    ])).toEqual({ prepare_inputs_embeds: 'q4', language_model: 'q4f16', lm_head: 'fp16', gen_head: 'fp16', gen_img_embeds: 'fp16', image_decode: 'fp32' });
  });

  it('q8 is the _quantized suffix; a graph with no file has no entry', () => {
    expect(dtypesOfFiles(['onnx/lm_head_quantized.onnx', 'onnx/gen_head_bnb4.onnx'])).toEqual({ lm_head: 'q8', gen_head: 'bnb4' });
  });
});
