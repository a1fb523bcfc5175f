// A small static SVG line chart for committed result plots (Node side; the UI has its own).
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
}

/** Series colours, neighbours far apart in hue. */
export const PLOT_COLORS = ['#4f46e5', '#0891b2', '#dc2626', '#16a34a', '#ca8a04', '#7c3aed', '#db2777', '#475569', '#ea580c', '#0d9488'];

/** Each point's y replaced by the mean of it and the k - 1 points before it (fewer at the start). */
export function trailingMean(points: readonly (readonly [number, number])[], k: number): [number, number][] {
  return points.map(([x], i) => [x, points.slice(Math.max(0, i - k + 1), i + 1).reduce((a, p) => a + p[1], 0) / Math.min(i + 1, k)]);
}

export function lineChartSvg(title: string, xLabel: string, series: readonly Series[], opts: { width?: number; height?: number } = {}): string {
  const [w, h] = [opts.width ?? 560, opts.height ?? 300];
  const m = { l: 56, r: 150, t: 32, b: 40 };
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = (x: number) => m.l + ((x - x0) / Math.max(1e-12, x1 - x0)) * (w - m.l - m.r);
  const sy = (y: number) => h - m.b - ((y - y0) / (y1 - y0)) * (h - m.t - m.b);
  const ticks = (a: number, b: number, n: number) => Array.from({ length: n + 1 }, (_, i) => a + ((b - a) * i) / n);
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(3));
  const grid = ticks(y0, y1, 4)
    .map((y) => `<line x1="${m.l}" x2="${w - m.r}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e7eb"/><text x="${m.l - 6}" y="${sy(y) + 4}" text-anchor="end">${fmt(y)}</text>`)
    .join('');
  const xt = ticks(x0, x1, 4).map((x) => `<text x="${sx(x)}" y="${h - m.b + 16}" text-anchor="middle">${Number.isInteger(x) ? x : fmt(x)}</text>`).join('');
  const lines = series
    .map((s, i) => {
      const d = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>` +
        `<rect x="${w - m.r + 12}" y="${m.t + i * 18}" width="12" height="3" fill="${s.color}"/><text x="${w - m.r + 30}" y="${m.t + i * 18 + 5}">${esc(s.name)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11" fill="#374151">` +
    `<rect width="${w}" height="${h}" fill="white"/><text x="${m.l}" y="18" font-size="13" font-weight="600">${esc(title)}</text>${grid}${xt}` +
    `<text x="${(m.l + w - m.r) / 2}" y="${h - 6}" text-anchor="middle">${esc(xLabel)}</text>${lines}</svg>\n`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
