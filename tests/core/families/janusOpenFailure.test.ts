import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import type { ModelFolder } from '../../../src/core/families/janus/folder.ts';
import type { GraphFile } from '../../../src/core/families/janus/graphFiles.ts';
import { graphOpenError, isOutOfMemory } from '../../../src/core/families/janus/openFailure.ts';

const folder = { location: 'https://hf.co/onnx-community/Janus-Pro-1B-ONNX/resolve/main/' } as ModelFolder;
const embedsFp32: GraphFile = { graph: 'prepare_inputs_embeds', dtype: 'fp32', path: 'onnx/prepare_inputs_embeds.onnx', externalData: ['onnx/prepare_inputs_embeds.onnx_data'] };
const lmQ4: GraphFile = { graph: 'language_model', dtype: 'q4', path: 'onnx/language_model_q4.onnx', externalData: [] };

describe('graphOpenError: a graph that did not open is named, and out of memory says what to try', () => {
  it('recognises the allocation failures of WebGPU, the WASM heap, ORT and V8', () => {
    for (const m of [
      'Failed to allocate a buffer of size 2080374784',
      'GPUDevice: Out of memory',
      'Buffer size (2080374784) exceeds the max buffer size limit (268435456).',
      'Aborted(OOM)',
      'RangeError: Array buffer allocation failed',
      'WebAssembly.Memory.grow(): Maximum memory size exceeded',
      'std::bad_alloc',
      'Cannot enlarge memory arrays to size 4294967296 bytes',
    ]) expect(isOutOfMemory(m), m).toBe(true);
    for (const m of ['protobuf parsing failed', 'Deserialize tensor onnx::MatMul_123 failed. External data offset 1024 is out of range', 'Invalid model']) {
      expect(isOutOfMemory(m), m).toBe(false);
    }
  });

  it('names the file and graph and suggests a smaller dtype or WASM for an fp32 graph out of memory', () => {
    const e = graphOpenError(embedsFp32, folder, new Error('Failed to allocate a buffer of size 2080374784'));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('https://hf.co/onnx-community/Janus-Pro-1B-ONNX/resolve/main/onnx/prepare_inputs_embeds.onnx: cannot open the prepare_inputs_embeds graph: out of memory at fp32 (Failed to allocate a buffer of size 2080374784); choose a smaller dtype (q4 or q4f16) or the WASM backend');
  });

  it('suggests only WASM when the graph is already 4-bit', () => {
    expect(graphOpenError(lmQ4, folder, new Error('GPUDevice: Out of memory')).message).toMatch(/out of memory at q4 \(GPUDevice: Out of memory\); choose the WASM backend$/);
  });

  it('passes any other failure through with the file and graph named', () => {
    expect(graphOpenError(lmQ4, folder, new Error('protobuf parsing failed')).message)
      .toBe('https://hf.co/onnx-community/Janus-Pro-1B-ONNX/resolve/main/onnx/language_model_q4.onnx: cannot open the language_model graph: protobuf parsing failed');
  });
});
