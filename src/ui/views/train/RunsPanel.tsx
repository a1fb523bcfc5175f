// The runs list: every run of this playground (kept in IndexedDB) and every CLI run imported. Open
// shows a run in the view (curves, grid, settings, and its adapter in the engine); the checkbox
// overlays it on the curves and compares it below; rename, export and delete act on one run.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store/index.ts';
import type { RunRecord } from '../../store/runsSlice.ts';
import { runColour } from './TrainCharts.tsx';

const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(0)}%`);

/** A stored 'running' run that this tab is not training: its tab closed or another tab trains it. */
function statusText(r: RunRecord, workerRunId: string | null, trainStatus: string): string {
  if (r.id === workerRunId) return trainStatus;
  return r.status === 'running' || r.status === 'pausing' ? 'interrupted' : r.status === 'paused' ? 'paused (its tab closed)' : r.status;
}

export function RunsPanel() {
  const { runs, currentId, workerRunId, compareIds, error, trainStatus, busy } = useStore(useShallow((s) => ({
    runs: s.trainRuns, currentId: s.currentRunId, workerRunId: s.workerRunId, compareIds: s.compareIds, error: s.runsError, trainStatus: s.trainStatus, busy: s.busy,
  })));
  const a = useStore(useShallow((s) => ({
    load: s.loadRuns, open: s.reopenRun, toggle: s.toggleCompare, exportLog: s.exportRunLog, adapter: s.downloadRunAdapter, del: s.deleteRun, importCli: s.importCliRun,
  })));
  useEffect(() => { void a.load(); }, [a.load]); // eslint-disable-line react-hooks/exhaustive-deps
  const training = trainStatus === 'running' || trainStatus === 'pausing';
  return (
    <section className="panel runs-panel">
      <div className="section-head">
        <h2>Runs</h2>
        <span className="button-row">
          <label className="file-button" title="A folder written by npm run gvu -- train --out=…: log.jsonl, eval.jsonl, checkpoint/state.json, adapter/">
            Import CLI run folder…
            <input type="file" data-testid="runs-import-folder" disabled={Boolean(busy)} {...{ webkitdirectory: '' }}
              onChange={(e) => { const f = [...(e.target.files ?? [])]; e.target.value = ''; if (f.length) void a.importCli(f); }} />
          </label>
          <label className="file-button" title="log.jsonl, and optionally eval.jsonl, adapter_config.json and adapter_model.safetensors">
            Import run files…
            <input type="file" multiple accept=".jsonl,.json,.safetensors" data-testid="runs-import-files" disabled={Boolean(busy)}
              onChange={(e) => { const f = [...(e.target.files ?? [])]; e.target.value = ''; if (f.length) void a.importCli(f); }} />
          </label>
        </span>
      </div>
      {error && <p className="error-text" role="alert" data-testid="runs-error">{error}</p>}
      {!runs.length ? <p className="muted">No runs yet: Start or the demo adds one here, and it stays after a reload.</p> : (
        <table className="runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th title="Overlay on the curves and compare below">compare</th><th>name</th><th>started</th><th>from</th><th>status</th>
              <th title="steps logged">steps</th><th title="the last validation ShapesEval (judge pass rate)">val ShapesEval</th>
              <th title="the judge pass rate of the last step's rollouts">rollout pass</th><th>adapter</th><th>export</th><th />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <RunRow key={r.id} run={r} colour={runColour(runs, r.id)} current={r.id === currentId} compared={compareIds.includes(r.id)}
                status={statusText(r, workerRunId, trainStatus)} locked={training || Boolean(busy)}
                onOpen={() => void a.open(r.id)} onToggle={() => a.toggle(r.id)} onLog={(w) => a.exportLog(r.id, w)}
                onAdapter={() => void a.adapter(r.id)} onDelete={() => void a.del(r.id)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RunRow({ run: r, colour, current, compared, status, locked, onOpen, onToggle, onLog, onAdapter, onDelete }: {
  run: RunRecord; colour: string; current: boolean; compared: boolean; status: string; locked: boolean;
  onOpen(): void; onToggle(): void; onLog(which: 'log' | 'eval'): void; onAdapter(): void; onDelete(): void;
}) {
  const rename = useStore((s) => s.renameRun);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const save = () => {
    if (editing !== null) void rename(r.id, editing);
    setEditing(null);
  };
  return (
    <tr data-testid="run-row" data-run-id={r.id} data-current={current} className={current ? 'current' : undefined}>
      <td>
        <input type="checkbox" checked={compared} disabled={current} aria-label={`compare ${r.name}`} data-testid="run-compare" onChange={onToggle} />
      </td>
      <td>
        <span className="run-swatch" style={{ background: colour }} aria-hidden />
        {editing !== null ? (
          <input className="run-name-input" value={editing} autoFocus aria-label="run name" data-testid="run-name-input"
            onChange={(e) => setEditing(e.target.value)} onBlur={save} onKeyDown={(e) => { if (e.key === 'Enter') save(); if (e.key === 'Escape') setEditing(null); }} />
        ) : (
          <>
            <button type="button" className="link run-name" data-testid="run-open" disabled={locked || current} title={current ? 'shown above' : 'show this run in the view and load its adapter'} onClick={onOpen}>{r.name}</button>
            <button type="button" className="link small" data-testid="run-rename" onClick={() => setEditing(r.name)}>rename</button>
          </>
        )}
      </td>
      <td className="mono small">{new Date(r.createdAt).toLocaleString()}</td>
      <td><span className="badge">{r.origin === 'cli' ? 'CLI' : 'tab'}</span></td>
      <td data-testid="run-status">{status}</td>
      <td className="mono" data-testid="run-steps">{r.log.at(-1)?.step ?? 0}</td>
      <td className="mono" data-testid="run-val">{pct(r.evals.at(-1)?.valOverall)}</td>
      <td className="mono">{pct(r.log.at(-1)?.judgePass)}</td>
      <td className="mono">{r.adapterStep !== null ? `step ${r.adapterStep}` : '—'}</td>
      <td className="nowrap">
        <button type="button" className="link small" data-testid="run-export-log" disabled={!r.log.length} onClick={() => onLog('log')}>log.jsonl</button>{' '}
        <button type="button" className="link small" data-testid="run-export-eval" disabled={!r.evals.length} onClick={() => onLog('eval')}>eval.jsonl</button>{' '}
        <button type="button" className="link small" data-testid="run-export-adapter" disabled={r.adapterStep === null} onClick={onAdapter}>adapter .zip</button>
      </td>
      <td className="nowrap">
        {confirmDelete ? (
          <>
            <button type="button" className="link small danger" data-testid="run-delete-confirm" onClick={() => { setConfirmDelete(false); onDelete(); }}>delete for good</button>{' '}
            <button type="button" className="link small" onClick={() => setConfirmDelete(false)}>keep</button>
          </>
        ) : (
          <button type="button" className="link small" data-testid="run-delete" disabled={locked && current} onClick={() => setConfirmDelete(true)}>delete</button>
        )}
      </td>
    </tr>
  );
}
