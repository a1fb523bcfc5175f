// The fixture's fp16 variant, onnx/{graph}_fp16.onnx, as an fp16 export looks from outside: every
// float input and output is float16 (the KV cache included) and the weights are stored as float16.
// Inside, each is cast to float32 and the fp32 graph computes as before (onnxruntime's CPU kernels
// cover few ops in float16), so the variant proves the loader's float16 handling (names, metadata,
// conversions, cache kept in float16), not fp16 arithmetic. Weights inline (no external data).
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const { FLOAT, FLOAT16 } = onnx.TensorProto.DataType;
const MIN_BYTES = 1024; // as the external-data threshold: shape constants stay float32 and inline

function toHalfBytes(raw: Uint8Array, toHalf: (x: ArrayLike<number>) => Uint16Array): Uint8Array {
  const f = new Float32Array(new Uint8Array(raw).buffer); // a copy: a decoded Buffer may view a shared pool
  return new Uint8Array(toHalf(f).buffer);
}

const cast = (input: string, output: string, to: number) =>
  onnx.NodeProto.create({ opType: 'Cast', input: [input], output: [output], name: `cast_${output}`, attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to }] });

/** The fp16 variant of one fp32 model (inline weights). */
export function fp16Variant(fp32: Uint8Array, toHalf: (x: ArrayLike<number>) => Uint16Array): Uint8Array {
  const m = onnx.ModelProto.decode(fp32);
  const g = m.graph!;
  const nodes = g.node!;
  const rename = (from: string, to: string) => {
    for (const n of nodes) {
      n.input = n.input!.map((x) => (x === from ? to : x));
      n.output = n.output!.map((x) => (x === from ? to : x));
    }
  };
  const head: onnxProto.onnx.INodeProto[] = [];
  const tail: onnxProto.onnx.INodeProto[] = [];
  for (const t of g.initializer!) {
    if (t.dataType !== FLOAT || !t.rawData || t.rawData.length < MIN_BYTES) continue;
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) throw new Error(`fp16Variant: ${t.name} is external; pass the model with its weights inline`);
    const name = t.name!;
    t.rawData = toHalfBytes(t.rawData, toHalf);
    t.dataType = FLOAT16;
    t.name = `${name}__f16`;
    head.push(cast(t.name, name, FLOAT));
  }
  for (const v of g.input!) {
    const tt = v.type!.tensorType!;
    if (tt.elemType !== FLOAT) continue;
    rename(v.name!, `${v.name}__f32`);
    head.push(cast(v.name!, `${v.name}__f32`, FLOAT));
    tt.elemType = FLOAT16;
  }
  for (const v of g.output!) {
    const tt = v.type!.tensorType!;
    if (tt.elemType !== FLOAT) continue;
    rename(v.name!, `${v.name}__f32`);
    tail.push(cast(`${v.name}__f32`, v.name!, FLOAT16));
    tt.elemType = FLOAT16;
  }
  g.node = [...head, ...nodes, ...tail];
  g.valueInfo = []; // the renamed intermediates' types are inferred again
  return onnx.ModelProto.encode(m).finish();
}
