// Two tabs, one browser: a batch has one owner. A second tab on a running batch watches it (rows
// arrive as the owner stores them) and never computes it; an upload in the second tab starts its
// own job and never touches the first one's rows; when the owner tab closes mid-run, the watcher
// takes the job over and finishes it. Every stored row is announced once: no prompt is computed
// twice.
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { usePlayground, waitForModel } from './playground.ts';
import { recordMeasurement } from './measurements.ts';
import { batchRowKeys, batchRows } from './batchRows.ts';

let app: BrowserApp;
usePlayground('/?view=batch&backend=wasm', (a) => (app = a));

const COLOURS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange'];
const SHAPES = ['circle', 'square', 'triangle'];
/** 150 distinct grammatical prompts (a duplicate would be flagged as a problem line). */
const promptsA = ['', 'small ', 'large '].flatMap((size) => ['a', 'two', 'three'].flatMap((n) => COLOURS.flatMap((c) => SHAPES.map((sh) =>
  n === 'a' ? `a photo of a ${size}${c} ${sh}` : `a photo of ${n} ${size}${c} ${sh}s`)))).slice(0, 150);
const G_A = 8; // long enough on WASM for the hand-over to happen mid-run
const promptsB = ['a photo of a blue circle', 'a photo of two red triangles', 'a photo of a green square', 'a photo of a yellow square'];

const status = (page: Page) => page.getByTestId('batch-status');
const attr = async (page: Page, name: string) => (await status(page).getAttribute(name)) ?? '';
const whenStatus = (page: Page, want: string, timeout = 180_000) =>
  page.waitForFunction((w) => document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-status') === w, want, { timeout })
    .catch(async (e: unknown) => {
      throw new Error(`${String(e)}; batch status is ${await attr(page, 'data-status')} at ${await attr(page, 'data-done')} done${recentLogs(app)}`);
    });
const whenDoneAtLeast = (page: Page, n: number, timeout = 180_000) =>
  page.waitForFunction((k) => Number(document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-done')) >= k, n, { timeout });
// Every row, scrolled through: the table is virtualised, so the DOM holds only the rows in view.
const rowKeys = (page: Page) => batchRowKeys(page);
const rowPrompts = async (page: Page) => (await batchRows(page)).map((r) => r.prompt);

test('a second tab watches, uploads its own job, and takes over when the owner closes', async () => {
  const a = app.page;
  await a.getByLabel('G per prompt').fill(String(G_A));
  await a.getByTestId('batch-upload').setInputFiles({ name: 'A.txt', mimeType: 'text/plain', buffer: Buffer.from(promptsA.join('\n')) });
  await a.getByTestId('batch-run').click();
  await whenDoneAtLeast(a, 2);

  const b = await app.context.newPage();
  b.on('console', (m) => app.logs.push(`tab B ${m.type()}: ${m.text()}`));
  // Every row any tab stores is announced on the channel; count them per (job, prompt).
  await b.addInitScript(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { __rowsSeen: Record<string, number> }).__rowsSeen = seen;
    new BroadcastChannel('gvu-batch').addEventListener('message', (ev: MessageEvent<{ kind: string; jobId: string; record?: { index: number } }>) => {
      if (ev.data.kind !== 'row') return;
      const key = `${ev.data.jobId}:${ev.data.record!.index}`;
      seen[key] = (seen[key] ?? 0) + 1;
    });
  });
  await b.goto(`${app.url}/?view=batch&backend=wasm`);
  await waitForModel(b);
  await whenStatus(b, 'watching', 30_000);
  const jobA = await a.getByTestId('batch-job').first().getAttribute('data-job-id');
  expect(await b.locator('[data-testid="batch-job"][data-open="true"]').getAttribute('data-job-id')).toBe(jobA);
  const watchedFrom = Number(await attr(b, 'data-done'));
  await whenDoneAtLeast(b, watchedFrom + 2, 60_000); // the owner's rows arrive in the watcher
  expect(await attr(b, 'data-status')).toBe('watching');
  expect(await b.getByTestId('batch-run').isDisabled()).toBe(true);
  await screenshot({ page: b }, 'batch-two-tabs-watching', { fullPage: false });

  // An upload in B is a new job of B's: A's run and rows are untouched.
  await b.getByLabel('G per prompt').fill('2');
  await b.getByTestId('batch-upload').setInputFiles({ name: 'B.txt', mimeType: 'text/plain', buffer: Buffer.from(promptsB.join('\n')) });
  await b.waitForFunction(() => /B\.txt.*4 valid prompt/.test(document.querySelector('[data-testid="batch-summary"]')?.textContent ?? ''), null, { timeout: 10_000 });
  expect(await attr(b, 'data-done')).toBe('0');
  expect(await attr(a, 'data-status')).toBe('running');
  await expect(a.getByTestId('batch-summary').innerText()).resolves.toMatch(/A\.txt.*150 valid prompt/);
  // B goes back to A's job (from the list) and watches it; then A's tab closes mid-run.
  await b.locator(`[data-testid="batch-job"][data-job-id="${jobA}"] [data-testid="batch-job-open"]`).click();
  await whenStatus(b, 'watching', 30_000);
  const doneAtClose = Number(await attr(a, 'data-done'));
  expect(doneAtClose, 'A finished before the hand-over: make its set longer').toBeLessThan(promptsA.length);
  await a.close();
  app = { ...app, page: b };
  // B takes the job over and finishes it: every prompt exactly once, only A's prompts.
  await whenStatus(b, 'done', 240_000);
  const keys = await rowKeys(b);
  expect(keys, recentLogs(app)).toHaveLength(promptsA.length * G_A);
  expect(new Set(keys).size).toBe(promptsA.length * G_A);
  expect(new Set(await rowPrompts(b))).toEqual(new Set(promptsA));
  const seen = await b.evaluate(() => (window as unknown as { __rowsSeen: Record<string, number> }).__rowsSeen);
  const twice = Object.entries(seen).filter(([, n]) => n > 1);
  recordMeasurement('two_tab_duplicate_rows', twice.length);
  expect(twice, 'prompts computed by both tabs').toEqual([]);
  expect(Object.keys(seen).length, 'the channel carried the rows').toBeGreaterThan(promptsA.length / 2);
  expect(await b.getByTestId('batch-job').count()).toBe(2);
  await screenshot({ page: b }, 'batch-two-tabs-taken-over', { fullPage: false });

  // B's own job is still there, untouched, and runs to its own rows.
  const jobB = await b.locator('[data-testid="batch-job"]:not([data-open="true"])').getAttribute('data-job-id');
  await b.locator(`[data-testid="batch-job"][data-job-id="${jobB}"] [data-testid="batch-job-open"]`).click();
  await b.waitForFunction(() => /B\.txt/.test(document.querySelector('[data-testid="batch-summary"]')?.textContent ?? ''), null, { timeout: 10_000 });
  await b.getByTestId('batch-run').click();
  await whenStatus(b, 'done');
  expect(new Set(await rowPrompts(b))).toEqual(new Set(promptsB));
  expect(await rowKeys(b)).toHaveLength(8);

});
