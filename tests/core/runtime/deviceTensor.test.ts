// Device tensors: dtype and dims readable, data refused by name (never zeros), the handle handed
// back to the runtime until released, released once.
import { describe, expect, it } from 'vitest';
import { deviceHandle, deviceTensor, releaseDeviceTensors } from '../../../src/core/runtime/deviceTensor.ts';
import { tensor } from '../../../src/core/tensor.ts';

describe('deviceTensor', () => {
  it('keeps dtype and dims, refuses reads of data, hands its handle back until released, and is released once', () => {
    let disposed = 0;
    const handle = { gpu: true };
    const t = deviceTensor('present_k.0', 'float32', [8, 4, 20, 32], handle, () => void disposed++);
    expect([t.dtype, t.dims]).toEqual(['float32', [8, 4, 20, 32]]);
    expect(() => t.data).toThrow('present_k.0 stays on the device (a GPU buffer): feed it to the next run instead of reading it');
    expect(deviceHandle(t, 'past_k.0')).toBe(handle);
    const plain = tensor('float32', [1], [1]);
    expect(deviceHandle(plain, 'x')).toBeUndefined();
    releaseDeviceTensors({ a: t, b: plain });
    releaseDeviceTensors({ a: t });
    expect(disposed).toBe(1);
    expect(() => deviceHandle(t, 'past_k.0')).toThrow('feed past_k.0: its device buffer was already released');
  });
});
