import { useStore } from './store/index.ts';
import type { WasmProbe, WebGpuProbe } from '../../workers/engineApi.ts';

function browserName(ua: string): string {
  const m = /(HeadlessChrome|Chrome|Firefox|Version)\/(\d+)/.exec(ua);
  if (!m) return 'this browser';
  const name = m[1] === 'Version' ? 'Safari' : m[1].replace('HeadlessChrome', 'headless Chrome');
  return `${name} ${m[2]}`;
}

const mib = (n: number) => `${Math.round(n / 2 ** 20).toLocaleString()} MiB`;

export function BackendCards() {
  const probe = useStore((s) => s.probe);
  const probeError = useStore((s) => s.probeError);
  if (!probe) {
    return <p className="section-note">{probeError ? 'No backend probe: the engine did not start.' : 'Probing backends…'}</p>;
  }
  return (
    <>
      <p className="section-note">What {browserName(probe.userAgent)} offers the engine worker.</p>
      <div className="cards">
        <WebGpuCard gpu={probe.webgpu} />
        <WasmCard wasm={probe.wasm} />
      </div>
    </>
  );
}

function WebGpuCard({ gpu }: { gpu: WebGpuProbe }) {
  return (
    <article className="card" data-testid="backend-webgpu" data-available={gpu.available}>
      <div className="card-head">
        <h3>WebGPU</h3>
        <span className={`badge ${gpu.available ? (gpu.isSoftware ? 'warn' : 'ok') : 'bad'}`}>
          {gpu.available ? (gpu.isSoftware ? 'software adapter' : 'available') : 'unavailable'}
        </span>
      </div>
      {!gpu.available && <p className="error-text">{gpu.reason}</p>}
      {gpu.adapter && (
        <dl className="facts">
          <dt>Vendor</dt><dd>{gpu.adapter.vendor || '—'}</dd>
          <dt>Architecture</dt><dd data-testid="webgpu-architecture">{gpu.adapter.architecture || '—'}</dd>
          <dt>Device</dt><dd>{gpu.adapter.device || '—'}</dd>
          <dt>Description</dt><dd>{gpu.adapter.description || '—'}</dd>
          <dt>ORT build</dt><dd>ort.webgpu.min.mjs <span className="muted">(native WebGPU EP)</span></dd>
          {gpu.limits && (
            <>
              <dt>Max buffer</dt><dd>{mib(gpu.limits.maxBufferSize)}</dd>
              <dt>Max storage binding</dt><dd>{mib(gpu.limits.maxStorageBufferBindingSize)}</dd>
            </>
          )}
        </dl>
      )}
      {gpu.isSoftware && (
        <p className="note">SwiftShader emulates the GPU on the CPU: results are correct, timings say nothing about GPU speed.</p>
      )}
      {gpu.features && gpu.features.length > 0 && (
        <ul className="chips" aria-label="WebGPU features">
          {gpu.features.map((f) => <li key={f}>{f}</li>)}
        </ul>
      )}
    </article>
  );
}

function WasmCard({ wasm }: { wasm: WasmProbe }) {
  return (
    <article className="card" data-testid="backend-wasm">
      <div className="card-head">
        <h3>WASM</h3>
        <span className={`badge ${wasm.threads > 1 ? 'ok' : 'warn'}`}>{wasm.threads > 1 ? `${wasm.threads} threads` : 'single thread'}</span>
      </div>
      <dl className="facts">
        <dt>Cross-origin isolated</dt><dd data-testid="wasm-coi">{wasm.crossOriginIsolated ? 'yes' : 'no'}</dd>
        <dt>Threads</dt><dd>{wasm.threads} <span className="muted">of {wasm.hardwareConcurrency} logical cores</span></dd>
        <dt>SIMD</dt><dd>{wasm.simd ? 'yes' : 'no'}</dd>
        <dt>ORT build</dt><dd>ort.wasm.min.mjs <span className="muted">(WASM only)</span></dd>
      </dl>
      {!wasm.crossOriginIsolated && (
        <p className="note" data-testid="wasm-single-thread">
          WASM runs single-threaded here: this host sends no COOP/COEP headers, so the page is not cross-origin isolated and
          has no SharedArrayBuffer for ORT's threads. Everything works, only slower; Cancel and Pause reach a job between
          model calls. Served with the site's <code>_headers</code> (Netlify, Cloudflare Pages) or <code>npm start</code>, it runs
          multi-threaded.
        </p>
      )}
    </article>
  );
}
