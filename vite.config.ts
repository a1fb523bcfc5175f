import { createReadStream, readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Connect, type Plugin, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { DEV_HEADERS, HEADERS_FILE, PRODUCTION_HEADERS, renderHeadersFile } from './src/server/headers.ts';

// Every response carries the site's headers (src/server/headers.ts): COOP/COEP for ORT's WASM
// threads, and the CSP, nosniff and referrer policy. Worker scripts and the /ort/ files included,
// since a worker runs under the CSP delivered with its own script. The dev server's CSP allows
// inline script and style, which vite's dev page needs; preview sends the production policy.

const ORT_DIST = fileURLToPath(new URL('./node_modules/onnxruntime-web/dist/', import.meta.url));

// Only what src/core/runtime/web.ts loads: the WASM-only build and the native-WebGPU build, each
// with the emscripten loader and binary it imports at run time.
const ORT_FILES = [
  'ort.wasm.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort.webgpu.min.mjs',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

const MIME: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * Serves onnxruntime-web's runtime files under /ort/ (dev and preview) and copies them to
 * dist/ort/ at build. ORT is loaded by a runtime dynamic import of these files rather than
 * bundled: its .mjs files import their emscripten loader and fetch their .wasm relative to
 * env.wasm.wasmPaths, which bundlers and the dep optimiser tend to break.
 */
function ortRuntimeFiles(): Plugin {
  const middleware = (headers: Record<string, string>): Connect.NextHandleFunction => (req, res, next) => {
    const path = (req.url ?? '').split('?')[0];
    if (!path.startsWith('/ort/')) return next();
    const name = path.slice('/ort/'.length);
    if (!ORT_FILES.includes(name)) return next();
    const file = ORT_DIST + name;
    const ext = name.slice(name.lastIndexOf('.'));
    res.statusCode = 200;
    res.setHeader('Content-Type', MIME[ext] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.end(readFileSync(file));
  };
  return {
    name: 'gvu:ort-runtime-files',
    // Registered before vite's own middlewares so its transform pipeline never sees these .mjs.
    configureServer(server) {
      server.middlewares.use(middleware(DEV_HEADERS));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(PRODUCTION_HEADERS));
    },
    generateBundle() {
      for (const name of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(ORT_DIST + name) });
      }
    },
  };
}

/** A build whose public/_headers disagrees with src/server/headers.ts would deploy other headers than preview tests: refuse it. */
function headersFileCheck(): Plugin {
  return {
    name: 'gvu:headers-file-check',
    apply: 'build',
    buildStart() {
      const path = fileURLToPath(new URL(`./${HEADERS_FILE}`, import.meta.url));
      if (readFileSync(path, 'utf8') !== renderHeadersFile()) {
        this.error(`${HEADERS_FILE} differs from src/server/headers.ts; write renderHeadersFile()'s text to it:\n${renderHeadersFile()}`);
      }
    },
  };
}

/**
 * Dev server only (tests): serves test-output/fixtures/ at /fixtures/, so browser tests fetch model
 * folders same-origin (the CSP's connect-src allows only the site and Hugging Face) without writing
 * into public/, which ships. GET and HEAD with Content-Length (the model-file manager sizes files by
 * HEAD), 404 for anything else; no-store so every test run really goes to the network.
 */
function testFixtures(): Plugin {
  const root = fileURLToPath(new URL('./test-output/fixtures/', import.meta.url));
  return {
    name: 'gvu:test-fixtures',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        if (!path.startsWith('/fixtures/')) return next();
        const file = resolvePath(root, path.slice('/fixtures/'.length));
        const stat = file.startsWith(root) ? statSync(file, { throwIfNoEntry: false }) : undefined;
        for (const [k, v] of Object.entries(DEV_HEADERS)) res.setHeader(k, v);
        res.setHeader('Cache-Control', 'no-store');
        if (!stat?.isFile()) {
          res.statusCode = 404;
          return res.end(`not found: ${path}`);
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(stat.size));
        if (req.method === 'HEAD') return res.end();
        createReadStream(file).pipe(res);
      });
    },
  };
}

export default defineConfig({
  // Relative URLs in the build: dist/ runs from any static host under any path (a GitHub Pages
  // project site, a Hugging Face Space). The worker finds the site's files with siteUrl (runtime/web.ts).
  base: './',
  plugins: [react(), ortRuntimeFiles(), headersFileCheck(), testFixtures()],
  server: { headers: DEV_HEADERS },
  preview: { headers: PRODUCTION_HEADERS },
  worker: { format: 'es' },
  // ORT is never imported through the module graph (see ortRuntimeFiles); keep the optimiser off it.
  // The worker's deps are listed so a cold dev server never discovers them late and reloads the page
  // (onnx-proto is CommonJS and must be pre-bundled).
  optimizeDeps: { exclude: ['onnxruntime-web'], include: ['comlink', 'onnx-proto', '@huggingface/tokenizers'] },
  build: { target: 'es2022' },
});
