// Train's preset buttons fill the run settings with the headline configuration (RESULTS.md's best
// GvU row) and the paper-faithful one (the official code's), both on the RL pool, and either can start:
// no field problems.
import { expect, test } from 'vitest';
import { type BrowserApp, screenshot } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=train&backend=wasm', (a) => (app = a));

const fields = async () => {
  const { page } = app;
  const out: Record<string, string> = {};
  for (const k of ['steps', 'promptsPerStep', 'groupSize', 'lr', 'beta', 'innerUpdates', 'deadZone']) out[k] = await page.getByTestId(`train-${k}`).inputValue();
  for (const k of ['promptSampling', 'advantage']) out[k] = await page.getByTestId(`train-${k}`).inputValue();
  return out;
};

test('the paper-faithful and headline presets set every run field and leave nothing to fix', async () => {
  const { page } = app;
  await page.getByTestId('train-preset-paper').click();
  expect(await fields()).toEqual({ steps: '1500', promptsPerStep: '64', groupSize: '2', lr: '0.0003', beta: '0.03', innerUpdates: '1', deadZone: '0', promptSampling: 'by_tag', advantage: 'std' });
  expect(await page.locator('label.field', { hasText: 'Teacher' }).locator('select').inputValue()).toBe('policy');
  expect(await page.getByTestId('train-settings-invalid').count()).toBe(0);
  await page.waitForFunction(() => /RL pool \(pool\.jsonl\) \(1152 with a spec\)/.test(document.querySelector('[data-testid="train-prompts"]')?.textContent ?? ''), null, { timeout: 30_000 });
  await screenshot(app, 'train-preset-paper');
  await page.getByTestId('train-preset-headline').click();
  expect(await fields()).toEqual({ steps: '1500', promptsPerStep: '16', groupSize: '8', lr: '0.0003', beta: '0.1', innerUpdates: '2', deadZone: '0.05', promptSampling: 'by_tag', advantage: 'dead_zone' });
  expect(await page.locator('label.field', { hasText: 'Teacher' }).locator('select').inputValue()).toBe('frozen');
  expect(await page.getByTestId('train-start').isDisabled()).toBe(false);
  // The dead zone is editable only with dead-zone advantages.
  expect(await page.getByTestId('train-deadZone').isDisabled()).toBe(false);
  await page.getByTestId('train-advantage').selectOption('rank');
  expect(await page.getByTestId('train-deadZone').isDisabled()).toBe(true);
});
