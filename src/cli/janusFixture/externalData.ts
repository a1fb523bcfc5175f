// ONNX external data: a model whose initializers live in a separate `<file>.onnx_data` beside it,
// as the large onnx-community graphs ship (TensorProto data_location EXTERNAL with location,
// offset and length entries). onnxruntime resolves `location` relative to the model file, or takes
// the bytes from the session option `externalData: [{ path: location, data }]` in the browser.
import onnxProto from 'onnx-proto';
import { type Graph, serializeModel } from '../../core/graph/index.ts';

const { onnx } = onnxProto;
const ALIGN = 64; // each tensor starts on a 64-byte boundary, so a reader may view it as a typed array in place
// Only weights move out (as onnx.save_model's size_threshold of 1024 bytes): shape and axes
// constants must stay inline, since onnxruntime's shape inference reads them before external data.
const MIN_BYTES = 1024;

export interface ExternalModel {
  readonly model: Uint8Array; // the .onnx file, weights replaced by references
  readonly data: Uint8Array; // the .onnx_data file
}

/** Serialise a graph with its weights (initializers of 1 KiB or more) moved to the data file named `location` (a bare file name). */
export function serializeWithExternalData(graph: Graph, location: string, docString = ''): ExternalModel {
  const proto = onnx.ModelProto.decode(serializeModel(graph, docString));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of proto.graph?.initializer ?? []) {
    const bytes = t.rawData;
    if (!bytes || bytes.length < MIN_BYTES) continue;
    const pad = (ALIGN - (offset % ALIGN)) % ALIGN;
    if (pad) chunks.push(new Uint8Array(pad));
    offset += pad;
    chunks.push(bytes);
    t.rawData = new Uint8Array(0);
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(bytes.length) },
    ];
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { model: onnx.ModelProto.encode(proto).finish(), data };
}
