// Open a real model (issue 14): a Hugging Face id or folder URL (Janus-Pro-1B suggested) listed
// with sizes before anything big is fetched, fetched into this browser's storage only after a
// confirmation, one progress bar per file; or a local folder, picked or dropped. Its job ends at
// "files ready"; EngineModelActions then opens them in the engine.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { DTYPE_CHOICES, type DtypeChoice } from '../../core/modelFiles/layout.ts';
import { SUGGESTED_MODEL } from '../../core/modelFiles/location.ts';
import { formatBytes, formatEta } from '../../core/modelFiles/progress.ts';
import { useStore } from '../store/index.ts';
import { EngineModelActions } from './EngineModelActions.tsx';
import type { DtypeSetting, FileProgress } from '../store/modelFilesSlice.ts';

const DTYPE_LABEL: Partial<Record<DtypeChoice, string>> = {
  'demo-f16': "demo's set with shader-f16 (q4 / q4f16 / fp16)",
  demo: "demo's set without shader-f16 (fp32, q4 language model)",
  q8: 'q8 (_quantized)',
};

export function OpenModelPanel() {
  const s = useStore(useShallow((st) => ({
    input: st.modelFiles.input, dtype: st.modelFiles.dtype, phase: st.modelFiles.phase, error: st.modelFiles.error, note: st.modelFiles.note,
    f16: Boolean(st.probe?.webgpu.features?.includes('shader-f16')),
  })));
  const a = useStore(useShallow((st) => ({
    setInput: st.setModelInput, setDtype: st.setModelDtype, list: st.listModelFiles, openLink: st.openLinkedModel,
    folder: st.openModelFolder, drop: st.openDroppedModelFolder,
  })));
  const [dragging, setDragging] = useState(false);
  const busy = s.phase === 'listing' || s.phase === 'fetching';

  useEffect(() => {
    void a.openLink();
  }, [a]);

  return (
    <section className="panel" data-testid="open-model" data-phase={s.phase} style={dragging ? { outline: '2px dashed var(--accent)' } : undefined}
      onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)}
      onDrop={(e) => { e.preventDefault(); setDragging(false); if (!busy) void a.drop(e.dataTransfer); }}>
      <h2>Open a real model</h2>
      <p className="section-note">
        A unified multimodal model in the onnx-community ONNX layout (Janus-Pro-1B, Janus-1.3B): a Hugging Face id, the URL of
        a folder, or a folder on this computer (pick it, or drop it here). Fetched files stay in this browser's storage, so a
        reload does not download them again.
      </p>
      <form className="prompt-form" onSubmit={(e) => { e.preventDefault(); void a.list(); }}>
        <label className="field grow">
          <span>Hugging Face id or folder URL</span>
          <input type="text" list="model-suggestions" value={s.input} disabled={busy} data-testid="model-input"
            placeholder={SUGGESTED_MODEL} onChange={(e) => a.setInput(e.target.value)} />
          <datalist id="model-suggestions">
            <option value={SUGGESTED_MODEL} />
            <option value="onnx-community/Janus-1.3B-ONNX" />
          </datalist>
        </label>
        <label className="field">
          <span>dtype</span>
          <select value={s.dtype} disabled={busy} data-testid="model-dtype" onChange={(e) => a.setDtype(e.target.value as DtypeSetting)}>
            <option value="auto">auto: {s.f16 ? 'demo-f16 (this GPU has shader-f16)' : 'demo (no shader-f16 here)'}</option>
            {DTYPE_CHOICES.map((d) => <option key={d} value={d}>{DTYPE_LABEL[d] ?? d}</option>)}
          </select>
        </label>
        <button type="submit" disabled={busy} data-testid="model-list">List files</button>
        <label className="file-button">
          Pick a folder…
          {/* webkitdirectory is not in React's types; set it on the element. */}
          <input type="file" disabled={busy} data-testid="model-folder" ref={(el) => el?.setAttribute('webkitdirectory', '')}
            onChange={(e) => { if (e.target.files?.length) void a.folder([...e.target.files]); e.target.value = ''; }} />
        </label>
      </form>
      {s.phase === 'listing' && <p className="hint">Listing files and sizes…</p>}
      {s.error && <p className="error-text" role="alert" data-testid="model-files-error">{s.error}</p>}
      {s.note && <p className="note" data-testid="model-files-note">{s.note}</p>}
      <ListedLine />
      <FileTable />
      <Actions />
      <EngineModelActions />
      <StorageLine />
    </section>
  );
}

/** Which model the table lists (a URL or a folder): the URL field may hold another, typed and not listed yet. */
function ListedLine() {
  const { plan, source, entries } = useStore(useShallow((st) => ({ plan: st.modelFiles.plan, source: st.modelFiles.source, entries: st.modelFiles.entries })));
  const label = plan?.location.label ?? source?.label;
  if (!label || entries.length === 0) return null;
  return <p className="hint" data-testid="model-listed">Listed: <span className="mono">{label}</span></p>;
}

function FileTable() {
  const { entries, plan, progress, phase } = useStore(useShallow((st) => ({
    entries: st.modelFiles.entries, plan: st.modelFiles.plan, progress: st.modelFiles.progress, phase: st.modelFiles.phase,
  })));
  if (entries.length === 0) return null;
  const cached = new Set(plan?.files.filter((f) => f.cached).map((f) => f.path));
  const total = entries.reduce((n, e) => n + e.size, 0);
  return (
    <table className="table compact" data-testid="model-files" style={{ marginTop: 12 }}>
      <thead><tr><th>File</th><th className="num">Size</th><th>State</th></tr></thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.path} data-testid="model-file" data-path={e.path} data-cached={plan ? String(cached.has(e.path)) : 'local'}>
            <td className="mono">{e.path}</td>
            <td className="num">{formatBytes(e.size)}</td>
            <td>{!plan ? <span className="badge ok">on disk</span>
              : cached.has(e.path) || progress[e.path]?.stored ? <span className="badge ok">cached</span>
                : progress[e.path] ? <Progress p={progress[e.path]} size={e.size} />
                  : <span className="badge muted-badge">{phase === 'fetching' ? 'waiting' : 'to fetch'}</span>}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr><th>Total, {entries.length} files</th><th className="num" data-testid="model-files-total">{formatBytes(total)}</th><th /></tr>
      </tfoot>
    </table>
  );
}

function Progress({ p, size }: { p: FileProgress; size: number }) {
  const pct = size > 0 ? (100 * p.received) / size : 100;
  return (
    <div data-testid="file-progress" data-received={p.received}>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={size} aria-valuenow={p.received}>
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="mono muted">{formatBytes(p.received)} of {formatBytes(size)} · {formatBytes(Math.round(p.rate))}/s · {formatEta(p.eta)} left</span>
    </div>
  );
}

function Actions() {
  const s = useStore(useShallow((st) => ({ phase: st.modelFiles.phase, plan: st.modelFiles.plan, confirming: st.modelFiles.confirming, source: st.modelFiles.source, cachedBytes: st.modelFiles.cachedBytes })));
  const a = useStore(useShallow((st) => ({ ask: st.askToFetchModel, fetch: st.fetchModelFiles, cancel: st.cancelModelFetch, forget: st.forgetModelFiles })));
  const missing = s.plan?.files.filter((f) => !f.cached) ?? [];
  const need = missing.reduce((n, f) => n + f.size, 0);
  return (
    <>
      <div className="button-row">
        {s.phase === 'listed' && !s.confirming && (
          <button type="button" className="primary" data-testid="model-fetch" onClick={() => a.ask(true)}>
            Fetch {missing.length} file{missing.length === 1 ? '' : 's'} ({formatBytes(need)})…
          </button>
        )}
        {s.phase === 'listed' && s.confirming && (
          <>
            <span>Download {formatBytes(need)} from {s.plan!.location.label} into this browser's storage?</span>
            <button type="button" className="primary" data-testid="model-fetch-confirm" onClick={() => void a.fetch()}>Download</button>
            <button type="button" onClick={() => a.ask(false)}>Not now</button>
          </>
        )}
        {s.phase === 'fetching' && <button type="button" data-testid="model-fetch-cancel" onClick={a.cancel}>Cancel</button>}
        {s.plan && s.phase !== 'fetching' && s.cachedBytes > 0 && (
          <button type="button" data-testid="model-forget" onClick={() => void a.forget()}>Forget this model ({formatBytes(s.cachedBytes)} cached)</button>
        )}
      </div>
      {s.phase === 'ready' && s.source && (
        <p className="run-status" data-testid="model-files-ready">
          <span className="badge ok">files ready</span> {s.source.label}: every file is {s.plan ? 'in this browser\'s cache' : 'on disk'}.
          Open it in the engine to use it in Inspect.
        </p>
      )}
    </>
  );
}

function StorageLine() {
  const { storage, cachedBytes, plan } = useStore(useShallow((st) => ({ storage: st.modelFiles.storage, cachedBytes: st.modelFiles.cachedBytes, plan: st.modelFiles.plan })));
  const refresh = useStore((st) => st.refreshModelStorage);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  if (!storage) return null;
  return (
    <p className="hint" data-testid="model-storage" data-cached-bytes={cachedBytes}>
      {plan && <>This model: {formatBytes(cachedBytes)} cached. </>}
      Browser storage: {formatBytes(storage.usage)} used of {formatBytes(storage.quota)} allowed for this site.
    </p>
  );
}
