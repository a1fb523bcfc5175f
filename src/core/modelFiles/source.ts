// What the Janus runtime and the engine worker read model files through, whether the bytes sit in
// Cache Storage (a model fetched by id or URL) or in a folder the user picked. One interface, so
// the runtime never knows where a file came from.
import type { GraphDtypes } from './layout.ts';

/** One file of a model folder: its path relative to the folder root ('onnx/lm_head.onnx') and its size in bytes. */
export interface ModelFileEntry {
  readonly path: string;
  readonly size: number;
}

export interface ModelFileSource {
  /** Where the files come from, for messages: 'onnx-community/Janus-Pro-1B-ONNX', 'folder janus-tiny'. */
  readonly label: string;
  /**
   * The dtype each graph's file in list() is at (`onnx/lm_head_fp16.onnx` -> lm_head: 'fp16'): the
   * runtime opens the graphs at exactly these, since the source holds no other variant.
   */
  readonly dtypes: GraphDtypes;
  /** The files resolved for the chosen dtypes (root json files, graphs, external data chunks). */
  list(): Promise<readonly ModelFileEntry[]>;
  /** A file's bytes; throws an InputError naming the path when the source does not hold it. */
  read(path: string): Promise<Uint8Array>;
}

/** ORT's form for weights kept beside a graph: `externalData: [{ path: basename, data }]`. */
export interface ExternalDataFile {
  readonly path: string;
  readonly data: Uint8Array;
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * A graph file and its external data chunks, ready for `InferenceSession.create(model, { externalData })`.
 * The chunks are the listed files named `{graph file}_data`, `_data_1`, ... (transformers.js'
 * naming); ORT matches them by the basename the graph records, so `path` is the basename.
 */
export async function readGraph(source: ModelFileSource, graphPath: string): Promise<{ model: Uint8Array; externalData: ExternalDataFile[] }> {
  const entries = await source.list();
  const chunks = entries.filter((e) => e.path === `${graphPath}_data` || e.path.startsWith(`${graphPath}_data_`));
  const [model, ...data] = await Promise.all([source.read(graphPath), ...chunks.map((c) => source.read(c.path))]);
  return { model, externalData: chunks.map((c, i) => ({ path: basename(c.path), data: data[i] })) };
}
