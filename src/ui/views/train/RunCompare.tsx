// Runs side by side: the run on show and every run ticked in the list. Final scores first (the
// last validation ShapesEval, strict and not, and the last step's rollouts), then the settings,
// those that differ marked and listed first.
import { useState } from 'react';
import { useStore } from '../../store/index.ts';
import type { RunRecord } from '../../store/runsSlice.ts';
import { runColour } from './TrainCharts.tsx';

const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3));
const sci = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toExponential(2));
const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

export function RunCompare() {
  const runs = useStore((s) => s.trainRuns);
  const currentId = useStore((s) => s.currentRunId);
  const compareIds = useStore((s) => s.compareIds);
  const [allSettings, setAllSettings] = useState(false);
  const picked = [currentId, ...compareIds.filter((id) => id !== currentId)]
    .map((id) => runs.find((r) => r.id === id)).filter((r): r is RunRecord => Boolean(r));
  if (picked.length < 2) return null;

  const keys = [...new Set(picked.flatMap((r) => Object.keys(r.config)))].sort();
  const differs = (k: string) => new Set(picked.map((r) => show(r.config[k]))).size > 1;
  const settingRows = [...keys.filter(differs), ...(allSettings ? keys.filter((k) => !differs(k)) : [])];
  const scoreRows: [string, (r: RunRecord) => string][] = [
    ['prompts', (r) => r.prompts],
    ['steps', (r) => String(r.log.at(-1)?.step ?? 0)],
    ['final validation ShapesEval', (r) => `${pct(r.evals.at(-1)?.valOverall)}${r.evals.length ? ` (step ${r.evals.at(-1)!.step})` : ''}`],
    ['  strict (no extra objects)', (r) => pct(r.evals.at(-1)?.valStrict)],
    ['  at the start', (r) => pct(r.evals[0]?.valOverall)],
    ['last rollout pass rate', (r) => pct(r.log.at(-1)?.judgePass)],
    ['last mean reward', (r) => num(r.log.at(-1)?.rewardMean)],
    ['last KL', (r) => sci(r.log.at(-1)?.kl)],
  ];
  return (
    <section className="panel" data-testid="runs-compare">
      <div className="section-head">
        <h2>Compare runs</h2>
        <label className="small"><input type="checkbox" checked={allSettings} onChange={(e) => setAllSettings(e.target.checked)} /> show equal settings too</label>
      </div>
      <div className="table-scroll">
        <table className="compare-table">
          <thead>
            <tr>
              <th />
              {picked.map((r) => (
                <th key={r.id} data-testid="compare-run"><span className="run-swatch" style={{ background: runColour(runs, r.id) }} aria-hidden />{r.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {scoreRows.map(([label, f]) => (
              <tr key={label} data-testid="compare-score-row"><th>{label}</th>{picked.map((r) => <td key={r.id} className="mono">{f(r)}</td>)}</tr>
            ))}
            <tr><th colSpan={picked.length + 1} className="subhead">settings{settingRows.length ? '' : ': all equal'}</th></tr>
            {settingRows.map((k) => (
              <tr key={k} className={differs(k) ? 'differs' : undefined} data-testid="compare-setting" data-key={k} data-differs={differs(k)}>
                <th>{k}</th>{picked.map((r) => <td key={r.id} className="mono">{show(r.config[k])}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
