// Job control on WebGPU (SwiftShader here: correct, slow): the same cancel and pause bars as on
// WASM (jobControl.test.ts), through the same shared-memory requests.
import { expect, test } from 'vitest';
import { type BrowserApp, recentLogs } from './harness.ts';
import { usePlayground } from './playground.ts';
import { measureCancel, trainAndExport } from './jobControlSteps.ts';
import { recordMeasurement } from './measurements.ts';

let app: BrowserApp;
usePlayground('/?view=inspect&backend=webgpu', (a) => (app = a));

const BAR_MS = 1500;

test('runs on WebGPU', async () => {
  await expect(app.page.getByTestId('engine-chip').innerText()).resolves.toMatch(/· webgpu/);
});

test('cancel stops a G = 8 group on WebGPU within 1.5 s', async () => {
  const ms = await measureCancel(app, 'generate');
  recordMeasurement('cancel_generate_ms.webgpu', ms);
  expect(ms, recentLogs(app)).toBeLessThan(BAR_MS);
});

test('cancel stops a batch on WebGPU within 1.5 s', async () => {
  const ms = await measureCancel(app, 'batch', { thenFinish: false });
  recordMeasurement('cancel_batch_ms.webgpu', ms);
  expect(ms, recentLogs(app)).toBeLessThan(BAR_MS);
});

test('pause stops training on WebGPU within 1.5 s and resume continues from the same step', async () => {
  const run = await trainAndExport(app, { pauseAtStep: 1, stopAfterResume: true });
  recordMeasurement('pause_train_ms.webgpu', run.pauseMs!);
  expect(run.pauseMs, recentLogs(app)).toBeLessThan(BAR_MS);
  expect(run.stepAtPause).toBe(1);
});
