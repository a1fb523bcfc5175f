// Outputs left on the device (WebGPU buffers): the decode loop feeds each step's KV cache to the
// next step without a readback. Such a result is a TensorData whose dtype and dims are known but
// whose data is not in JS memory; reading `data` throws, naming the tensor, rather than handing
// out zeros. The runtime that made it takes it back as a feed as is; release() frees the buffer.
import type { DType, TensorData } from '../tensor.ts';

const HANDLE = Symbol('device tensor');

interface Handle {
  readonly tensor: unknown; // the runtime's own tensor (an ORT Tensor on a GPU buffer)
  readonly dispose: () => void;
  released: boolean;
}

export function deviceTensor(name: string, dtype: DType, dims: readonly number[], tensor: unknown, dispose: () => void): TensorData {
  const t = { dtype, dims: [...dims], [HANDLE]: { tensor, dispose, released: false } as Handle };
  Object.defineProperty(t, 'data', {
    enumerable: true,
    get() {
      throw new Error(`${name} stays on the device (a GPU buffer): feed it to the next run instead of reading it`);
    },
  });
  return t as unknown as TensorData;
}

/** The runtime tensor behind a device tensor (undefined for a plain one); refuses a released one. */
export function deviceHandle(t: TensorData, name: string): unknown {
  const h = (t as unknown as { [HANDLE]?: Handle })[HANDLE];
  if (!h) return undefined;
  if (h.released) throw new Error(`feed ${name}: its device buffer was already released`);
  return h.tensor;
}

/** Free the device buffers among `results` (plain tensors are left alone). */
export function releaseDeviceTensors(results: Readonly<Record<string, TensorData>>): void {
  for (const t of Object.values(results)) {
    const h = (t as unknown as { [HANDLE]?: Handle })[HANDLE];
    if (h && !h.released) {
      h.released = true;
      h.dispose();
    }
  }
}
