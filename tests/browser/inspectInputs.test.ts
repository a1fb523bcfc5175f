// Bad inputs on the Inspect view, in the page: a link with bad values says which and what it used
// and leaves only good values in the address bar; a too-long prompt or an out-of-range number is
// refused inline with Generate disabled, the group on screen stays, and fixing it clears it.
import { expect, test } from 'vitest';
import { readLink } from '../../src/ui/store/link.ts';
import { type BrowserApp, screenshot } from './harness.ts';
import { generateGroup, usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=inspect&backend=wasm&g=100&seed=-1', (a) => (app = a));

const GOOD = 'a photo of a red circle';
const params = () => new URL(app.page.url()).searchParams;
const text = (id: string) => app.page.getByTestId(id).innerText();
const generateDisabled = () => app.page.getByTestId('generate').isDisabled();

test('a link with g=100 and seed=-1 names both, uses 4 and 1, and the URL keeps only what is used', async () => {
  const { page } = app;
  await expect(page.getByTestId('link-notice').allInnerTexts()).resolves.toEqual([
    'Link value ignored: g=100 (group size must be a whole number from 1 to 16), used 4',
    'Link value ignored: seed=-1 (seed must be a whole number from 0 to 4294967295), used 1',
  ]);
  await expect(page.getByLabel('G (group size)').inputValue()).resolves.toBe('4');
  await expect(page.getByLabel('Base seed').inputValue()).resolves.toBe('1');
  expect(Object.fromEntries(params())).toEqual({ view: 'inspect', backend: 'wasm', g: '4', seed: '1' });
  expect(readLink(params()).notices).toEqual([]);
  await screenshot(app, 'inspect-link-notice');
  await page.getByTestId('link-notices-dismiss').click();
  await expect(page.getByTestId('link-notices').count()).resolves.toBe(0);
});

test('a 30-word prompt is refused inline with Generate disabled; the group stays; fixing it clears it', async () => {
  const { page } = app;
  await generateGroup(app, GOOD, 1);
  const long = Array.from({ length: 10 }, () => 'a red circle').join(' ');
  await page.getByTestId('prompt-input').fill(long);
  await expect(text('prompt-problem')).resolves.toBe('too long: 30 words, at most 18');
  await expect(generateDisabled()).resolves.toBe(true);
  expect(params().get('prompt')).toBe(GOOD); // the URL keeps the last good prompt
  await expect(page.getByTestId('image-card').count()).resolves.toBe(1); // the finished group stays
  await screenshot(app, 'inspect-prompt-too-long');

  await page.getByTestId('prompt-input').fill('a photo of a blue square');
  await expect(text('prompt-problem')).resolves.toBe('');
  await expect(generateDisabled()).resolves.toBe(false);
  expect(params().get('prompt')).toBe('a photo of a blue square');
});

test('G = 100 typed in the field is refused inline and never reaches the URL', async () => {
  const { page } = app;
  await page.getByLabel('G (group size)').fill('100');
  await expect(page.getByTestId('setting-problem').allInnerTexts()).resolves.toEqual(['group size must be a whole number from 1 to 16']);
  await expect(generateDisabled()).resolves.toBe(true);
  expect(params().get('g')).toBe('1'); // the last accepted value (the group above had G = 1)
  await screenshot(app, 'inspect-bad-g');
  await page.getByLabel('G (group size)').fill('2');
  await expect(page.getByTestId('setting-problem').count()).resolves.toBe(0);
  await expect(generateDisabled()).resolves.toBe(false);
  expect(params().get('g')).toBe('2');
});
