// What the servers send: COOP/COEP on the page, the worker script and the ORT runtime files, with
// the MIME types ORT needs, in the dev server and in the production build under vite preview.
import type { Response } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { recentLogs, startApp } from './harness.ts';

const ORT_FILES = {
  'ort.wasm.min.mjs': 'text/javascript',
  'ort-wasm-simd-threaded.mjs': 'text/javascript',
  'ort-wasm-simd-threaded.wasm': 'application/wasm',
  'ort.webgpu.min.mjs': 'text/javascript',
  'ort-wasm-simd-threaded.asyncify.mjs': 'text/javascript',
  'ort-wasm-simd-threaded.asyncify.wasm': 'application/wasm',
};

function expectIsolated(h: Record<string, string>, what: string) {
  expect(h['cross-origin-opener-policy'], `COOP on ${what}`).toBe('same-origin');
  expect(h['cross-origin-embedder-policy'], `COEP on ${what}`).toBe('require-corp');
}

describe.each(['dev', 'preview'] as const)('%s server', (server) => {
  test('sends isolation headers and ORT files, and the app runs its probes', async () => {
    // The backend probes live on the Model & device view.
    const app = await startApp({ server, waitForEngine: false, path: '/?view=model' });
    try {
      const workerScripts: Response[] = [];
      app.page.on('response', (r) => {
        if (/engine\.worker/.test(r.url())) workerScripts.push(r);
      });
      const page = await app.page.reload();
      expectIsolated(page!.headers(), 'index.html');
      expect(await app.page.evaluate('crossOriginIsolated')).toBe(true);

      for (const [name, mime] of Object.entries(ORT_FILES)) {
        const r = await app.context.request.head(`${app.url}/ort/${name}`);
        expect(r.status(), name).toBe(200);
        expect(r.headers()['content-type'], name).toBe(mime);
        expectIsolated(r.headers(), name);
      }

      // The dev server's WebGPU run is covered by firstScreen.test.ts; the build must run it too.
      for (const backend of server === 'preview' ? ['wasm', 'webgpu'] : ['wasm']) {
        await app.page.getByTestId(`probe-run-${backend}`).click();
        await app.page.waitForFunction(
          (b) => (document.querySelector(`[data-testid="probe-${b}"]`) as HTMLElement | null)?.dataset.status === 'done', backend, { timeout: 90_000 },
        ).catch(async (e) => {
          throw new Error(`${e}: ${await app.page.getByTestId(`probe-${backend}`).innerText()}${recentLogs(app)}`);
        });
      }
      expect(workerScripts.length, 'engine worker script fetched').toBeGreaterThan(0);
      expectIsolated(workerScripts[0].headers(), workerScripts[0].url());
    } finally {
      await app.close();
    }
  });
});
