// An image file the user brings (PNG, JPEG, WebP) as the model reads images: HWC RGB bytes at
// size x size. The long side is scaled to `size` and the image centred on a square of the
// background colour, as upstream Janus prepares images (resize, then expand to square). An image
// already at size x size passes through pixel for pixel.
import { canvasRgb, openImageBitmap } from './imageBitmap.ts';

export async function imageFileToRgb(file: File, size: number, background: readonly [number, number, number]): Promise<Uint8Array> {
  const bitmap = await openImageBitmap(file);
  const scale = size / Math.max(bitmap.width, bitmap.height);
  const [w, h] = [Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale))];
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = `rgb(${background.join(',')})`;
  ctx.fillRect(0, 0, size, size);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, Math.floor((size - w) / 2), Math.floor((size - h) / 2), w, h);
  bitmap.close();
  return canvasRgb(ctx, size, size);
}
