// Understanding-branch image preprocessing as upstream (Janus image_processing_vlm.py): resize so
// the longer side is image_size (each side at least min_size; Pillow bicubic), pad to a square with
// background_color centred, and only then rescale and normalise, so the padding is (127/255 - 0.5)
// / 0.5 = -0.004, not 0. transformers.js pads after normalising (0.498) and resizes bilinearly;
// upstream is what the model was trained on. Input is decoded RGB (HWC uint8): decoding PNG or
// JPEG is the caller's job.
import { InputError } from '../../errors.ts';
import type { TensorData } from '../../tensor.ts';
import type { RgbImage } from '../family.ts';
import type { JanusConfig } from './config.ts';
import { resizeBicubicRgb } from './resizeBicubic.ts';

export type { RgbImage };

type PreprocessConfig = Pick<JanusConfig, 'imageSize' | 'minSize' | 'imageMean' | 'imageStd' | 'rescaleFactor' | 'doNormalize' | 'backgroundColor'>;

/** The resized size: upstream's `max(int(side / max_side * image_size), min_size)`. */
export function resizedSize(cfg: PreprocessConfig, width: number, height: number): { width: number; height: number } {
  const longest = Math.max(width, height);
  return {
    width: Math.max(Math.trunc((width / longest) * cfg.imageSize), cfg.minSize),
    height: Math.max(Math.trunc((height / longest) * cfg.imageSize), cfg.minSize),
  };
}

/** upstream expand2square: the image pasted on a background square, centred on its short axis. */
export function padToSquare(img: RgbImage, background: readonly number[]): RgbImage {
  const { width: w, height: h } = img;
  if (w === h) return img;
  const side = Math.max(w, h);
  const [x0, y0] = w > h ? [0, Math.floor((w - h) / 2)] : [Math.floor((h - w) / 2), 0];
  const data = new Uint8Array(side * side * 3);
  for (let i = 0; i < side * side; i++) data.set(background, i * 3);
  for (let y = 0; y < h; y++) data.set(img.data.subarray(y * w * 3, (y + 1) * w * 3), ((y + y0) * side + x0) * 3);
  return { width: side, height: side, data };
}

export function checkRgbImage(img: RgbImage, what = 'image'): void {
  const { width: w, height: h } = img;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) throw new InputError(`${what}: width and height must be positive integers, got ${w} x ${h}`);
  if (!(img.data instanceof Uint8Array) || img.data.length !== w * h * 3) {
    throw new InputError(`${what}: ${img.data?.length} bytes for ${w} x ${h} RGB (need ${w * h * 3}: HWC, 3 channels, no alpha)`);
  }
}

/** pixel_values for one image: float32 [3, S, S] (CHW), normalised. */
export function preprocessImage(cfg: PreprocessConfig, img: RgbImage): TensorData<'float32'> {
  checkRgbImage(img);
  const size = resizedSize(cfg, img.width, img.height);
  const resized = { ...size, data: resizeBicubicRgb(img.data, img.width, img.height, size.width, size.height) };
  const bg = cfg.backgroundColor.map((c) => Math.round(c));
  const square = padToSquare(resized, bg);
  const s = cfg.imageSize;
  if (square.width !== s) throw new InputError(`image ${img.width} x ${img.height} resizes to ${square.width} x ${square.height}, not ${s} x ${s}`);
  const out = new Float32Array(3 * s * s);
  for (let c = 0; c < 3; c++) {
    const [mean, std] = [cfg.imageMean[c], cfg.imageStd[c]];
    for (let i = 0; i < s * s; i++) {
      const x = square.data[i * 3 + c] * cfg.rescaleFactor;
      out[c * s * s + i] = cfg.doNormalize ? (x - mean) / std : x;
    }
  }
  return { dtype: 'float32', dims: [3, s, s], data: out };
}
