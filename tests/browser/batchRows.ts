// The Batch table's rows as a user sees them by scrolling: the table is virtualised (only the rows
// in view, plus a margin, are in the DOM), so a test that needs every row scrolls the table from top
// to bottom and collects each row once, in the table's order (sorted by line, as the tests leave it).
import type { Page } from 'playwright-core';

export interface ShownRow {
  readonly line: string;
  readonly seed: string;
  readonly prompt: string;
}

export async function batchRows(page: Page): Promise<ShownRow[]> {
  const scroller = page.getByTestId('batch-scroll');
  if ((await scroller.count()) === 0) return []; // no results yet: no table
  const total = Number(await page.getByTestId('batch-table').getAttribute('data-rows'));
  const seen = new Map<number, ShownRow>();
  // Each step: read the drawn rows, scroll one view further, wait two frames for the new rows.
  const step = (down: boolean) => scroller.evaluate((el, d) => new Promise<boolean>((resolve) => {
    const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
    el.scrollTop = d ? el.scrollTop + el.clientHeight : 0;
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(atEnd)));
  }), down);
  await step(false);
  for (let guard = 0; guard < 10_000; guard++) {
    const drawn = await page.getByTestId('batch-row').evaluateAll((els) => els.map((e) => ({
      index: Number(e.getAttribute('data-index')), line: e.getAttribute('data-line') ?? '', seed: e.getAttribute('data-seed') ?? '', prompt: e.getAttribute('data-prompt') ?? '',
    })));
    for (const { index, ...row } of drawn) seen.set(index, row);
    if (await step(true)) break;
  }
  await step(false);
  // A running batch may add rows meanwhile (at the end, in line order): every row there at the start was seen.
  if (seen.size < total) throw new Error(`the batch table says ${total} rows; scrolling through it showed ${seen.size}`);
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}

/** "line:seed" of every row, in the table's order: what the batch tests compare across reloads and crashes. */
export const batchRowKeys = async (page: Page): Promise<string[]> => (await batchRows(page)).map((r) => `${r.line}:${r.seed}`);
