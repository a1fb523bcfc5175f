// Janus understanding preprocessing (upstream image_processing_vlm.py) on hand-computed cases:
// the resized size rule, Pillow's bicubic filter on a 4 -> 2 shrink, padding placed before
// normalising (the pad is (127/255 - 0.5) / 0.5, not 0), CHW layout, and refused inputs.
import { describe, expect, it } from 'vitest';
import { padToSquare, preprocessImage, resizedSize } from '../../../src/core/families/janus/preprocess.ts';
import { resizeBicubicRgb } from '../../../src/core/families/janus/resizeBicubic.ts';

const CFG = {
  imageSize: 8, minSize: 1, imageMean: [0.5, 0.5, 0.5], imageStd: [0.5, 0.5, 0.5], rescaleFactor: 1 / 255, doNormalize: true,
  backgroundColor: [127, 127, 127],
} as const;
const norm = (v: number) => (v / 255 - 0.5) / 0.5;

const solid = (w: number, h: number, rgb: [number, number, number]) => {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set(rgb, i * 3);
  return { width: w, height: h, data };
};

describe('Janus preprocessing', () => {
  it('sizes as upstream: the long side to image_size, each side int(side / long * size) but at least min_size', () => {
    expect(resizedSize({ ...CFG, imageSize: 384, minSize: 14 }, 640, 480)).toEqual({ width: 384, height: 288 });
    expect(resizedSize({ ...CFG, imageSize: 384, minSize: 14 }, 1000, 10)).toEqual({ width: 384, height: 14 }); // int(3.84) = 3 -> 14
    expect(resizedSize({ ...CFG, imageSize: 384, minSize: 14 }, 384, 384)).toEqual({ width: 384, height: 384 });
  });

  it("shrinks 4 -> 2 pixels with Pillow's bicubic (a = -0.5, support widened x2, 22-bit fixed point)", () => {
    // Output 0: centre 1.0, taps x = 0..3 at (x - 1 + 0.5) / 2 = -0.25, 0.25, 0.75, 1.25 ->
    // weights 0.8671875, 0.8671875, 0.2265625, -0.0703125 (sum 1.890625) ->
    // 0*0.45868 + 100*0.45868 + 200*0.11983 + 255*(-0.03719) = 60.35 -> 60.
    // Output 1 mirrors it: 0*(-0.03719) + 100*0.11983 + 200*0.45868 + 255*0.45868 = 220.68 -> 221.
    const grey = (v: number[]) => Uint8Array.from(v.flatMap((x) => [x, x, x]));
    expect(Array.from(resizeBicubicRgb(grey([0, 100, 200, 255]), 4, 1, 2, 1))).toEqual(Array.from(grey([60, 221])));
    // the same along the other axis (the vertical pass)
    expect(Array.from(resizeBicubicRgb(grey([0, 100, 200, 255]), 1, 4, 1, 2))).toEqual(Array.from(grey([60, 221])));
    // an unchanged size is a copy
    const img = grey([1, 2, 3, 4]);
    expect(resizeBicubicRgb(img, 2, 2, 2, 2)).toEqual(img);
  });

  it('pads a wide image to a square with the background centred on the short axis ((W - H) // 2 rows above)', () => {
    const sq = padToSquare(solid(4, 1, [9, 9, 9]), [127, 127, 127]);
    expect(sq.width).toBe(4);
    const rows = Array.from({ length: 4 }, (_, y) => sq.data[y * 4 * 3]);
    expect(rows).toEqual([127, 9, 127, 127]); // (4 - 1) // 2 = 1 row above
    const tall = padToSquare(solid(1, 3, [9, 9, 9]), [127, 127, 127]);
    expect(Array.from({ length: 3 }, (_, x) => tall.data[x * 3])).toEqual([127, 9, 127]);
  });

  it('pads before normalising: a 4x2 solid image gives 8x8 CHW with rows 2-5 the colour and the pad at -0.0039', () => {
    const t = preprocessImage(CFG, solid(4, 2, [200, 100, 0])); // resized to 8x4 (a constant stays constant), padded 2 rows above
    expect(t.dims).toEqual([3, 8, 8]);
    const pad = norm(127);
    expect(pad).toBeCloseTo(-0.00392157, 7);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 8; y++) {
        const want = y >= 2 && y < 6 ? norm([200, 100, 0][c]) : pad;
        for (let x = 0; x < 8; x++) expect(t.data[c * 64 + y * 8 + x]).toBeCloseTo(want, 6);
      }
    }
  });

  it('refuses an image whose bytes do not match its size, or with an alpha channel', () => {
    expect(() => preprocessImage(CFG, { width: 2, height: 2, data: new Uint8Array(16) })).toThrow('image: 16 bytes for 2 x 2 RGB (need 12: HWC, 3 channels, no alpha)');
    expect(() => preprocessImage(CFG, { width: 0, height: 2, data: new Uint8Array(0) })).toThrow('width and height must be positive integers');
  });
});
