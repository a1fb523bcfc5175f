// After "files ready": open the model in the engine (it becomes the active model in Inspect), or
// go back to the tiny model. What is open, and why an open failed, is said here.
import { useShallow } from 'zustand/react/shallow';
import { formatBytes } from '../../core/modelFiles/progress.ts';
import { useStore } from '../store/index.ts';

export function EngineModelActions() {
  const s = useStore(useShallow((st) => ({
    ready: st.modelFiles.phase === 'ready' && Boolean(st.modelFiles.source), label: st.modelFiles.source?.label,
    phase: st.engineModel.phase, error: st.engineModel.error, read: st.engineModel.read, total: st.engineModel.total, graph: st.engineModel.graph,
    family: st.model?.family ?? null, busy: st.busy, modelUp: Boolean(st.model),
  })));
  const open = useStore((st) => st.openModelInEngine);
  const close = useStore((st) => st.closeEngineModel);
  const working = s.phase !== 'idle';
  return (
    <div data-testid="engine-model" data-phase={s.phase} data-active={s.family?.label ?? ''}>
      <div className="button-row">
        {s.ready && (
          <button type="button" className="primary" data-testid="model-open-engine" disabled={working || Boolean(s.busy) || !s.modelUp}
            title="Read the files and open the model in the engine; the tiny model stays loaded and stays active if this fails"
            onClick={() => void open()}>
            Open in the engine
          </button>
        )}
        {s.family && (
          <button type="button" data-testid="model-close-engine" disabled={working || Boolean(s.busy)} onClick={() => void close()}>
            Back to the tiny model
          </button>
        )}
      </div>
      {s.phase === 'reading' && <p className="hint">Reading {s.label}: {formatBytes(s.read)} of {formatBytes(s.total)}…</p>}
      {s.phase === 'opening' && <p className="hint">Opening the graphs in the engine{s.graph ? `: ${s.graph}` : ''} (then checking names, dtypes and shapes)…</p>}
      {s.error && <p className="error-text" role="alert" data-testid="engine-model-error">Could not open the model; the tiny model stays active. {s.error}</p>}
      {s.family && (
        <p className="run-status" data-testid="engine-model-active">
          <span className="badge ok">in the engine</span> {s.family.description} on {s.family.backend}, {formatBytes(s.family.bytes)}.
          Inspect and Batch generate and score with it, heatmaps included; Train works with the tiny model only.
          {s.family.warnings.map((w) => <span key={w} className="note"> {w}</span>)}
        </p>
      )}
    </div>
  );
}
