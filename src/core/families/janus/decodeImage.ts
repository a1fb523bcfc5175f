// Image codes -> RGB through the image_decode graph (the VQ decoder). Its output is [1, 3, H, W]
// in about [-1, 1]; pixels are (x + 1) * 127.5 clamped to [0, 255] and truncated to uint8, as
// upstream (np.clip then a uint8 array) and transformers.js (clamp_ then .to('uint8')) both do.
import { InputError } from '../../errors.ts';
import { type TensorData, allocate } from '../../tensor.ts';
import type { JanusModel } from './load.ts';
import type { RgbImage } from './preprocess.ts';

export async function decodeCodes(model: JanusModel, codes: Int32Array): Promise<RgbImage> {
  const n = model.cfg.genImageTokens;
  if (codes.length !== n) throw new InputError(`image_decode takes ${n} codes; got ${codes.length}`);
  const ids = allocate('int64', n);
  codes.forEach((c, i) => { ids[i] = BigInt(c); });
  const out = await model.sessions.image_decode.run({ generated_tokens: { dtype: 'int64', dims: [1, n], data: ids } }, ['decoded_image']);
  return chwToRgb(out.decoded_image as TensorData<'float32'>);
}

/** [1, 3, H, W] in [-1, 1] -> HWC uint8. */
export function chwToRgb(t: TensorData<'float32'>): RgbImage {
  if (t.dims.length !== 4 || t.dims[0] !== 1 || t.dims[1] !== 3) {
    throw new InputError(`image_decode gave decoded_image [${t.dims.join(', ')}]; expected [1, 3, H, W]`);
  }
  const [h, w] = [t.dims[2], t.dims[3]];
  const data = new Uint8Array(h * w * 3);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < h * w; i++) data[i * 3 + c] = Math.trunc(Math.min(255, Math.max(0, (t.data[c * h * w + i] + 1) * 127.5)));
  }
  return { width: w, height: h, data };
}
