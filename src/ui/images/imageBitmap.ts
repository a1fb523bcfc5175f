// The two steps every image upload shares: open the file as a bitmap (PNG, JPEG or WebP; a file
// that is not one is named), and read a canvas back as HWC RGB bytes.
import { InputError } from '../../core/errors.ts';

const ACCEPTED = /^image\/(png|jpeg|webp)$/;

export async function openImageBitmap(file: File, options?: ImageBitmapOptions): Promise<ImageBitmap> {
  if (!ACCEPTED.test(file.type) && !/\.(png|jpe?g|webp)$/i.test(file.name)) {
    throw new InputError(`${file.name}: not a PNG, JPEG or WebP image (${file.type || 'unknown type'})`);
  }
  try {
    return await createImageBitmap(file, options);
  } catch {
    throw new InputError(`${file.name}: could not be decoded as an image (damaged, or not really PNG, JPEG or WebP)`);
  }
}

/** The canvas's pixels, alpha dropped: [height, width, 3]. */
export function canvasRgb(ctx: OffscreenCanvasRenderingContext2D, width: number, height: number): Uint8Array {
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(rgba.subarray(4 * i, 4 * i + 3), 3 * i);
  return rgb;
}
