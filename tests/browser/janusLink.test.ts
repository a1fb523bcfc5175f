// A shared link that names a real model (issue 14): its top-k above the tiny model's 37 and its
// free-text prompt are not refused at page load against the tiny model's ranges; they wait, named,
// until the link's model is open, and are then used (top-k within the fixture's 64 codes) or
// refused with the opened model's range (top-k 100).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeJanusFixture } from '../../src/cli/janusFixture/writeFixture.ts';
import { type BrowserApp, recentLogs, screenshot, startApp } from './harness.ts';
import { waitForModel } from './playground.ts';

const DIR = join('test-output/fixtures', 'janus-link');
const MODEL = '/fixtures/janus-link/';
const PROMPT = 'a zebra standing on a bench';

let app: BrowserApp;

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  writeJanusFixture(DIR); // codebook of 64 codes
  app = await startApp({ path: '/?view=model&backend=wasm', waitForEngine: false });
});

afterAll(async () => {
  await app?.close();
  rmSync(DIR, { recursive: true, force: true });
});

const linkTo = (topk: number) => `/?view=model&backend=wasm&model=${encodeURIComponent(MODEL)}&dtype=fp32&topk=${topk}&prompt=${encodeURIComponent(PROMPT)}&seed=3`;

/** Fetch (unless cached) the listed model and open it in the engine. */
async function openListedModel(): Promise<void> {
  const { page } = app;
  const phase = () => page.evaluate(() => document.querySelector('[data-testid="open-model"]')?.getAttribute('data-phase'));
  await page.waitForFunction(() => ['listed', 'ready'].includes(document.querySelector('[data-testid="open-model"]')?.getAttribute('data-phase') ?? ''), null, { timeout: 60_000 });
  if (await phase() === 'listed') {
    await page.getByTestId('model-fetch').click();
    await page.getByTestId('model-fetch-confirm').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="open-model"]')?.getAttribute('data-phase') === 'ready', null, { timeout: 60_000 });
  }
  await page.getByTestId('model-open-engine').click();
  await page.getByTestId('engine-model-active').waitFor({ timeout: 60_000 }).catch(async (e) => {
    throw new Error(`${e}\n${await page.getByTestId('open-model').innerText()}${recentLogs(app)}`);
  });
}

test('top-k 50 and a free-text prompt wait for the link\'s model, then are used', async () => {
  const { page } = app;
  await page.goto(`${app.url}${linkTo(50)}`);
  await waitForModel(page);
  const pending = await page.getByTestId('link-pending').allInnerTexts();
  expect(pending).toEqual([
    `Link value waits for its model: prompt="${PROMPT}" is checked once ${MODEL} is open (the tiny model knows only ShapesWorld words), "a photo of a red circle" until then`,
    `Link value waits for its model: topk=50 is checked once ${MODEL} is open (the tiny model's top-k stops at 37), 0 until then`,
  ]);
  expect(await page.getByTestId('link-notice').count(), 'nothing refused at load').toBe(0);
  expect(new URL(page.url()).searchParams.get('topk'), 'the waiting value stays in the link').toBe('50');
  await screenshot(app, 'janus-link-pending');
  await openListedModel();
  await page.getByTestId('tab-inspect').click();
  expect(await page.getByLabel('Top-k').inputValue()).toBe('50');
  expect(await page.getByTestId('prompt-input').inputValue()).toBe(PROMPT);
  expect(await page.getByTestId('link-pending').count()).toBe(0);
  expect(await page.getByTestId('link-notice').count()).toBe(0);
  expect(new URL(page.url()).searchParams.get('topk')).toBe('50');
});

test('bad input: top-k 100 waits, then is refused with the opened model\'s range (64 codes) and 0 is used', async () => {
  const { page } = app;
  await page.goto(`${app.url}${linkTo(100)}`);
  await waitForModel(page);
  await expect(page.getByTestId('link-pending').allInnerTexts()).resolves.toHaveLength(2);
  await openListedModel();
  await page.getByTestId('tab-inspect').click();
  await expect(page.getByTestId('link-notice').allInnerTexts()).resolves.toEqual([
    'Link value ignored: topk=100 (top-k must be a whole number from 0 to 64 (0 = off) with /fixtures/janus-link/), used 0',
  ]);
  expect(await page.getByLabel('Top-k').inputValue()).toBe('0');
  expect(await page.getByTestId('prompt-input').inputValue(), 'the prompt of the same link is used').toBe(PROMPT);
  expect(new URL(page.url()).searchParams.get('topk'), 'the address bar holds what is used').toBe('0');
});
