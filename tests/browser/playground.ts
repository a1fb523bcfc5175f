// Helpers for the playground tests: open a view, wait for the model, generate a group.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type BrowserApp, startApp } from './harness.ts';

export async function waitForModel(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForSelector('[data-testid="engine-chip"][data-ready="true"]', { timeout });
}

/** Generate a group on the Inspect view; returns the rewards shown. */
export async function generateGroup(app: BrowserApp, prompt: string, g: number, timeout = 120_000): Promise<number[]> {
  const { page } = app;
  await page.getByTestId('prompt-input').fill(prompt);
  await page.getByLabel('G (group size)').fill(String(g));
  await page.getByTestId('generate').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="image-card"]').length === n
    && !document.querySelector('[data-testid="generate"]')?.hasAttribute('disabled'), g, { timeout });
  const texts = await page.getByTestId('reward-value').allInnerTexts();
  return texts.map(Number);
}

/** One app per test file: opened on `path` with the model loaded before the tests, closed after. */
export function usePlayground(path: string, set: (app: BrowserApp) => void): void {
  let opened: BrowserApp | undefined;
  beforeAll(async () => {
    opened = await startApp({ path });
    set(opened);
    await waitForModel(opened.page);
  });
  afterAll(async () => {
    await opened?.close();
  });
}
