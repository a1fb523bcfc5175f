// Pillow's bicubic resize of 8-bit RGB (libImaging/Resample.c), step for step, because upstream
// Janus resizes with torchvision on a PIL image, which calls it: a separable filter (a = -0.5)
// whose support widens by the scale when shrinking (antialiasing), coefficients in 22-bit fixed
// point, a horizontal pass rounded to uint8, then a vertical one. Same ints in, same ints out.

const PRECISION_BITS = 32 - 8 - 2;
const SUPPORT = 2; // bicubic

function bicubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

interface Coeffs {
  readonly ksize: number;
  readonly bounds: Int32Array; // [out, 2]: first input index, count
  readonly kk: Int32Array; // [out, ksize]: fixed-point weights
}

/** precompute_coeffs + normalize_coeffs_8bpc for the box [0, inSize). */
function coeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = SUPPORT * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      k[x] = bicubic((x + xmin - center + 0.5) * ss);
      ww += k[x];
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : k[x];
      kk[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function clip8(v: number): number {
  if (v >= 2 ** (PRECISION_BITS + 8)) return 255;
  if (v <= 0) return 0;
  return Math.floor(v / 2 ** PRECISION_BITS); // v >> PRECISION_BITS, without 32-bit overflow
}

/**
 * Resize an RGB HWC image. Input [h, w, 3] uint8 -> output [outH, outW, 3] uint8; an unchanged
 * size is a copy (as Image.resize).
 */
export function resizeBicubicRgb(src: Uint8Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  if (outW === w && outH === h) return src.slice();
  let img = src;
  let cur = { w, h };
  if (outW !== w) {
    const c = coeffs(w, outW);
    const out = new Uint8Array(outW * h * 3);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < outW; xx++) {
        const [xmin, n] = [c.bounds[xx * 2], c.bounds[xx * 2 + 1]];
        for (let ch = 0; ch < 3; ch++) {
          let s = 1 << (PRECISION_BITS - 1);
          for (let x = 0; x < n; x++) s += img[(y * w + x + xmin) * 3 + ch] * c.kk[xx * c.ksize + x];
          out[(y * outW + xx) * 3 + ch] = clip8(s);
        }
      }
    }
    img = out;
    cur = { w: outW, h };
  }
  if (outH !== h) {
    const c = coeffs(h, outH);
    const out = new Uint8Array(cur.w * outH * 3);
    for (let yy = 0; yy < outH; yy++) {
      const [ymin, n] = [c.bounds[yy * 2], c.bounds[yy * 2 + 1]];
      for (let x = 0; x < cur.w; x++) {
        for (let ch = 0; ch < 3; ch++) {
          let s = 1 << (PRECISION_BITS - 1);
          for (let y = 0; y < n; y++) s += img[((y + ymin) * cur.w + x) * 3 + ch] * c.kk[yy * c.ksize + y];
          out[(yy * cur.w + x) * 3 + ch] = clip8(s);
        }
      }
    }
    img = out;
  }
  return img;
}
