// Which files a model needs for a choice of dtypes: the root json files, one graph file per graph,
// and the graph's external data chunks where config.json says it has them. Pure: config.json's
// parsed contents in, relative paths out, so the same list serves Cache Storage, a picked folder
// and the CLI.
import { InputError } from '../errors.ts';
import { DTYPE_SUFFIX, type GraphDtypes, JANUS_GRAPHS, type JanusGraph, ROOT_FILES } from './layout.ts';

/** transformers.js refuses more chunks than this; a bigger count is a typo, not a model. */
export const MAX_EXTERNAL_DATA_CHUNKS = 100;

const KEY = 'transformers.js_config.use_external_data_format';

/**
 * How many `.onnx_data` chunks a graph file has, read as transformers.js reads it
 * (models/session.js): the value is true (one chunk), a chunk count, or a map keyed by the
 * graph's file name (`language_model_q4f16.onnx`) or, failing that, its graph name
 * (`language_model`), whose values are again true or a count. Absent or false: none.
 */
export function externalDataChunks(format: unknown, graph: JanusGraph, fileName: string): number {
  let value = format;
  let where = KEY;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const map = value as Record<string, unknown>;
    where = Object.hasOwn(map, fileName) ? `${KEY}["${fileName}"]` : `${KEY}["${graph}"]`;
    value = Object.hasOwn(map, fileName) ? map[fileName] : Object.hasOwn(map, graph) ? map[graph] : false;
  }
  if (value === undefined || value === null || value === false) return 0;
  if (value === true) return 1;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_EXTERNAL_DATA_CHUNKS) return value;
  throw new InputError(`config.json ${where} is ${JSON.stringify(value)}; expected true, false, a whole number of chunks from 0 to ${MAX_EXTERNAL_DATA_CHUNKS}, or a map of those by file or graph name`);
}

/** `onnx/language_model.onnx_data`, then `..._data_1`, `..._data_2`: transformers.js' chunk names. */
export const chunkPath = (graphPath: string, i: number): string => `${graphPath}_data${i === 0 ? '' : `_${i}`}`;

/** The `transformers.js_config` block of config.json, checked to be an object where present. */
function jsConfigOf(config: unknown): Record<string, unknown> {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new InputError('config.json does not hold a JSON object');
  }
  const js = (config as Record<string, unknown>)['transformers.js_config'];
  if (js === undefined) return {};
  if (js === null || typeof js !== 'object' || Array.isArray(js)) {
    throw new InputError(`config.json transformers.js_config is ${JSON.stringify(js)}; expected an object`);
  }
  return js as Record<string, unknown>;
}

/** Every path the model needs for these dtypes, root files first, each graph followed by its chunks. */
export function resolveFileList(config: unknown, dtypes: GraphDtypes): string[] {
  const format = jsConfigOf(config).use_external_data_format;
  const paths: string[] = [...ROOT_FILES];
  for (const graph of JANUS_GRAPHS) {
    const fileName = `${graph}${DTYPE_SUFFIX[dtypes[graph]]}.onnx`;
    const graphPath = `onnx/${fileName}`;
    paths.push(graphPath);
    const n = externalDataChunks(format, graph, fileName);
    for (let i = 0; i < n; i++) paths.push(chunkPath(graphPath, i));
  }
  return paths;
}

/** config.json's text as an object, or an InputError saying where it came from. */
export function parseConfig(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`config.json from ${where} is not JSON (${(err as Error).message})`);
  }
}
