// A bad link value is named on whichever view the link opens, not only on Inspect: here the Model
// view with an unknown backend, which falls back to auto (WASM on a software GPU) and says so.
import { expect, test } from 'vitest';
import { type BrowserApp } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=model&backend=bogus', (a) => (app = a));

test('a link with backend=bogus opened on the Model view names it and uses auto', async () => {
  const { page } = app;
  await expect(page.getByTestId('link-notice').allInnerTexts()).resolves.toEqual([
    'Link value ignored: backend=bogus (backend must be wasm, webgpu or auto), used auto',
  ]);
  expect(new URL(page.url()).searchParams.get('backend')).toBeNull();
  await expect(page.getByTestId('engine-chip').innerText()).resolves.toMatch(/· wasm/);
});
