// An image file the user brings, decoded at its own size (HWC RGB), for a model family that does
// its own preprocessing (Janus: resize the long side, pad to square, normalise). No colour-space
// conversion, so a PNG's bytes come through as written.
import { canvasRgb, openImageBitmap } from './imageBitmap.ts';

export interface RgbFile {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export async function imageFileAsIs(file: File): Promise<RgbFile> {
  const bitmap = await openImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const { width, height } = bitmap;
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width, height, data: canvasRgb(ctx, width, height) };
}
