// The fixture's q4 variant, onnx/{graph}_q4.onnx, as the onnx-community q4 files are built: every
// MatMul whose weight is a 2-D float initializer becomes com.microsoft's MatMulNBits (4-bit, blocks
// of `blockSize` along K, one float scale per block, no zero-point input so ORT's default 8 applies).
// Quantisation is symmetric: scale = max|w| / 7 per block, q = round(w / scale) + 8 in [0, 15], two
// codes a byte, low nibble first. `dequantised` is the same fp32 graph with each such weight
// replaced by (q - 8) * scale: what MatMulNBits computes, as plain MatMuls, to compare logits with.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const { FLOAT, UINT8 } = onnx.TensorProto.DataType;
const MS_DOMAIN = 'com.microsoft';

export interface Q4Variant {
  readonly q4: Uint8Array;
  readonly dequantised: Uint8Array;
  readonly quantised: readonly string[]; // the weights now in 4 bits
}

interface Quantised {
  readonly packed: Uint8Array; // [N, K / blockSize, blockSize / 2]
  readonly scales: Float32Array; // [N * K / blockSize]
  readonly dequantised: Float32Array; // [K, N], row-major as the MatMul weight
}

/** Quantise a [K, N] row-major weight to MatMulNBits' layout (column n's blocks run along K). */
export function quantiseQ4(w: Float32Array, k: number, n: number, blockSize: number): Quantised {
  const blocks = k / blockSize;
  const packed = new Uint8Array(n * blocks * (blockSize / 2));
  const scales = new Float32Array(n * blocks);
  const dequantised = new Float32Array(k * n);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      let max = 0;
      for (let i = 0; i < blockSize; i++) max = Math.max(max, Math.abs(w[(b * blockSize + i) * n + col]));
      const scale = Math.fround(max / 7);
      scales[col * blocks + b] = scale;
      for (let i = 0; i < blockSize; i++) {
        const row = b * blockSize + i;
        const q = scale === 0 ? 8 : Math.min(15, Math.max(0, Math.round(w[row * n + col] / scale) + 8));
        dequantised[row * n + col] = (q - 8) * scale;
        const at = (col * blocks + b) * (blockSize / 2) + (i >> 1);
        packed[at] |= i % 2 === 0 ? q : q << 4;
      }
    }
  }
  return { packed, scales, dequantised };
}

const f32 = (raw: Uint8Array) => new Float32Array(new Uint8Array(raw).buffer); // a copy: a decoded Buffer may view a shared pool

/** The q4 variant and its dequantised fp32 twin of one fp32 model (weights inline). */
export function q4Variant(fp32: Uint8Array, blockSize = 16): Q4Variant {
  const q4 = onnx.ModelProto.decode(fp32);
  const deq = onnx.ModelProto.decode(fp32);
  const uses = new Map<string, number>();
  for (const node of q4.graph!.node!) for (const x of node.input!) uses.set(x, (uses.get(x) ?? 0) + 1);
  const inits = new Map(q4.graph!.initializer!.map((t) => [t.name!, t]));
  const deqInits = new Map(deq.graph!.initializer!.map((t) => [t.name!, t]));
  const quantised: string[] = [];
  const nodes: onnxProto.onnx.INodeProto[] = [];
  for (const node of q4.graph!.node!) {
    const t = node.opType === 'MatMul' ? inits.get(node.input![1]) : undefined;
    const dims = t?.dims?.map(Number) ?? [];
    const ok = t && t.dataType === FLOAT && t.rawData && dims.length === 2 && dims[0] % blockSize === 0 && uses.get(t.name!) === 1;
    if (!ok) {
      nodes.push(node);
      continue;
    }
    const [k, n] = dims;
    const name = t.name!;
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) throw new Error(`q4Variant: ${name} is external; pass the model with its weights inline`);
    const qz = quantiseQ4(f32(t.rawData!), k, n, blockSize);
    q4.graph!.initializer = q4.graph!.initializer!.filter((x) => x.name !== name);
    q4.graph!.initializer.push(
      onnx.TensorProto.create({ name: `${name}_q4`, dataType: UINT8, dims: [n, k / blockSize, blockSize / 2], rawData: qz.packed }),
      onnx.TensorProto.create({ name: `${name}_scales`, dataType: FLOAT, dims: [n * (k / blockSize)], rawData: new Uint8Array(qz.scales.buffer) }),
    );
    const int = (a: string, i: number) => ({ name: a, type: onnx.AttributeProto.AttributeType.INT, i });
    nodes.push(onnx.NodeProto.create({
      opType: 'MatMulNBits', domain: MS_DOMAIN, name: `${node.name || name}_q4`, input: [node.input![0], `${name}_q4`, `${name}_scales`], output: node.output,
      attribute: [int('K', k), int('N', n), int('bits', 4), int('block_size', blockSize)],
    }));
    deqInits.get(name)!.rawData = new Uint8Array(qz.dequantised.buffer);
    quantised.push(name);
  }
  q4.graph!.node = nodes;
  if (quantised.length > 0 && !q4.opsetImport!.some((o) => o.domain === MS_DOMAIN)) q4.opsetImport!.push(onnx.OperatorSetIdProto.create({ domain: MS_DOMAIN, version: 1 }));
  return { q4: onnx.ModelProto.encode(q4).finish(), dequantised: onnx.ModelProto.encode(deq).finish(), quantised };
}
