// An image (HWC RGB bytes) drawn 1:1 into a canvas and scaled by CSS with crisp pixels, with an
// optional occlusion heat overlay (one cell per image-token grid cell, diverging scale). The size
// and grid default to the tiny model's (48 x 48, 4 x 4); an opened family's group gives its own.
import { useEffect, useRef } from 'react';
import { css, diverging } from '../colour.ts';

const TINY_SIZE = 48;
const TINY_GRID = 4;

export interface HeatOverlay {
  readonly heat: Float32Array; // [rows * cols]
  readonly scale: number; // |heat| that maps to full colour
  readonly opacity: number;
  readonly grid?: { readonly rows: number; readonly cols: number }; // the heat's blocks when coarser than the image's grid
}

export function PixelImage({ pixels, size, label, overlay, width: w0, height: h0, grid = { rows: TINY_GRID, cols: TINY_GRID }, fill = false }: {
  pixels: Uint8Array; size: number; label: string; overlay?: HeatOverlay | null;
  width?: number; height?: number; grid?: { readonly rows: number; readonly cols: number };
  /** Take the container's width (keeping the aspect) instead of `size` px: a card that grows with the page. */
  fill?: boolean;
}) {
  // No size given: a square image (the tiny model's 48 x 48, a family's generated image in a batch row).
  const side = Math.round(Math.sqrt(pixels.length / 3)) || TINY_SIZE;
  const [width, height] = [w0 ?? side, h0 ?? side];
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      img.data[4 * i] = pixels[3 * i];
      img.data[4 * i + 1] = pixels[3 * i + 1];
      img.data[4 * i + 2] = pixels[3 * i + 2];
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, width, height]);
  // The long side fills `size`; a non-square upload keeps its aspect.
  const [w, h] = width >= height ? [size, (size * height) / width] : [(size * width) / height, size];
  // The heat's own blocks when given; else the image's grid, or a square of the heat's length when that differs.
  const n = overlay ? Math.round(Math.sqrt(overlay.heat.length)) : 0;
  const cells = overlay?.grid ?? (overlay && overlay.heat.length !== grid.rows * grid.cols ? { rows: n, cols: n } : grid);
  const [cw, ch] = [100 / cells.cols, 100 / cells.rows];
  return (
    <div className="pixel-image" style={fill ? { width: '100%', aspectRatio: `${width} / ${height}` } : { width: w, height: h }}>
      <canvas ref={ref} width={width} height={height} role="img" aria-label={label} data-width={width} data-height={height}
        style={fill ? { width: '100%', height: '100%' } : { width: w, height: h }} />
      {overlay && (
        <div className="heat-overlay" style={{ opacity: overlay.opacity }} data-testid="heat-overlay" aria-hidden>
          {Array.from(overlay.heat, (h, c) => (
            <span
              key={c}
              data-heat={h}
              style={{
                left: `${(c % cells.cols) * cw}%`, top: `${Math.floor(c / cells.cols) * ch}%`, width: `${cw}%`, height: `${ch}%`,
                // Colour by sign and size; alpha by size, so cells with no evidence leave the image visible.
                background: css(diverging(Math.sign(h))),
                opacity: Math.min(1, Math.abs(h) / overlay.scale),
              }}
            />
          ))}
        </div>
      )}
    </div>
  );
}
