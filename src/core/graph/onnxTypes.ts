// ONNX TensorProto.DataType codes for the dtypes this project uses.
import type { DType } from '../tensor.ts';

export const ONNX_DTYPE: Record<DType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11 };

export function dtypeOfCode(code: number): DType {
  const hit = (Object.keys(ONNX_DTYPE) as DType[]).find((d) => ONNX_DTYPE[d] === code);
  if (!hit) throw new Error(`unsupported ONNX data type code ${code}`);
  return hit;
}
