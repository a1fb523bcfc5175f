// Model & device: the loaded model and its config, the backend (switchable), the adapter, what the
// browser offers (the first screen's probe), and the timings of the last operations.
import { Fragment, useEffect } from 'react';
import { BackendCards } from '../BackendCards.tsx';
import { OpenModelPanel } from '../components/OpenModelPanel.tsx';
import { ProbeRunCard } from '../ProbeRunCard.tsx';
import { useStore } from '../store/index.ts';
import { resolveBackend } from '../store/engineSlice.ts';
import { adapterOrigin } from '../adapterOrigin.ts';

export function ModelView() {
  // The probe graphs run only on request (their Run buttons): they hold the engine for seconds to a
  // minute, and a user who opened this view to read the model card should not wait for them.
  return (
    <div className="model-view">
      <div className="cards">
        <ModelCard />
        <BackendCard />
      </div>
      <OpenModelPanel />
      <TimingsCard />
      <section>
        <h2>Runtime</h2>
        <BackendCards />
      </section>
      <section>
        <h2>Probe: one transformer block, forward and gradient</h2>
        <p className="section-note">
          A pre-norm block with causal attention and a cross-entropy loss, differentiated by the playground's own autodiff into
          one ONNX graph, run on each backend in the engine worker.
        </p>
        <div className="cards">
          <ProbeRunCard backend="wasm" />
          <ProbeRunCard backend="webgpu" />
        </div>
      </section>
    </div>
  );
}

function ModelCard() {
  const model = useStore((s) => s.model);
  const error = useStore((s) => s.modelError);
  if (!model) return <article className="card"><h3>Model</h3><p className={error ? 'error-text' : 'muted'}>{error ?? 'Loading the model…'}</p></article>;
  const a = model.adapter;
  return (
    <article className="card" data-testid="model-card">
      <div className="card-head"><h3>Model</h3><span className="badge ok">loaded</span></div>
      <dl className="facts">
        <dt>Name</dt><dd data-testid="model-name">{model.name}</dd>
        {/* An opened family is the active model; the rest of the card describes the tiny model, kept loaded beside it. */}
        {model.family && <><dt>Active</dt><dd data-testid="model-family">{model.family.description}; graphs {Object.entries(model.family.dtypes).map(([g, d]) => `${g} ${d}`).join(', ')}. Below: the tiny model, kept loaded.</dd></>}
        <dt>Parameters</dt><dd data-testid="model-params">{model.params.toLocaleString()}</dd>
        <dt>Weights</dt><dd>{(model.bytes / 2 ** 20).toFixed(2)} MiB · {model.dtype}</dd>
        {Object.entries(model.config).filter(([k]) => k !== 'family').map(([k, v]) => <Fragment key={k}><dt>{k}</dt><dd>{String(v)}</dd></Fragment>)}
        <dt>Prompts with a spec</dt><dd>{model.specCount}</dd>
        <dt>Adapter</dt>
        <dd data-testid="adapter-info">
          {a ? `LoRA r=${a.rank} α=${a.alpha}, ${a.params.toLocaleString()} params, ${adapterOrigin(a)}` : 'none (base model)'}
        </dd>
      </dl>
    </article>
  );
}

function BackendCard() {
  const model = useStore((s) => s.model);
  const choice = useStore((s) => s.backendChoice);
  const probe = useStore((s) => s.probe);
  const busy = useStore((s) => s.busy);
  const setChoice = useStore((s) => s.setBackendChoice);
  const auto = resolveBackend('auto', probe, Boolean(model?.adapter));
  const gpuOk = Boolean(probe?.webgpu.available);
  return (
    <article className="card">
      <div className="card-head"><h3>Backend</h3><span className="badge ok" data-testid="current-backend">{model?.backend ?? '…'}</span></div>
      {/* An opened family's sessions stay on the backend it was opened on: switching means reopening it. */}
      <fieldset className="segmented" disabled={Boolean(busy) || Boolean(model?.family)}>
        <legend>Run the model on</legend>
        {(['auto', 'wasm', 'webgpu'] as const).map((c) => (
          <label key={c} className={choice === c ? 'on' : ''}>
            <input type="radio" name="backend" value={c} checked={choice === c} disabled={c === 'webgpu' && !gpuOk}
              onChange={() => void setChoice(c)} data-testid={`backend-choice-${c}`} />
            {c === 'auto' ? `auto (${auto})` : c === 'wasm' ? 'WASM' : 'WebGPU'}
          </label>
        ))}
      </fieldset>
      {model?.family && (
        <p className="note" data-testid="backend-family-note">
          {model.family.label} runs on {model.family.backend}, where it was opened. To use another backend, go back to the
          tiny model, switch, and open it again.
        </p>
      )}
      {probe && !probe.wasm.crossOriginIsolated && (
        <p className="note" data-testid="backend-single-thread">
          WASM runs single-threaded: this host does not send the COOP/COEP headers that cross-origin isolation (and ORT's
          threads) need. See Runtime below.
        </p>
      )}
      <p className="hint">
        Auto picks WebGPU when an adapter is present and the browser has a hardware GPU adapter, else WASM (a software
        adapter such as SwiftShader is slower than WASM).
      </p>
    </article>
  );
}

function TimingsCard() {
  const timings = useStore((s) => s.timings);
  const refresh = useStore((s) => s.refreshTimings);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <section>
      <div className="section-head">
        <h2>Timings of the last operations</h2>
        <button type="button" onClick={() => void refresh()}>Refresh</button>
      </div>
      {timings.length === 0 ? <p className="muted">Nothing timed yet.</p> : (
        <table className="table compact" data-testid="timings">
          <thead><tr><th>Operation</th><th>Backend</th><th className="num">ms</th><th>When</th></tr></thead>
          <tbody>
            {[...timings].reverse().slice(0, 12).map((t, i) => (
              <tr key={i}><td>{t.op}</td><td>{t.backend}</td><td className="num">{t.ms.toFixed(0)}</td><td>{new Date(t.at).toLocaleTimeString()}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
