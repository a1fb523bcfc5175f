// TensorData <-> ORT tensors. Takes the Tensor constructor of whichever ORT build is loaded, so the
// node and web runtimes share it without importing each other.
import type { DType, TensorData, TypedArrayOf } from '../tensor.ts';

type OrtType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'float16';

export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  getData?(): Promise<unknown>;
}

export type OrtTensorCtor = new (type: OrtType, data: TensorData['data'], dims: readonly number[]) => OrtTensorLike;

export function toOrt(Tensor: OrtTensorCtor, t: TensorData): OrtTensorLike {
  return new Tensor(t.dtype, t.data, t.dims);
}

export async function fromOrt(t: OrtTensorLike): Promise<TensorData> {
  const dtype = ({ float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', bool: 'bool', float16: 'float16' } as const)[t.type as OrtType];
  if (!dtype) throw new Error(`unsupported output tensor type ${t.type}`);
  // GPU-resident outputs need an async download; CPU tensors carry their data already.
  const data = t.getData && !isCpuData(t.data) ? await t.getData() : t.data;
  const arr = dtype === 'bool' && !(data instanceof Uint8Array) ? Uint8Array.from(data as ArrayLike<number>)
    // A browser with Float16Array hands float16 as one: the project carries the bit patterns.
    : dtype === 'float16' && !(data instanceof Uint16Array) ? new Uint16Array((data as ArrayBufferView).buffer, (data as ArrayBufferView).byteOffset, (data as ArrayLike<number>).length)
      : data;
  return { dtype, dims: [...t.dims], data: arr as TypedArrayOf<DType> };
}

function isCpuData(d: unknown): boolean {
  return ArrayBuffer.isView(d);
}
