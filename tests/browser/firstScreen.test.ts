// The first screen in headless Chromium: cross-origin isolated, both backends probed, and the
// probe graph (transformer block forward + gradient) run on WASM and on WebGPU (SwiftShader here).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type BrowserApp, recentLogs, screenshot, startApp } from './harness.ts';

let app: BrowserApp;
beforeAll(async () => {
  app = await startApp({ path: '/?view=model' });
});
afterAll(async () => {
  await app?.close();
});

test('first screen probes both backends and runs the block graph on each', async () => {
  const { page } = app;
  await expect(page.title()).resolves.toBe('GvU Playground');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // WebGPU must exist here (--enable-unsafe-webgpu gives SwiftShader): missing WebGPU fails the test.
  const gpuCard = page.getByTestId('backend-webgpu');
  await gpuCard.waitFor({ timeout: 60_000 });
  expect(await gpuCard.getAttribute('data-available'), `WebGPU unavailable: ${await gpuCard.innerText()}`).toBe('true');
  await expect(page.getByTestId('webgpu-architecture').innerText()).resolves.toBe('swiftshader');
  await expect(page.getByTestId('wasm-coi').innerText()).resolves.toBe('yes');

  for (const backend of ['wasm', 'webgpu'] as const) {
    const card = page.getByTestId(`probe-${backend}`);
    // Probes run on request only: opening the view leaves the engine free.
    expect(await card.getAttribute('data-status')).toBe('idle');
    await page.getByTestId(`probe-run-${backend}`).click();
    await page.waitForFunction(
      (b) => ['done', 'error'].includes(document.querySelector(`[data-testid="probe-${b}"]`)?.getAttribute('data-status') ?? ''),
      backend, { timeout: 120_000 },
    );
    expect(await card.getAttribute('data-status'), `${backend}: ${await card.innerText()}${recentLogs(app)}`).toBe('done');
    const loss = Number(await page.getByTestId(`loss-${backend}`).innerText());
    expect(Number.isFinite(loss) && loss > 0, `${backend} loss ${loss}`).toBe(true);
    const median = parseFloat(await page.getByTestId(`median-${backend}`).innerText());
    expect(Number.isFinite(median) && median > 0, `${backend} median ${median}`).toBe(true);
  }
  // Both backends compute the same loss (to display precision).
  const lossW = await page.getByTestId('loss-wasm').innerText();
  const lossG = await page.getByTestId('loss-webgpu').innerText();
  expect(Math.abs(Number(lossW) - Number(lossG))).toBeLessThan(1e-4);

  await screenshot(app, 'first-screen');
});
