import { cancelJob } from './engine.ts';
import { useStore } from './store/index.ts';
import type { WebBackend } from '../../workers/engineApi.ts';

const LABEL: Record<WebBackend, string> = { wasm: 'WASM', webgpu: 'WebGPU' };
const ms = (v: number) => (v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);

export function ProbeRunCard({ backend }: { backend: WebBackend }) {
  const run = useStore((s) => s.runs[backend]);
  const runProbeGraph = useStore((s) => s.runProbeGraph);
  const engineBusy = useStore((s) => s.busy);
  const { status, result, error } = run;
  const busy = status === 'running';
  const maxNorm = result ? Math.max(...result.gradNorms.map((g) => g.norm), 1e-12) : 1;

  return (
    <article className="card" data-testid={`probe-${backend}`} data-status={status}>
      <div className="card-head">
        <h3>{LABEL[backend]}</h3>
        <div className="button-row">
          <button type="button" data-testid={`probe-run-${backend}`} onClick={() => void runProbeGraph(backend)}
            disabled={busy || status === 'unavailable' || Boolean(engineBusy)}>
            {busy ? 'Running…' : status === 'idle' ? 'Run' : 'Re-run'}
          </button>
          {busy && <button type="button" data-testid={`probe-cancel-${backend}`} onClick={cancelJob}>Cancel</button>}
        </div>
      </div>

      {status === 'idle' && (
        <p className="muted">
          Builds a transformer block with its gradient graph, runs it on {LABEL[backend]} and times it. It holds the engine
          for a few seconds (up to a minute on a software GPU).
        </p>
      )}
      {busy && !result && <p className="muted"><span className="spinner" aria-hidden /> Building the graph and compiling the session…</p>}
      {status === 'unavailable' && <p className="error-text">Not available: {error}</p>}
      {status === 'error' && <p className="error-text" role="alert">{error}</p>}

      {result && (
        <div className={busy ? 'stale' : undefined}>
          <p className="shape">
            B{result.config.batch} · T{result.config.seq} · D{result.config.width} · {result.config.heads} heads · float32
          </p>
          <div className="metrics">
            <Metric label="loss" value={result.loss.toFixed(5)} testId={`loss-${backend}`} />
            <Metric label="session" value={ms(result.timings.createMs)} />
            <Metric label="first run" value={ms(result.timings.firstMs)} />
            <Metric label={`median of ${result.timings.iters}`} value={ms(result.timings.medianMs)} testId={`median-${backend}`} />
          </div>
          <h4>Gradient norms</h4>
          <ul className="bars">
            {result.gradNorms.map((g) => (
              <li key={g.param}>
                <span className="bar-label">{g.param}</span>
                <span className="bar"><span style={{ width: `${(100 * g.norm) / maxNorm}%` }} /></span>
                <span className="bar-value">{g.norm.toPrecision(3)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </article>
  );
}

function Metric({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="metric">
      <span className="metric-value" data-testid={testId}>{value}</span>
      <span className="metric-label">{label}</span>
    </div>
  );
}
