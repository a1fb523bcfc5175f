// Steps shared by the job-control tests on WASM and WebGPU. Latencies are measured inside the page,
// from the click to the DOM showing the job's new state (a MutationObserver), so test-driver
// round trips do not count against the job.
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { batchRowKeys } from './batchRows.ts';
import type { BrowserApp } from './harness.ts';

export const BATCH_PROMPTS = Array.from({ length: 40 }, (_, i) =>
  `a photo of ${['a red circle', 'two blue squares', 'a green triangle', 'a small yellow circle', 'three purple squares'][i % 5]}`);

/** A DOM condition: element `id`'s attribute (or its text) matches `match`; null (absent) reads as "null". */
export interface Cond { readonly id: string; readonly attr?: string; readonly match: string }

/**
 * Click `startId` (if given), then `clickId` once every `ready` condition holds; resolve with ms from
 * the second click until every `reached` condition holds. Both clicks happen in the page: a job of a
 * few hundred ms can end in the driver's round trip between them. Conditions are data, not code:
 * the page's CSP forbids eval.
 */
async function clickAndTime(page: Page, clickId: string, ready: readonly Cond[], reached: readonly Cond[], timeoutMs: number, startId?: string): Promise<number> {
  return page.evaluate(async ({ clickId, ready, reached, timeoutMs, startId }) => {
    const value = (c: Cond) => {
      const el = document.querySelector(`[data-testid="${c.id}"]`);
      return String(el === null ? null : c.attr ? el.getAttribute(c.attr) : el.textContent);
    };
    const holds = (cs: readonly Cond[]) => cs.every((c) => new RegExp(c.match).test(value(c)));
    const waitFor = (cs: readonly Cond[], what: string) => new Promise<void>((resolve, reject) => {
      if (holds(cs)) return resolve();
      const obs = new MutationObserver(() => {
        if (holds(cs)) {
          obs.disconnect();
          clearTimeout(timer);
          resolve();
        }
      });
      const timer = setTimeout(() => {
        obs.disconnect();
        reject(new Error(`timed out waiting for ${what}: ${cs.map((c) => `${c.id}.${c.attr ?? 'text'} = ${value(c)}, want /${c.match}/`).join('; ')}`));
      }, timeoutMs);
      obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const running = waitFor(ready, 'the job to be running'); // observing before the start click
    if (startId) (document.querySelector(`[data-testid="${startId}"]`) as HTMLButtonElement).click();
    await running;
    const t0 = performance.now();
    (document.querySelector(`[data-testid="${clickId}"]`) as HTMLButtonElement).click();
    await waitFor(reached, 'the job to stop');
    return performance.now() - t0;
  }, { clickId, ready, reached, timeoutMs, startId });
}

/** Start a long job, cancel it mid-way; ms from the click to the cancelled state. */
export async function measureCancel(
  app: BrowserApp, job: 'generate' | 'batch', opts: { timeoutMs?: number; thenFinish?: boolean } = {},
): Promise<number> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const { page } = app;
  if (job === 'generate') {
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('prompt-input').fill('a photo of two blue squares');
    await page.getByLabel('G (group size)').fill('16');
    // Top-k keeps the token-by-token path: without it WASM samples the whole group in one call of
    // a few tens of ms (samplingGraph.ts), which has no mid-way to cancel in.
    await page.getByLabel('Top-k').fill('30');
    return clickAndTime(page, 'generate-cancel',
      [{ id: 'generate', match: 'Generating… ([1-8]\\d|9)%' }],
      [{ id: 'inspect-notice', match: '^Cancelled' }, { id: 'generate', attr: 'disabled', match: '^null$' }], timeoutMs, 'generate');
  }
  await page.getByTestId('tab-batch').click();
  await page.getByTestId('batch-upload').setInputFiles({ name: 'forty.txt', mimeType: 'text/plain', buffer: Buffer.from(BATCH_PROMPTS.join('\n')) });
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid="batch-run"]')?.disabled, null, { timeout: 30_000 });
  await page.getByTestId('batch-run').click();
  const ms = await clickAndTime(page, 'batch-cancel',
    [{ id: 'batch-status', attr: 'data-done', match: '^([4-9]|\\d\\d+)$' }],
    [{ id: 'batch-status', attr: 'data-status', match: '^cancelled$' }], timeoutMs);
  const doneAtCancel = Number(await page.getByTestId('batch-status').getAttribute('data-done'));
  if (!(doneAtCancel < BATCH_PROMPTS.length)) throw new Error(`the batch finished (${doneAtCancel}) before the cancel: make it longer`);
  // Nothing runs after a cancel, and Run continues from where it stopped.
  await page.waitForTimeout(1000);
  const still = Number(await page.getByTestId('batch-status').getAttribute('data-done'));
  if (still !== doneAtCancel) throw new Error(`rows kept coming after the cancel: ${doneAtCancel} -> ${still}`);
  if (opts.thenFinish === false) return ms;
  await page.getByTestId('batch-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-status') === 'done', null, { timeout: timeoutMs });
  const rows = await batchRowKeys(page); // every row: the table is virtualised
  if (rows.length !== BATCH_PROMPTS.length * 2 || new Set(rows).size !== rows.length) {
    throw new Error(`after resume: ${rows.length} rows, ${new Set(rows).size} distinct; expected ${BATCH_PROMPTS.length * 2}`);
  }
  return ms;
}

const STEPS = 3;

/**
 * A 3-step run (2 prompts x G = 2, no validation); with pauseAtStep, pause as soon as that step is
 * logged (the next step is then in flight, and is dropped), then resume. Returns the trained
 * adapter's safetensors bytes; with stopAfterResume, stops once the next step is logged instead.
 */
export async function trainAndExport(app: BrowserApp, opts: { pauseAtStep: number | null; timeoutMs?: number; stopAfterResume?: boolean }) {
  const { page } = app;
  const timeout = opts.timeoutMs ?? 240_000;
  await page.getByTestId('tab-train').click();
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid="train-start"]')?.disabled, null, { timeout });
  for (const [k, v] of [['steps', STEPS], ['promptsPerStep', 2], ['groupSize', 2], ['evalEvery', 0]] as const) {
    await page.getByTestId(`train-${k}`).fill(String(v));
  }
  await page.getByTestId('train-start').click();
  let pauseMs: number | null = null;
  let stepAtPause: number | null = null;
  if (opts.pauseAtStep !== null) {
    pauseMs = await clickAndTime(page, 'train-pause',
      [{ id: 'train-step', match: `^${opts.pauseAtStep}$` }],
      [{ id: 'train-status', attr: 'data-status', match: '^paused$' }], timeout);
    stepAtPause = Number(await page.getByTestId('train-step').innerText());
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid="train-resume"]')?.disabled, null, { timeout });
    await page.getByTestId('train-resume').click();
    if (opts.stopAfterResume) {
      // The run continues where it paused: the next step logged is the one that was dropped.
      await page.waitForFunction((n) => document.querySelector('[data-testid="train-step"]')?.textContent === String(n), opts.pauseAtStep + 1, { timeout });
      await page.getByTestId('train-stop').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-status') === 'stopped', null, { timeout });
      return { pauseMs, stepAtPause, adapter: null };
    }
  }
  await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-status') === 'finished', null, { timeout });
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid="adapter-download"]')?.disabled, null, { timeout });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('adapter-download').click()]);
  const files = unzipSync(readFileSync(await download.path()));
  return { pauseMs, stepAtPause, adapter: Buffer.from(files['adapter_model.safetensors']) };
}
