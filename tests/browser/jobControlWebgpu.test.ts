// Job control on WebGPU (SwiftShader here: correct, slow): the same cancel and pause as on
// WASM (jobControl.test.ts), through the same shared-memory requests.
import { expect, test } from 'vitest';
import type { BrowserApp } from './harness.ts';
import { usePlayground } from './playground.ts';
import { measureCancel, trainAndExport } from './jobControlSteps.ts';
import { recordMeasurement } from './measurements.ts';

let app: BrowserApp;
usePlayground('/?view=inspect&backend=webgpu', (a) => (app = a));

// The 1.5 s bar is a number to measure, not to time in a test: the latencies are recorded here and
// scripts/reliability.mjs reports them against the bar. The tests prove the job really stops.

test('runs on WebGPU', async () => {
  await expect(app.page.getByTestId('engine-chip').innerText()).resolves.toMatch(/· webgpu/);
});

test('cancel stops a G = 16 group on WebGPU mid-way', async () => {
  const ms = await measureCancel(app, 'generate');
  recordMeasurement('cancel_generate_ms.webgpu', ms);
});

test('cancel stops a batch on WebGPU mid-way', async () => {
  const ms = await measureCancel(app, 'batch', { thenFinish: false });
  recordMeasurement('cancel_batch_ms.webgpu', ms);
});

test('pause stops training on WebGPU mid-step and resume continues from the same step', async () => {
  const run = await trainAndExport(app, { pauseAtStep: 1, stopAfterResume: true });
  recordMeasurement('pause_train_ms.webgpu', run.pauseMs!);
  expect(run.stepAtPause).toBe(1);
});
