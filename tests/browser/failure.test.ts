// Worker failure: a forced crash (test hook) shows a clear message with restart buttons; restarting
// (on WASM) brings a working engine back and the finished results stay on the page.
import { expect, test } from 'vitest';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { generateGroup, usePlayground, waitForModel } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=inspect&backend=wasm', (a) => (app = a));

test('a crashed worker is reported, restart recovers, results are kept', async () => {
  const { page } = app;
  const rewards = await generateGroup(app, 'a photo of a blue square', 2);
  await page.evaluate(() => window.__gvu!.engine.crash());
  // The next engine call fails; so does the error listener: either way the banner shows.
  await page.getByTestId('failure-banner').waitFor({ timeout: 30_000 });
  await expect(page.getByTestId('failure-banner').innerText()).resolves.toMatch(/engine stopped.*EngineCrash/s);
  await screenshot(app, 'failure');
  // Finished results are still shown while the engine is down.
  expect((await page.getByTestId('reward-value').allInnerTexts()).map(Number)).toEqual(rewards);

  await page.getByTestId('restart-wasm').click();
  await waitForModel(page);
  expect(await page.getByTestId('failure-banner').count()).toBe(0);
  expect((await page.getByTestId('reward-value').allInnerTexts()).map(Number)).toEqual(rewards);
  // The new worker works: the same seeds give the same group.
  const again = await generateGroup(app, 'a photo of a blue square', 2);
  expect(again, recentLogs(app)).toEqual(rewards);
});
