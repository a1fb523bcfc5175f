// Start the app on a vite dev server and open it in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; never a downloaded browser). Shared by the browser tests
// (tests/browser/harness.ts) and the in-browser benchmark (browserBench.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { build, createServer, preview } from 'vite';
import { serveStatic } from './staticServer.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

// Measured to work here (notes/runtime-facts.md). --enable-unsafe-webgpu gives headless Chromium a
// WebGPU adapter (SwiftShader when there is no GPU).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BrowserApp {
  readonly url: string;
  readonly page: Page;
  readonly context: BrowserContext;
  readonly browserVersion: string;
  /** Every console line and page error so far (Chromium reports the workers' too), for failure reports. */
  readonly logs: string[];
  close(): Promise<void>;
}

export interface BrowserAppOptions {
  /**
   * 'dev' (default): vite dev server. 'preview': production build in a temp dir, served by vite
   * preview. 'static': the same build on a plain static server (staticServer.ts: no COOP/COEP, no
   * CSP) under `basePath`, as a host that cannot set headers serves it.
   */
  readonly server?: 'dev' | 'preview' | 'static';
  /** 'static' only: the path the site is served under (default '/'). */
  readonly basePath?: string;
  /** Page path to open (default '/'). */
  readonly path?: string;
  /** Wait until window.__gvu.engine exists (default true). */
  readonly waitForEngine?: boolean;
  /** Echo browser console lines to stderr as they come. */
  readonly echoConsole?: boolean;
}

/**
 * Poll from Node, not with waitForFunction: a string predicate is eval'd again on every animation
 * frame inside the page, where the CSP forbids eval (an EvalError whenever the hook is not there on
 * the first try); a function predicate breaks under tsx (its __name helper). page.evaluate runs
 * over CDP, outside the CSP.
 */
async function waitForEngineHook(page: Page, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  // A navigation in between (vite reloading after optimising deps) destroys the context: try again.
  const hooked = () => page.evaluate('Boolean(window.__gvu && window.__gvu.engine)').catch(() => false);
  while (!(await hooked())) {
    if (Date.now() > until) throw new Error(`the page did not expose window.__gvu.engine within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Served { url: string; close(): Promise<unknown> }

async function startVite(mode: 'dev' | 'preview' | 'static', basePath = '/'): Promise<Served> {
  const port = await freePort();
  const base = { root: REPO_ROOT, configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' as const, clearScreen: false };
  // 127.0.0.1 is a secure origin, so navigator.gpu exists (it does not on about:blank or file://).
  const url = `http://127.0.0.1:${port}`;
  if (mode === 'dev') {
    const server = await createServer({ ...base, server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null } });
    await server.listen();
    return { url, close: () => server.close() };
  }
  const outDir = await mkdtemp(join(tmpdir(), 'gvu-dist-'));
  const removeOut = () => rm(outDir, { recursive: true, force: true });
  try {
    // Build as `npm run build` does. Under vitest NODE_ENV is 'test', and vite keeps an existing
    // NODE_ENV: the bundle would be a development build (React dev, test hooks on).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ ...base, mode: 'production', build: { outDir, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    if (mode === 'static') {
      const server = await serveStatic(outDir, basePath, '127.0.0.1', port);
      return { url: server.url.replace(/\/$/, ''), close: async () => { await server.close(); await removeOut(); } };
    }
    const server = await preview({ ...base, build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
    return { url, close: async () => { await server.close(); await removeOut(); } };
  } catch (err) {
    await removeOut();
    throw err;
  }
}

/** Start vite and Chromium, open the app; close() tears everything down, even after a failure. */
export async function launchBrowserApp(opts: BrowserAppOptions = {}): Promise<BrowserApp> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    cleanups.length = 0;
  };
  try {
    const served = await startVite(opts.server ?? 'dev', opts.basePath);
    cleanups.push(() => served.close());
    const { url } = served;
    const userDataDir = await mkdtemp(join(tmpdir(), 'gvu-chromium-'));
    cleanups.push(() => rm(userDataDir, { recursive: true, force: true }));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    cleanups.push(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    const logs: string[] = [];
    const log = (line: string) => {
      logs.push(line);
      if (opts.echoConsole) process.stderr.write(`[browser] ${line}\n`);
    };
    page.on('console', (m) => log(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log(`pageerror: ${e.name}: ${e.message}`));
    const cdp = await context.newCDPSession(page);
    const { product } = (await cdp.send('Browser.getVersion')) as { product: string };
    await cdp.detach();
    await page.goto(url + (opts.path ?? '/'));
    if (opts.waitForEngine !== false) await waitForEngineHook(page, 60_000);
    return { url, page, context, browserVersion: product, logs, close };
  } catch (err) {
    await close();
    throw err;
  }
}
