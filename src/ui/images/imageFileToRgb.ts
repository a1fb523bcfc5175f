// An image file the user brings (PNG, JPEG, WebP) as the model reads images: HWC RGB bytes at
// size x size. The long side is scaled to `size` and the image centred on a square of the
// background colour, as upstream Janus prepares images (resize, then expand to square). An image
// already at size x size passes through pixel for pixel.
import { InputError } from '../../core/errors.ts';

const ACCEPTED = /^image\/(png|jpeg|webp)$/;

export async function imageFileToRgb(file: File, size: number, background: readonly [number, number, number]): Promise<Uint8Array> {
  if (!ACCEPTED.test(file.type) && !/\.(png|jpe?g|webp)$/i.test(file.name)) {
    throw new InputError(`${file.name}: not a PNG, JPEG or WebP image (${file.type || 'unknown type'})`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new InputError(`${file.name}: could not be decoded as an image (damaged, or not really PNG, JPEG or WebP)`);
  }
  const scale = size / Math.max(bitmap.width, bitmap.height);
  const [w, h] = [Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale))];
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = `rgb(${background.join(',')})`;
  ctx.fillRect(0, 0, size, size);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, Math.floor((size - w) / 2), Math.floor((size - h) / 2), w, h);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, size, size).data;
  const rgb = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) rgb.set(rgba.subarray(4 * i, 4 * i + 3), 3 * i);
  return rgb;
}
