// The Train view's curves: the run on show plus any runs picked for comparison, one uPlot chart
// per metric, with one smoothing slider for all (as W&B) and a log toggle on KL and loss.
import { useMemo, useState } from 'react';
import type { GvuLogRow } from '../../../../workers/engineApi.ts';
import type { RunEval } from '../../../core/io/runFolder.ts';
import { type ChartRun, type LogKind, type Point, RUN_COLOURS, RunChart } from '../../charts/RunChart.tsx';
import { MAX_SMOOTHING } from '../../charts/smoothing.ts';
import { useStore } from '../../store/index.ts';
import type { RunRecord } from '../../store/runsSlice.ts';

const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
const sci = (v: number) => (v === 0 ? '0' : v.toExponential(1));

interface Metric {
  readonly title: string;
  readonly testId: string;
  readonly points: (log: readonly GvuLogRow[], evals: readonly RunEval[]) => Point[];
  readonly logKind?: LogKind;
  readonly format?: (v: number) => string;
  readonly range?: readonly [number, number];
}

const fromLog = (y: (r: GvuLogRow) => number) => (log: readonly GvuLogRow[]) => log.map((r) => ({ x: r.step, y: y(r) }));

const METRICS: readonly Metric[] = [
  { title: 'mean intrinsic reward', testId: 'chart-reward', points: fromLog((r) => r.rewardMean) },
  { title: 'KL to base', testId: 'chart-kl', points: fromLog((r) => r.kl), logKind: 'log', format: sci },
  { title: 'loss', testId: 'chart-loss', points: fromLog((r) => r.loss), logKind: 'symlog' },
  { title: 'judge pass rate (rollouts)', testId: 'chart-judge', points: fromLog((r) => r.judgePass), format: pct, range: [0, 1] },
  { title: 'validation ShapesEval', testId: 'chart-val', points: (_l, evals) => evals.map((e) => ({ x: e.step, y: e.valOverall })), format: pct, range: [0, 1] },
];

/** A run keeps its colour wherever it shows: picked by its place among all runs, oldest first. */
export function runColour(runs: readonly RunRecord[], id: string | null): string {
  const oldestFirst = [...runs].sort((a, b) => a.createdAt - b.createdAt);
  const i = oldestFirst.findIndex((r) => r.id === id);
  return RUN_COLOURS[(i < 0 ? 0 : i) % RUN_COLOURS.length];
}

interface Shown { readonly id: string; readonly label: string; readonly color: string; readonly log: readonly GvuLogRow[]; readonly evals: readonly RunEval[] }

export function TrainCharts() {
  const log = useStore((s) => s.trainLog);
  const evals = useStore((s) => s.trainEvals);
  const runs = useStore((s) => s.trainRuns);
  const currentId = useStore((s) => s.currentRunId);
  const compareIds = useStore((s) => s.compareIds);
  const [smoothing, setSmoothing] = useState(0);

  const shown = useMemo<Shown[]>(() => {
    const current = runs.find((r) => r.id === currentId);
    const list: Shown[] = [{ id: currentId ?? 'current', label: current?.name ?? 'this run', color: runColour(runs, currentId), log, evals }];
    for (const id of compareIds) {
      const r = runs.find((x) => x.id === id);
      if (r && id !== currentId) list.push({ id, label: r.name, color: runColour(runs, id), log: r.log, evals: r.evals });
    }
    return list;
  }, [log, evals, runs, currentId, compareIds]);

  const perMetric = useMemo(() => METRICS.map((m) => shown.map<ChartRun>((r) => ({ id: r.id, label: r.label, color: r.color, points: m.points(r.log, r.evals) }))), [shown]);

  return (
    <section>
      <div className="section-head">
        <h2>Curves</h2>
        <label className="smoothing" title="Exponential moving average, debiased at the start (as Weights & Biases); the raw points stay faint behind the line">
          Smoothing <input type="range" min={0} max={MAX_SMOOTHING} step={0.01} value={smoothing} data-testid="chart-smoothing"
            onChange={(e) => setSmoothing(Number(e.target.value))} />
          <span className="mono">{smoothing.toFixed(2)}</span>
        </label>
      </div>
      <p className="hint">Hover for every run's value at a step; drag across a chart to zoom on steps, double-click or “reset zoom” to see all. Tick runs in the list below to overlay them.</p>
      <div className="charts">
        {METRICS.map((m, i) => (
          <RunChart key={m.testId} title={m.title} testId={m.testId} runs={perMetric[i]} smoothing={smoothing} logKind={m.logKind} format={m.format} range={m.range} />
        ))}
      </div>
    </section>
  );
}
