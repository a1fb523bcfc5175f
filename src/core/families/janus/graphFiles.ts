// Which ONNX files make a Janus model at a given dtype: `onnx/{graph}{suffix}.onnx` plus its
// external-data chunks `…onnx_data`, `…onnx_data_1`, … (transformers.js utils/dtypes.js and
// utils/model-loader.js, whose rules this copies so the same exports load).
import { InputError } from '../../errors.ts';
import type { ExternalDataFormat, JanusConfig } from './config.ts';
import { type ModelFolder, filePath } from './folder.ts';

/** The six graphs of transformers.js's MultiModality export (models/session_config.js). */
export const JANUS_GRAPHS = ['prepare_inputs_embeds', 'language_model', 'lm_head', 'gen_head', 'gen_img_embeds', 'image_decode'] as const;
export type JanusGraph = (typeof JANUS_GRAPHS)[number];

/** transformers.js DEFAULT_DTYPE_SUFFIX_MAPPING. */
export const DTYPE_SUFFIX = {
  fp32: '', fp16: '_fp16', int8: '_int8', uint8: '_uint8', q8: '_quantized', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4',
} as const;
export type JanusDtype = keyof typeof DTYPE_SUFFIX;
export const JANUS_DTYPES = Object.keys(DTYPE_SUFFIX) as JanusDtype[];

/** One dtype for every graph, or one per graph (the official demo mixes q4, q4f16, fp16 and fp32). */
export type DtypeChoice = JanusDtype | Readonly<Partial<Record<JanusGraph, JanusDtype>>>;

export interface GraphFile {
  readonly graph: JanusGraph;
  readonly dtype: JanusDtype;
  readonly path: string; // 'onnx/language_model_q4.onnx', relative to the folder
  readonly externalData: readonly string[]; // relative paths of its data chunks, in order
}

const MAX_EXTERNAL_DATA_CHUNKS = 100; // transformers.js utils/hub/constants.js

export function isDtype(x: unknown): x is JanusDtype {
  return typeof x === 'string' && Object.hasOwn(DTYPE_SUFFIX, x);
}

/** The dtype each graph loads at: the caller's choice, else the export's transformers.js_config.dtype, else fp32. */
export function dtypeOf(graph: JanusGraph, choice: DtypeChoice | undefined, cfg: JanusConfig): JanusDtype {
  const pick = (c: unknown): unknown => (typeof c === 'string' ? c : typeof c === 'object' && c !== null ? (c as Record<string, unknown>)[graph] : undefined);
  const chosen = pick(choice) ?? pick(cfg.dtypeHint) ?? 'fp32';
  if (!isDtype(chosen)) throw new InputError(`dtype ${JSON.stringify(chosen)} for ${graph} is not one of ${JANUS_DTYPES.join(', ')}`);
  return chosen;
}

/** transformers.js resolveExternalDataFormat: how many data chunks a file has (0 = weights inside). */
export function externalChunks(format: ExternalDataFormat, fileName: string, graph: string): number {
  if (typeof format === 'object') {
    const v = Object.hasOwn(format, fileName) ? format[fileName] : Object.hasOwn(format, graph) ? format[graph] : 0;
    return +v;
  }
  return +format;
}

export function externalDataNames(fileName: string, chunks: number): string[] {
  return Array.from({ length: chunks }, (_, i) => `${fileName}_data${i === 0 ? '' : `_${i}`}`);
}

/** Every graph's files at the chosen dtypes, checked to exist, with errors naming the file. */
export async function resolveGraphFiles(folder: ModelFolder, cfg: JanusConfig, choice?: DtypeChoice): Promise<Record<JanusGraph, GraphFile>> {
  const out = {} as Record<JanusGraph, GraphFile>;
  for (const graph of JANUS_GRAPHS) {
    const dtype = dtypeOf(graph, choice, cfg);
    const fileName = `${graph}${DTYPE_SUFFIX[dtype]}.onnx`;
    const path = `onnx/${fileName}`;
    if (!(await folder.exists(path))) {
      const present = [];
      for (const d of JANUS_DTYPES) if (await folder.exists(`onnx/${graph}${DTYPE_SUFFIX[d]}.onnx`)) present.push(d);
      const have = present.length ? `this folder has ${graph} as ${present.join(', ')}` : `this folder has no ${graph} graph at any dtype`;
      throw new InputError(`${filePath(folder, path)} is missing: the ${graph} graph at dtype ${dtype} (${have})`);
    }
    const chunks = externalChunks(cfg.externalData, fileName, graph);
    if (!Number.isInteger(chunks) || chunks < 0 || chunks > MAX_EXTERNAL_DATA_CHUNKS) {
      throw new InputError(`${filePath(folder, 'config.json')}: transformers.js_config.use_external_data_format gives ${chunks} data chunks for ${fileName}; at most ${MAX_EXTERNAL_DATA_CHUNKS}`);
    }
    const externalData = externalDataNames(fileName, chunks).map((n) => `onnx/${n}`);
    for (const p of externalData) {
      if (!(await folder.exists(p))) {
        throw new InputError(`${filePath(folder, p)} is missing: config.json's transformers.js_config.use_external_data_format says ${fileName} keeps its weights in ${chunks} data file(s)`);
      }
    }
    out[graph] = { graph, dtype, path, externalData };
  }
  return out;
}
