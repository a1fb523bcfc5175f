// Batch: a prompt set in (upload or shipped), per-line problems, a resumable scoring run with
// progress, rate and ETA, a sortable and filterable results table, per-category summary, exports.
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatProblem } from '../../core/io/promptSet.ts';
import { FamilyBatchNote } from '../components/FamilyBatchNote.tsx';
import { useStore } from '../store/index.ts';
import { type ExportScope, visibleRows } from '../store/batchSlice.ts';
import { ResultsTable } from './batch/ResultsTable.tsx';

export function BatchView() {
  return (
    <div className="batch-view">
      <FamilyBatchNote />
      <SourcePanel />
      <ProgressPanel />
      <JobsPanel />
      <Summary />
      <ResultsTable />
    </div>
  );
}

function SourcePanel() {
  const job = useStore((s) => s.batchJob);
  const g = useStore((s) => s.batchGroupSize);
  const running = useStore((s) => s.batchStatus === 'running');
  const a = useStore(useShallow((s) => ({ file: s.loadBatchFile, shipped: s.loadShippedSet, setG: s.setBatchGroupSize })));
  return (
    <section className="panel">
      <h2>Prompt set</h2>
      <div className="upload-row">
        <label className="file-button">
          Upload TXT / CSV / JSONL / GenEval JSONL…
          <input type="file" accept=".txt,.csv,.jsonl,.json" data-testid="batch-upload" disabled={running}
            onChange={(e) => { const f = e.target.files?.[0]; if (f) void a.file(f); e.target.value = ''; }} />
        </label>
        <span className="muted">or a shipped set:</span>
        {(['val', 'test', 'train'] as const).map((n) => (
          <button key={n} type="button" disabled={running} onClick={() => void a.shipped(n)}>{n}</button>
        ))}
        <label className="field inline">
          <span>G per prompt</span>
          <input type="number" min={1} max={8} value={g} disabled={running} onChange={(e) => a.setG(Number(e.target.value))} />
        </label>
      </div>
      {job && (
        <p className="section-note" data-testid="batch-summary">
          <strong>{job.fileName}</strong> ({job.format}): {job.items.length} valid prompt(s), {job.problems.length} problem line(s), G = {job.groupSize},{' '}
          <span data-testid="batch-cfg">CFG {job.cfgScale}{job.cfgScale !== 1 ? ` (${job.model ?? 'the model'}'s default, as upstream)` : ' (no guidance)'}</span>
        </p>
      )}
      {job && job.problems.length > 0 && (
        <details open className="problems">
          <summary>Problems ({job.problems.length})</summary>
          <ul data-testid="batch-problems">
            {job.problems.slice(0, 50).map((p, i) => (
              <li key={i} className={p.severity}>
                <span className="mono">line {p.line}</span> <span className="badge">{p.kind}</span> {p.message}
                <span className="visually-hidden">{formatProblem(job.fileName, p)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(id);
  }, [active]);
  return now;
}

function ProgressPanel() {
  const { job, status, error, run, busy } = useStore(useShallow((s) => ({
    job: s.batchJob, status: s.batchStatus, error: s.batchError, run: s.batchRun, busy: s.busy,
  })));
  const done = useStore((s) => Object.keys(s.batchRecords).length);
  const a = useStore(useShallow((s) => ({ run: s.runBatch, cancel: s.cancelBatch, exp: s.exportBatch, scope: s.setBatchExportScope })));
  const { scope, filter, shown } = useStore(useShallow((s) => ({
    scope: s.batchExportScope, filter: s.batchFilter.trim(),
    shown: s.batchFilter.trim() ? visibleRows(s.batchRecords, s.batchSort, s.batchFilter).length : 0,
  })));
  const rowCount = useStore((s) => Object.values(s.batchRecords).reduce((n, r) => n + r.rows.length, 0));
  const now = useNow(status === 'running');
  if (!job) return error ? <p className="error-text" role="alert" data-testid="batch-error">{error}</p> : null;
  const exportFiltered = scope === 'filtered' && filter !== '';
  const exportWhat = exportFiltered ? `filtered rows (${shown} of ${rowCount})` : `all ${rowCount} rows`;
  const total = job.items.length;
  const since = run ? done - run.doneAtStart : 0;
  const secs = run ? Math.max(0.001, (now - run.startedAt) / 1000) : 0;
  const rate = since > 0 ? since / secs : 0;
  const eta = rate > 0 ? (total - done) / rate : NaN;
  const running = status === 'running';
  const watching = status === 'watching';
  return (
    <section className="panel">
      <div className="progress big" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label="prompts scored">
        <span style={{ width: `${total ? (100 * done) / total : 0}%` }} />
      </div>
      <p className="run-status" data-testid="batch-status" data-status={status} data-done={done} data-total={total}>
        <strong>{watching ? 'running in another tab' : status}</strong> · {done} / {total} prompts
        {running && rate > 0 && ` · ${(rate * 60).toFixed(1)} prompts/min · ETA ${Number.isFinite(eta) ? `${Math.ceil(eta)} s` : '—'}`}
      </p>
      <div className="button-row">
        <button type="button" className="primary" data-testid="batch-run" disabled={running || watching || done >= total || Boolean(busy)} onClick={() => void a.run()}>
          {done > 0 && done < total ? 'Resume' : 'Run'}
        </button>
        <button type="button" data-testid="batch-cancel" disabled={!running && !watching} onClick={() => void a.cancel()}>Cancel</button>
        <button type="button" data-testid="export-csv" disabled={done === 0} onClick={() => a.exp('csv')}>Export CSV</button>
        <button type="button" data-testid="export-jsonl" disabled={done === 0} onClick={() => a.exp('jsonl')}>Export JSONL</button>
        {filter !== '' && (
          <label className="field inline">
            <span>Export</span>
            <select value={scope} data-testid="export-scope" onChange={(e) => a.scope(e.target.value as ExportScope)}>
              <option value="all">all rows ({rowCount})</option>
              <option value="filtered">filtered rows ({shown} of {rowCount})</option>
            </select>
          </label>
        )}
      </div>
      <p className="hint" data-testid="export-what">Exports hold {exportWhat}.</p>
      <p className="hint">
        Every finished prompt is saved in this browser (IndexedDB): a reload resumes where it stopped. One tab runs a batch;
        other tabs on it show its rows as they arrive.
      </p>
      {error && <p className="error-text" role="alert" data-testid="batch-error">{error}</p>}
    </section>
  );
}

function JobsPanel() {
  const jobs = useStore((s) => s.batchJobs);
  const openId = useStore((s) => s.batchJob?.id);
  const running = useStore((s) => s.batchStatus === 'running');
  const a = useStore(useShallow((s) => ({ open: s.openBatchJob, del: s.deleteBatchJob, exp: s.exportBatchJob })));
  if (jobs.length === 0) return null;
  return (
    <details className="panel" open={jobs.length > 1}>
      <summary><h2 className="inline-heading">Batches in this browser ({jobs.length})</h2></summary>
      <table className="table compact" data-testid="batch-jobs">
        <thead>
          <tr><th>Prompt set</th><th>Created</th><th className="num">Prompts</th><th className="num">G</th><th>Model</th><th>Adapter</th><th>State</th><th /></tr>
        </thead>
        <tbody>
          {jobs.map(({ job, done }) => (
            <tr key={job.id} data-testid="batch-job" data-job-id={job.id} data-done={done} data-open={job.id === openId}>
              <td>{job.fileName}{job.id === openId && <span className="muted"> (open)</span>}</td>
              <td>{new Date(job.createdAt).toLocaleString()}</td>
              <td className="num">{done} / {job.items.length}</td>
              <td className="num">{job.groupSize}</td>
              <td>{job.model ?? '—'}</td>
              <td>{job.adapter ?? 'none'}</td>
              <td>{done >= job.items.length && job.items.length > 0 ? 'done' : job.state === 'running' ? 'running' : job.state === 'stopped' ? 'cancelled' : 'ready'}</td>
              <td className="button-row">
                <button type="button" data-testid="batch-job-open" disabled={running || job.id === openId} onClick={() => void a.open(job.id)}>Open</button>
                <button type="button" data-testid="batch-job-export" disabled={done === 0} onClick={() => void a.exp(job.id, 'csv')}>CSV</button>
                <button type="button" data-testid="batch-job-delete" disabled={running && job.id === openId}
                  onClick={() => { if (confirm(`Delete the batch ${job.fileName} and its ${done} finished prompt(s)?`)) void a.del(job.id); }}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Summary() {
  const records = useStore((s) => s.batchRecords);
  const cats = useMemo(() => {
    const by = new Map<string, { n: number; reward: number; judged: number; pass: number }>();
    for (const rec of Object.values(records)) {
      for (const r of rec.rows) {
        const c = by.get(r.tag ?? '(none)') ?? { n: 0, reward: 0, judged: 0, pass: 0 };
        c.n++;
        c.reward += r.reward;
        if (r.judgePass !== null) {
          c.judged++;
          if (r.judgePass) c.pass++;
        }
        by.set(r.tag ?? '(none)', c);
      }
    }
    return [...by.entries()].sort();
  }, [records]);
  if (cats.length === 0) return null;
  return (
    <section>
      <h2>Per category</h2>
      <table className="table compact" data-testid="batch-categories">
        <thead><tr><th>Category</th><th className="num">Images</th><th className="num">Mean reward</th><th className="num">ShapesEval pass</th></tr></thead>
        <tbody>
          {cats.map(([tag, c]) => (
            <tr key={tag}><td>{tag}</td><td className="num">{c.n}</td><td className="num">{(c.reward / c.n).toFixed(4)}</td>
              <td className="num">{c.judged ? `${((100 * c.pass) / c.judged).toFixed(0)}% of ${c.judged}` : '—'}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
