// A ShapesWorld image (HWC RGB bytes) drawn 1:1 into a canvas and upscaled by CSS with crisp pixels,
// with an optional occlusion heat overlay (one cell per image-token grid cell, diverging scale).
import { useEffect, useRef } from 'react';
import { css, diverging } from '../colour.ts';

const SIZE = 48;
const GRID = 4;

export interface HeatOverlay {
  readonly heat: Float32Array; // [GRID * GRID]
  readonly scale: number; // |heat| that maps to full colour
  readonly opacity: number;
}

export function PixelImage({ pixels, size, label, overlay }: { pixels: Uint8Array; size: number; label: string; overlay?: HeatOverlay | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(SIZE, SIZE);
    for (let i = 0; i < SIZE * SIZE; i++) {
      img.data[4 * i] = pixels[3 * i];
      img.data[4 * i + 1] = pixels[3 * i + 1];
      img.data[4 * i + 2] = pixels[3 * i + 2];
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels]);
  const cell = 100 / GRID;
  return (
    <div className="pixel-image" style={{ width: size, height: size }}>
      <canvas ref={ref} width={SIZE} height={SIZE} role="img" aria-label={label} style={{ width: size, height: size }} />
      {overlay && (
        <div className="heat-overlay" style={{ opacity: overlay.opacity }} data-testid="heat-overlay" aria-hidden>
          {Array.from(overlay.heat, (h, c) => (
            <span
              key={c}
              style={{
                left: `${(c % GRID) * cell}%`, top: `${Math.floor(c / GRID) * cell}%`, width: `${cell}%`, height: `${cell}%`,
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
