// Graph -> ONNX ModelProto bytes (opset 18, IR 8), through onnx-proto's generated protobuf code.
import onnxProto, { type onnx as P } from 'onnx-proto';
import type { TensorData } from '../tensor.ts';
import { type AttrValue, Graph } from './graph.ts';
import { OPS } from './ops/index.ts';
import { ONNX_DTYPE } from './onnxTypes.ts';
import type { Shape } from './shape.ts';

export const OPSET = 18;
const IR_VERSION = 8;
// onnx-proto is CommonJS: its namespace arrives as the default export in Node and in Vite alike.
const { onnx } = onnxProto;

export function serializeModel(graph: Graph, docString = ''): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'gvu-playground',
    docString,
    opsetImport: [{ domain: '', version: OPSET }, ...[...domainsOf(graph)].map((domain) => ({ domain, version: 1 }))],
    graph: toGraphProto(graph),
  });
  return onnx.ModelProto.encode(model).finish();
}

function toGraphProto(graph: Graph): P.IGraphProto {
  const info = (name: string) => valueInfo(name, graph.value(name).dtype, graph.value(name).shape);
  return {
    name: graph.name,
    input: graph.inputs.map(info),
    output: graph.outputs.map(info),
    initializer: [...graph.initializers].map(([name, t]) => tensorProto(name, t)),
    node: withoutOutputCopies(graph).map((n) => ({
      opType: n.op,
      domain: OPS[n.op].domain ?? '',
      name: n.name,
      input: [...n.inputs],
      output: [...n.outputs],
      attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v, OPS[n.op].floatAttrs?.includes(k) ?? false)),
    })),
  };
}

/** The non-ONNX operator sets a graph and its bodies use (each imported at version 1). */
function domainsOf(graph: Graph, into = new Set<string>()): Set<string> {
  for (const n of graph.nodes) {
    const d = OPS[n.op].domain;
    if (d) into.add(d);
    for (const a of Object.values(n.attrs)) if (a instanceof Graph) domainsOf(a, into);
  }
  return into;
}

/**
 * The nodes, minus each Identity that only renames a computed value into a graph output
 * (Graph.output): the producer writes the output name itself. ORT keeps such an Identity and copies
 * the tensor on every run (a decode step's eight KV outputs: ~10 us each on this machine).
 */
export function withoutOutputCopies(graph: Graph): Graph['nodes'] {
  const outputs = new Set(graph.outputs);
  const fixed = new Set([...graph.inputs, ...graph.initializers.keys(), ...graph.outputs, ...graph.outerNames]);
  const renamed = new Map<string, string>();
  const kept = graph.nodes.filter((n) => {
    const [src, dst] = [n.inputs[0], n.outputs[0]];
    if (n.op !== 'Identity' || !outputs.has(dst) || fixed.has(src) || renamed.has(src)) return true;
    renamed.set(src, dst);
    return false;
  });
  const to = (name: string) => renamed.get(name) ?? name;
  return kept.map((n) => ({ ...n, inputs: n.inputs.map(to), outputs: n.outputs.map(to) }));
}

function valueInfo(name: string, dtype: TensorData['dtype'], shape: Shape): P.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_DTYPE[dtype],
        // Shapes are symbolic when unknown ('?3'): write them as plain dim_params without a name.
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : d.startsWith('?') ? {} : { dimParam: d })) },
      },
    },
  };
}

export function tensorProto(name: string, t: TensorData): P.ITensorProto {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name, dims: [...t.dims], dataType: ONNX_DTYPE[t.dtype], rawData: bytes.slice() };
}

function attribute(name: string, v: AttrValue, isFloat: boolean): P.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return isFloat ? { name, type: T.FLOAT, f: v } : { name, type: T.INT, i: v };
  if (Array.isArray(v)) return isFloat ? { name, type: T.FLOATS, floats: [...v] } : { name, type: T.INTS, ints: [...v] };
  if (v instanceof Graph) return { name, type: T.GRAPH, g: toGraphProto(v) };
  return { name, type: T.TENSOR, t: tensorProto('', v as TensorData) };
}
