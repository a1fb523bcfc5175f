// One training metric over steps, for any number of runs overlaid, drawn by uPlot (uplot-react):
// axes and ticks, the hover read-out of every series at a step (uPlot's live legend), drag to zoom
// on steps, double-click or Reset to unzoom. This file only maps runs to uPlot's aligned data and
// options; smoothing is W&B's debiased EMA (smoothing.ts), the log scale is uPlot's own.
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import UplotReact from 'uplot-react';
import 'uplot/dist/uPlot.min.css';
import { emaSmooth } from './smoothing.ts';

export interface Point { readonly x: number; readonly y: number }

/** One run's points of this metric; steps need not match between runs. */
export interface ChartRun {
  readonly id: string;
  readonly label: string;
  readonly color: string;
  readonly points: readonly Point[];
}

/**
 * 'log': log10, for a positive metric (KL); points at or below 0 are left out.
 * 'symlog': arcsinh, log-like away from 0 but defined for negative values (the GRPO loss).
 */
export type LogKind = 'log' | 'symlog';

const HEIGHT = 190;
/** Tick spacings of the step axis: whole steps only. */
const STEP_INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000];
const compact = (v: number): string => (v === 0 || Math.abs(v) >= 0.01 ? v.toFixed(3) : v.toExponential(2));

/** The runs' colours, in the order runs are added to a comparison. */
export const RUN_COLOURS = ['#4f5bd5', '#d6604d', '#1b7837', '#b8860b', '#762a83', '#35978f', '#e7298a', '#666666'];

/** The last point per step: a resumed run validates its first step twice. */
function byStep(points: readonly Point[]): Point[] {
  const last = new Map<number, number>();
  for (const p of points) last.set(p.x, p.y);
  return [...last].sort((a, b) => a[0] - b[0]).map(([x, y]) => ({ x, y }));
}

export function RunChart({ title, runs, smoothing, logKind, range, format = compact, testId }: {
  title: string;
  /** A fixed y range (a pass rate: 0 to 1); otherwise uPlot fits the data. */
  range?: readonly [number, number];
  runs: readonly ChartRun[];
  smoothing: number;
  /** Offer a log-scale toggle of this kind; none for a bounded metric (pass rates, reward). */
  logKind?: LogKind;
  format?: (v: number) => string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [width, setWidth] = useState(320);
  const [log, setLog] = useState(false);
  const [zoomed, setZoomed] = useState(false);
  const smoothed = smoothing > 0;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setWidth(Math.max(200, Math.floor(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Options change only when the set of series or the scale does: new data alone goes to
  // setData (uplot-react), so a live run appends without rebuilding the chart.
  const seriesKey = runs.map((r) => `${r.id}\u0000${r.label}\u0000${r.color}`).join('\u0001');
  const options = useMemo<uPlot.Options>(() => {
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue('--muted').trim() || '#6b7385';
    const grid = css.getPropertyValue('--line').trim() || '#e3e6ec';
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const series: uPlot.Series[] = [{ label: 'step', value: (_u, v) => (v === null ? '—' : String(v)) }];
    for (const r of runs) {
      // Smoothed, the raw points stay behind the line, faint (as W&B draws them).
      if (smoothed) series.push({ label: `${r.label} (raw)`, stroke: `${r.color}55`, width: 1, spanGaps: true, value: (_u, v) => (v === null ? '—' : format(v)) });
      series.push({ label: r.label, stroke: r.color, width: 2, spanGaps: true, points: { size: 5 }, value: (_u, v) => (v === null ? '—' : format(v)) });
    }
    const distr = !log ? 1 : logKind === 'symlog' ? 4 : 3;
    return {
      width: 320,
      height: HEIGHT,
      scales: { x: { time: false }, y: { distr, log: 10, asinh: 1e-3, ...(range ? { range: [range[0], range[1]] as uPlot.Range.MinMax } : {}) } },
      axes: [
        { ...axis, label: 'step', labelSize: 18, size: 32, incrs: STEP_INCREMENTS },
        { ...axis, size: 64, values: (_u, ticks) => ticks.map((t) => format(t)) },
      ],
      series,
      cursor: { drag: { x: true, y: false, setScale: true } },
      legend: { live: true },
      hooks: {
        setSelect: [(u) => { if (u.select.width > 0) setZoomed(true); }],
        ready: [(u) => u.over.addEventListener('dblclick', () => setZoomed(false))],
      },
    };
    // format is a module-level or stable function per chart; the key lists what the series are.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seriesKey, smoothed, log, logKind, range?.[0], range?.[1]]);

  const data = useMemo<uPlot.AlignedData>(() => {
    if (!runs.length) return [[]];
    const tables = runs.map((r) => {
      const pts = byStep(r.points);
      const xs = pts.map((p) => p.x);
      const raw = pts.map((p) => (Number.isFinite(p.y) && (!log || logKind !== 'log' || p.y > 0) ? p.y : null));
      const cols: (number | null)[][] = smoothed ? [raw, emaSmooth(raw, smoothing)] : [raw];
      return [xs, ...cols] as uPlot.AlignedData;
    });
    return tables.length === 1 ? tables[0] : uPlot.join(tables);
  }, [runs, smoothing, smoothed, log, logKind]);

  const sized = useMemo(() => ({ ...options, width }), [options, width]);
  const first = runs[0]?.points.filter((p) => Number.isFinite(p.y)) ?? [];
  const last = first.at(-1);
  const reset = () => {
    setZoomed(false);
    const u = chart.current;
    if (u) u.setData(u.data, true);
  };
  return (
    <figure className="chart" data-testid={testId} data-points={first.length} data-last={last?.y} data-runs={runs.length} data-zoomed={zoomed}>
      <figcaption>
        <span>{title}</span>
        <span className="chart-tools">
          {logKind && (
            <label title={logKind === 'symlog' ? 'arcsinh scale: logarithmic away from 0, linear near it (the loss can be negative)' : 'log10 scale; steps at or below 0 are left out'}>
              <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid={testId && `${testId}-log`} /> log
            </label>
          )}
          {zoomed && <button type="button" className="link" onClick={reset} data-testid={testId && `${testId}-reset`}>reset zoom</button>}
          <strong>{last ? format(last.y) : '—'}</strong>
        </span>
      </figcaption>
      <div ref={box} className="chart-plot" aria-label={`${title}: ${first.length} points${last ? `, last ${format(last.y)} at step ${last.x}` : ''}`}>
        <UplotReact options={sized} data={data} resetScales={!zoomed}
          onCreate={(u) => { chart.current = u; }} onDelete={() => { chart.current = null; }} />
        {!first.length && runs.length <= 1 && <p className="chart-empty muted">no data yet</p>}
      </div>
    </figure>
  );
}
