// Three-runtime parity: the transformer block forward + gradient graph, built here in Node, gives
// the same loss and gradients on onnxruntime-node, onnxruntime-web WASM and onnxruntime-web WebGPU.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildBlockGraph } from '../../src/core/graph/blockGraph.ts';
import { createNodeSession } from '../../src/core/runtime/node.ts';
import type { TensorData } from '../../src/core/tensor.ts';
import { type BrowserApp, recentLogs, runModelInPage, startApp } from './harness.ts';

// Measured: worst 1.8e-7 (WASM) and 1.0e-7 (WebGPU, SwiftShader) over the 14 outputs; 2e-6 is ten
// times that, far below what any wrong kernel or dropped term would give.
const ATOL = 2e-6;

let app: BrowserApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

function maxAbsDiff(a: TensorData, b: TensorData): number {
  expect(a.dims).toEqual(b.dims);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  return m;
}

test('block forward+gradient agrees across node, wasm and webgpu within 2e-6', async () => {
  const block = buildBlockGraph({ batch: 2, seq: 8, width: 16, heads: 2, dtype: 'float32', withGrad: true, seed: 3 });
  const node = await createNodeSession(block.model);
  const expected = await node.run(block.feeds);
  await node.release();
  expect(Object.keys(expected).sort()).toEqual([...block.outputs].sort());
  expect(block.outputs).toContain('loss');
  expect(block.outputs.filter((o) => o.startsWith('grad.'))).toHaveLength(block.params.length);

  for (const backend of ['wasm', 'webgpu'] as const) {
    let got: Record<string, TensorData>;
    try {
      got = await runModelInPage(app.page, block.model, block.feeds, backend);
    } catch (err) {
      throw new Error(`${backend} run failed: ${err instanceof Error ? err.message : String(err)}${recentLogs(app)}`);
    }
    expect(Object.keys(got).sort(), backend).toEqual(Object.keys(expected).sort());
    const diffs = Object.fromEntries(block.outputs.map((name) => [name, maxAbsDiff(got[name], expected[name])]));
    const worst = Math.max(...Object.values(diffs));
    console.log(`${backend}: worst max|diff| ${worst.toExponential(2)} over ${block.outputs.length} outputs`);
    for (const [name, d] of Object.entries(diffs)) expect(d, `${backend} ${name}`).toBeLessThanOrEqual(ATOL);
  }
});

test('a bad model fails with a named error that crosses the worker boundary', async () => {
  const garbage = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  await expect(runModelInPage(app.page, garbage, {}, 'wasm')).rejects.toThrow(/SessionCreateError: wasm: could not create a session/);
});
