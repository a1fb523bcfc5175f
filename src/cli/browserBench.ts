// Time models in headless Chromium through the app's own engine worker (benchModel), so the
// numbers are what the playground itself gets. WebGPU is timed only on a real adapter: SwiftShader
// emulates the GPU on the CPU and its timings would mislead (notes/runtime-facts.md).
import type { TensorData } from '../core/tensor.ts';
import type { WebBackend, WebGpuProbe } from '../../workers/engineApi.ts';
import { launchBrowserApp } from './browser.ts';
import { benchModelInPage, probeInPage } from './pageEngine.ts';

export interface BrowserBenchCase {
  readonly name: string;
  readonly model: Uint8Array;
  readonly feeds: Record<string, TensorData>;
}

export interface BrowserBenchOptions {
  /** Timed runs per case (default 20). */
  readonly iters?: number;
  /** Untimed runs after the first (default 2). */
  readonly warmup?: number;
  /** Echo the browser console to stderr. */
  readonly verbose?: boolean;
}

export interface BrowserBenchRow {
  readonly name: string;
  readonly backend: WebBackend;
  readonly createMs: number;
  readonly firstMs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly iters: number;
}

export interface BrowserBenchReport {
  readonly browserVersion: string;
  readonly userAgent: string;
  readonly adapter: WebGpuProbe['adapter'] | null;
  readonly wasm: { crossOriginIsolated: boolean; threads: number; simd: boolean };
  readonly skipped: { backend: WebBackend; reason: string }[];
  readonly results: BrowserBenchRow[];
}

export async function benchInBrowser(
  cases: readonly BrowserBenchCase[], backends: readonly WebBackend[], opts: BrowserBenchOptions = {},
): Promise<BrowserBenchReport> {
  const bench = { iters: opts.iters ?? 20, warmup: opts.warmup ?? 2 };
  const app = await launchBrowserApp({ echoConsole: opts.verbose });
  try {
    const probe = await probeInPage(app.page);
    const skipped: BrowserBenchReport['skipped'] = [];
    const timed = backends.filter((b) => {
      if (b !== 'webgpu') return true;
      const gpu = probe.webgpu;
      if (!gpu.available) skipped.push({ backend: b, reason: `no WebGPU adapter: ${gpu.reason}` });
      else if (gpu.isSoftware) skipped.push({ backend: b, reason: `software adapter (${gpu.adapter?.architecture}): timings would not reflect a GPU` });
      else return true;
      return false;
    });
    const results: BrowserBenchRow[] = [];
    for (const c of cases) {
      for (const backend of timed) {
        try {
          const t = await benchModelInPage(app.page, c.model, c.feeds, backend, bench);
          results.push({ name: c.name, backend, ...t });
        } catch (err) {
          const msg = err instanceof Error ? err.message : String(err);
          throw new Error(`browser bench ${c.name} on ${backend} failed: ${msg}\n${app.logs.slice(-20).join('\n')}`);
        }
      }
    }
    return {
      browserVersion: app.browserVersion,
      userAgent: probe.userAgent,
      adapter: probe.webgpu.adapter ?? null,
      wasm: { crossOriginIsolated: probe.wasm.crossOriginIsolated, threads: probe.wasm.threads, simd: probe.wasm.simd },
      skipped,
      results,
    };
  } finally {
    await app.close();
  }
}
