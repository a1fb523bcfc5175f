// A small SVG line chart: one series, x = step, auto y range, last value labelled. Enough for live
// training curves without a charting library.
const compact = (v: number): string => (v === 0 || Math.abs(v) >= 0.01 ? v.toFixed(3) : v.toExponential(1));

export interface Point { readonly x: number; readonly y: number }

export function LineChart({ title, points, color = 'var(--accent)', format = compact, testId }: {
  title: string; points: readonly Point[]; color?: string; format?: (v: number) => string; testId?: string;
}) {
  const [w, h, pad] = [260, 120, 44];
  const pts = points.filter((p) => Number.isFinite(p.y));
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const [x0, x1] = [Math.min(0, ...xs), Math.max(1, ...xs)];
  let [y0, y1] = pts.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5 * Math.abs(y0 || 1) * 0.1, y1 + 0.5 * Math.abs(y1 || 1) * 0.1];
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0)) * (w - pad - 8);
  const sy = (y: number) => h - 18 - ((y - y0) / (y1 - y0)) * (h - 30);
  const d = pts.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
  const last = pts.at(-1);
  return (
    <figure className="chart" data-testid={testId} data-points={pts.length} data-last={last?.y}>
      <figcaption>
        <span>{title}</span>
        <strong>{last ? format(last.y) : '—'}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${title}: ${pts.length} points${last ? `, last ${format(last.y)} at step ${last.x}` : ''}`}>
        <line x1={pad} x2={w - 8} y1={h - 18} y2={h - 18} className="axis" />
        <line x1={pad} x2={pad} y1={12} y2={h - 18} className="axis" />
        <text x={pad - 4} y={sy(y1) + 4} className="tick" textAnchor="end">{format(y1)}</text>
        <text x={pad - 4} y={sy(y0) + 4} className="tick" textAnchor="end">{format(y0)}</text>
        <text x={w - 8} y={h - 4} className="tick" textAnchor="end">step {x1}</text>
        {pts.length > 1 && <path d={d} fill="none" stroke={color} strokeWidth={2} strokeLinejoin="round" />}
        {pts.map((p, i) => <circle key={i} cx={sx(p.x)} cy={sy(p.y)} r={pts.length > 30 ? 1.5 : 2.5} fill={color} />)}
        {!pts.length && <text x={w / 2} y={h / 2} className="tick" textAnchor="middle">no data yet</text>}
      </svg>
    </figure>
  );
}
