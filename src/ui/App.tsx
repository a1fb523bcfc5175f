import { useEffect } from 'react';
import { useStore } from './store.ts';
import { BackendCards } from './BackendCards.tsx';
import { ProbeRunCard } from './ProbeRunCard.tsx';

export function App() {
  const start = useStore((s) => s.start);
  const probeError = useStore((s) => s.probeError);

  useEffect(() => {
    void start();
  }, [start]);

  return (
    <div className="page">
      <header className="masthead">
        <h1>GvU Playground</h1>
        <p className="tagline">
          Learning to generate via understanding: a unified multimodal model grades its own images, token by token, and
          learns from that grade. Everything runs here, in your browser.
        </p>
      </header>

      {probeError && (
        <div className="error-banner" role="alert">
          <strong>The engine did not start.</strong> {probeError}
        </div>
      )}

      <section>
        <h2>Runtime</h2>
        <BackendCards />
      </section>

      <section>
        <h2>Probe: one transformer block, forward and gradient</h2>
        <p className="section-note">
          A pre-norm block with causal attention and a cross-entropy loss, differentiated by the playground's own
          autodiff into one ONNX graph, run on each backend in the engine worker.
        </p>
        <div className="cards">
          <ProbeRunCard backend="wasm" />
          <ProbeRunCard backend="webgpu" />
        </div>
      </section>

      <footer className="footer">onnxruntime-web · WebGPU · WASM · all computation stays on this device</footer>
    </div>
  );
}
