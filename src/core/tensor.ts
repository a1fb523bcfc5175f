// Plain tensors shared by the graph builder (initializers) and the runtime layer (feeds/results).
// No ORT types here: the core stays importable from Node, workers and tests alike.

// float16 is carried as its bit patterns (Uint16Array, float16.ts converts): only model families
// that load float16 graphs (Janus fp16 / q4f16) make such tensors.
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'float16';

export type TypedArrayOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : D extends 'int64'
        ? BigInt64Array
        : D extends 'float16'
          ? Uint16Array
          : Uint8Array;

export type TensorArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;

export interface TensorData<D extends DType = DType> {
  readonly dtype: D;
  readonly dims: readonly number[];
  readonly data: TypedArrayOf<D>;
}

export const isFloat = (d: DType): d is 'float32' | 'float64' => d === 'float32' || d === 'float64';

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function allocate<D extends DType>(dtype: D, n: number): TypedArrayOf<D> {
  switch (dtype) {
    case 'float32': return new Float32Array(n) as TypedArrayOf<D>;
    case 'float64': return new Float64Array(n) as TypedArrayOf<D>;
    case 'int32': return new Int32Array(n) as TypedArrayOf<D>;
    case 'int64': return new BigInt64Array(n) as TypedArrayOf<D>;
    case 'bool': return new Uint8Array(n) as TypedArrayOf<D>;
    case 'float16': return new Uint16Array(n) as TypedArrayOf<D>;
  }
  throw new Error(`unknown dtype ${String(dtype)}`);
}

/** Build a tensor from plain numbers; checks that the element count matches the dims. */
export function tensor<D extends DType>(dtype: D, dims: readonly number[], values: ArrayLike<number> | TypedArrayOf<D>): TensorData<D> {
  const n = sizeOf(dims);
  if (values.length !== n) {
    throw new Error(`tensor: ${values.length} values for dims [${dims.join(', ')}] (expected ${n})`);
  }
  if (isTypedArrayOf(dtype, values)) return { dtype, dims: [...dims], data: values };
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    const v = (values as ArrayLike<number>)[i];
    if (dtype === 'int64') (data as BigInt64Array)[i] = BigInt(Math.trunc(v));
    else (data as Float32Array)[i] = v;
  }
  return { dtype, dims: [...dims], data };
}

function isTypedArrayOf<D extends DType>(dtype: D, v: unknown): v is TypedArrayOf<D> {
  switch (dtype) {
    case 'float32': return v instanceof Float32Array;
    case 'float64': return v instanceof Float64Array;
    case 'int32': return v instanceof Int32Array;
    case 'int64': return v instanceof BigInt64Array;
    case 'bool': return v instanceof Uint8Array;
    case 'float16': return v instanceof Uint16Array;
  }
  return false;
}

/** Numbers out of any tensor (int64 converted with Number()). */
export function toNumbers(t: TensorData): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Deterministic pseudo-random normal tensor (mulberry32 + Box-Muller): the same bytes everywhere. */
export function randn<D extends 'float32' | 'float64'>(dtype: D, dims: readonly number[], seed: number, scale = 1): TensorData<D> {
  const rand = mulberry32(seed);
  const n = sizeOf(dims);
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return { dtype, dims: [...dims], data: out };
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
