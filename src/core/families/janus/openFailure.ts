// Why a graph did not open, in the user's terms. The usual causes are a cut-short download (ORT
// says "protobuf parsing failed" or names an external-data offset past the end of the file) and
// running out of memory: the fp32 prepare_inputs_embeds alone is 2.08 GB.
import { InputError } from '../../errors.ts';
import { type ModelFolder, filePath } from './folder.ts';
import type { GraphFile } from './graphFiles.ts';

// Messages of an allocation that failed: WebGPU buffers, the WASM heap, ORT's own allocator, V8.
const OUT_OF_MEMORY = [
  /out of memory/i,
  /\bOOM\b/,
  /failed to allocate/i,
  /allocation failed/i,
  /bad_alloc/i,
  /maximum memory size exceeded/i,
  /exceeds the max(imum)? ?buffer ?size/i,
  /cannot enlarge memory/i,
];

export function isOutOfMemory(message: string): boolean {
  return OUT_OF_MEMORY.some((re) => re.test(message));
}

/** The error for a graph that did not open, naming its file; out of memory says what to try. */
export function graphOpenError(file: GraphFile, folder: ModelFolder, error: unknown): InputError {
  const message = error instanceof Error ? error.message : String(error);
  const where = `${filePath(folder, file.path)}: cannot open the ${file.graph} graph`;
  if (!isOutOfMemory(message)) return new InputError(`${where}: ${message}`);
  const smaller = file.dtype === 'q4' || file.dtype === 'q4f16' || file.dtype === 'bnb4' ? 'the WASM backend' : 'a smaller dtype (q4 or q4f16) or the WASM backend';
  return new InputError(`${where}: out of memory at ${file.dtype} (${message}); choose ${smaller}`);
}
