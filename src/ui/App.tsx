import { useEffect } from 'react';
import { LinkNotices } from './components/LinkNotices.tsx';
import { useStore } from './store/index.ts';
import { VIEWS, type View } from './store/url.ts';
import { BatchView } from './views/BatchView.tsx';
import { InspectView } from './views/InspectView.tsx';
import { ModelView } from './views/ModelView.tsx';
import { TrainView } from './views/TrainView.tsx';

const LABEL: Record<View, string> = { inspect: 'Inspect', train: 'Train', batch: 'Batch', model: 'Model & device' };

export function App() {
  const start = useStore((s) => s.start);
  const restoreBatch = useStore((s) => s.restoreBatch);
  const regenerateFromLink = useStore((s) => s.regenerateFromLink);
  const view = useStore((s) => s.view);

  useEffect(() => {
    // A shared link's group first (the receiver opened it to see that), then a batch to resume.
    void start().then(() => regenerateFromLink()).then(() => restoreBatch());
  }, [start, restoreBatch, regenerateFromLink]);

  return (
    <div className="page">
      <header className="masthead">
        <div>
          <h1>GvU Playground</h1>
          <p className="tagline">
            A unified multimodal model grades its own images, word by word, and learns from that grade. Everything runs in
            this tab.
          </p>
        </div>
        <EngineChip />
      </header>
      <FailureBanner />
      <LinkNotices />
      <Tabs />
      <main id={`panel-${view}`} role="tabpanel" aria-labelledby={`tab-${view}`}>
        {view === 'inspect' && <InspectView />}
        {view === 'train' && <TrainView />}
        {view === 'batch' && <BatchView />}
        {view === 'model' && <ModelView />}
      </main>
      <footer className="footer">onnxruntime-web · WebGPU · WASM · all computation stays on this device</footer>
    </div>
  );
}

function Tabs() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const onKey = (e: React.KeyboardEvent) => {
    const i = VIEWS.indexOf(view);
    const next = e.key === 'ArrowRight' ? VIEWS[(i + 1) % VIEWS.length] : e.key === 'ArrowLeft' ? VIEWS[(i + VIEWS.length - 1) % VIEWS.length] : null;
    if (next) {
      e.preventDefault();
      setView(next);
      document.getElementById(`tab-${next}`)?.focus();
    }
  };
  return (
    <nav className="tabs" role="tablist" aria-label="Views" onKeyDown={onKey}>
      {VIEWS.map((v) => (
        <button key={v} id={`tab-${v}`} role="tab" type="button" aria-selected={view === v} aria-controls={`panel-${v}`}
          tabIndex={view === v ? 0 : -1} className={view === v ? 'tab on' : 'tab'} data-testid={`tab-${v}`} onClick={() => setView(v)}>
          {LABEL[v]}
        </button>
      ))}
    </nav>
  );
}

function EngineChip() {
  const model = useStore((s) => s.model);
  const busy = useStore((s) => s.busy);
  const failure = useStore((s) => s.failure);
  const error = useStore((s) => s.modelError) ?? (failure ? 'engine stopped' : null);
  const text = failure ? 'engine stopped' : error ? 'model failed to load' : !model ? 'loading model…' : `${model.name} · ${model.backend}${model.adapter ? ' · adapter' : ''}`;
  return (
    <div className={`engine-chip${error ? ' bad' : ''}`} data-testid="engine-chip" data-ready={Boolean(model) && !failure} data-state={failure ? 'down' : busy ? 'busy' : model ? 'ok' : 'loading'}>
      {/* Green only while the engine is up: a stopped worker leaves the model info behind, not the engine. */}
      <span className={`dot${failure ? ' down' : busy ? ' busy' : model ? ' ok' : ''}`} aria-hidden />
      {text}{busy ? ` · ${busy}` : ''}
    </div>
  );
}

function FailureBanner() {
  const failure = useStore((s) => s.failure);
  const modelError = useStore((s) => s.modelError);
  const probeError = useStore((s) => s.probeError);
  const restart = useStore((s) => s.restart);
  const message = failure ?? probeError;
  if (!message && !modelError) return null;
  return (
    <div className="error-banner" role="alert" data-testid="failure-banner">
      <strong>{message ? 'The engine stopped.' : 'The model did not load.'}</strong> {message ?? modelError}
      <p>Finished results (batch rows, curves, the last adapter you downloaded or uploaded) are kept.</p>
      <div className="button-row">
        <button type="button" className="primary" data-testid="restart-engine" onClick={() => void restart()}>Restart the engine</button>
        <button type="button" data-testid="restart-wasm" onClick={() => void restart('wasm')}>Restart on WASM</button>
      </div>
    </div>
  );
}
