// `npm run bench:graph`: forward and forward+backward time of one pre-norm transformer block at
// B=8, T in {64,128}, D in {128,256}, on onnxruntime-node here and on WASM (and WebGPU when a real
// adapter is present) in headless Chromium. Prints JSON and a table, writes
// docs/results/graph-bench.json. A benchmark, not a test: numbers depend on the machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { buildBlockGraph } from '../core/graph/blockGraph.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import type { TensorData } from '../core/tensor.ts';

interface Row {
  backend: string;
  case: string;
  batch: number;
  seq: number;
  width: number;
  pass: 'forward' | 'forward+backward';
  firstMs: number;
  medianMs: number;
  minMs: number;
  note?: string;
}

const { values: args } = parseArgs({
  options: {
    browser: { type: 'boolean', default: true },
    'no-browser': { type: 'boolean', default: false },
    iters: { type: 'string', default: '20' },
    out: { type: 'string', default: 'docs/results/graph-bench.json' },
    small: { type: 'boolean', default: false }, // smoke size for CI
  },
});
const iters = Number(args.iters);
const batch = 8;
const grid = args.small ? [{ seq: 8, width: 16 }] : [64, 128].flatMap((seq) => [128, 256].map((width) => ({ seq, width })));

function cases() {
  return grid.flatMap(({ seq, width }) =>
    ([false, true] as const).map((withGrad) => {
      const b = buildBlockGraph({ batch, seq, width, heads: Math.max(1, Math.floor(width / 32)), dtype: 'float32', withGrad });
      const pass = withGrad ? ('forward+backward' as const) : ('forward' as const);
      return { name: `B${batch}_T${seq}_D${width}_${withGrad ? 'fwdbwd' : 'fwd'}`, seq, width, pass, model: b.model, feeds: b.feeds };
    }),
  );
}

async function timeIt(run: () => Promise<unknown>, n: number) {
  const t0 = performance.now();
  await run();
  const firstMs = performance.now() - t0;
  for (let i = 0; i < 2; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await run();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return { firstMs, medianMs: times[Math.floor(n / 2)], minMs: times[0] };
}

async function benchNode(all: ReturnType<typeof cases>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of all) {
    const s = await createNodeSession(c.model);
    const t = await timeIt(() => s.run(c.feeds as Record<string, TensorData>), iters);
    rows.push({ backend: 'node', case: c.name, batch, seq: c.seq, width: c.width, pass: c.pass, ...round(t) });
    await s.release();
  }
  return rows;
}

const round = (t: { firstMs: number; medianMs: number; minMs: number }) => ({
  firstMs: +t.firstMs.toFixed(2),
  medianMs: +t.medianMs.toFixed(2),
  minMs: +t.minMs.toFixed(2),
});

async function main() {
  const all = cases();
  const rows = await benchNode(all);
  let browser: Record<string, unknown> | null = null;
  if (args.browser && !args['no-browser']) {
    const { benchInBrowser } = await import('./browserBench.ts');
    const res = await benchInBrowser(all.map((c) => ({ name: c.name, model: c.model, feeds: c.feeds })), ['wasm', 'webgpu'], { iters });
    browser = { browserVersion: res.browserVersion, adapter: res.adapter, skipped: res.skipped };
    for (const r of res.results) {
      const c = all.find((x) => x.name === r.name)!;
      rows.push({ backend: r.backend, case: r.name, batch, seq: c.seq, width: c.width, pass: c.pass, ...round(r) });
    }
  }
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
    settings: { batch, iters, dtype: 'float32', heads: 'width/32' },
    browser,
    rows,
  };
  console.log(JSON.stringify(report, null, 2));
  console.table(rows.map((r) => ({ backend: r.backend, case: r.case, median_ms: r.medianMs, min_ms: r.minMs, first_ms: r.firstMs })));
  mkdirSync('docs/results', { recursive: true });
  writeFileSync(args.out!, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${args.out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
