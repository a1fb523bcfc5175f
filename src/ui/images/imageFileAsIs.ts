// An image file the user brings, decoded at its own size (HWC RGB), for a model family that does
// its own preprocessing (Janus: resize the long side, pad to square, normalise). No colour-space
// conversion, so a PNG's bytes come through as written.
import { InputError } from '../../core/errors.ts';

const ACCEPTED = /^image\/(png|jpeg|webp)$/;

export interface RgbFile {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export async function imageFileAsIs(file: File): Promise<RgbFile> {
  if (!ACCEPTED.test(file.type) && !/\.(png|jpe?g|webp)$/i.test(file.name)) {
    throw new InputError(`${file.name}: not a PNG, JPEG or WebP image (${file.type || 'unknown type'})`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new InputError(`${file.name}: could not be decoded as an image (damaged, or not really PNG, JPEG or WebP)`);
  }
  const { width, height } = bitmap;
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgba.subarray(4 * i, 4 * i + 3), 3 * i);
  return { width, height, data };
}
