// `npx tsx src/cli/browserTimings.ts`: playground timings in headless Chromium on WASM (threads as
// the page gets them: 2 on this 2-core machine), through the real UI, on the production build
// (`npm start` serves it; a dev server adds its on-demand module transforms to a cold load). Not a
// timed assertion: it writes docs/results/browser.json with first_image_ms (page load -> first
// image, model load included) and that first image by phase (from the engine's own timings),
// generate_group_ms (G = 8, sampling + scoring + judging; median of 5; wall time from the driver's
// click to the grid) with generate_group_in_page_ms (from the click event to the grid's last DOM
// change, in the page), train_step_ms (one GvU step, the tab defaults P = 4, G = 4, 2 inner
// updates; median of 3), backend, browser_version.
// `npm run bench` (bench.ts) calls measureBrowser too.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { launchBrowserApp } from './browser.ts';

export const BROWSER_OUT = 'docs/results/browser.json';
const round = (x: number) => Math.round(x);

export async function measureBrowser() {
  const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const app = await launchBrowserApp({ server: 'preview', path: '/?view=inspect&backend=wasm&g=1&prompt=a+photo+of+a+red+circle', waitForEngine: false });
  try {
    const { page } = app;
    // 1. first image: from navigation start (the page's performance clock) to the first image card.
    await page.waitForSelector('[data-testid="generate"]:not([disabled])', { timeout: 120_000 });
    const readyMs = await page.evaluate(() => performance.now());
    await page.getByTestId('generate').click();
    await page.waitForSelector('[data-testid="image-card"] canvas', { timeout: 120_000 });
    const firstImageMs = await page.evaluate(() => performance.now());
    // The engine's own timings of what the first image waited for, as Model & device lists them
    // (a production build has no test hooks into the worker; this is what a user sees too).
    await page.getByTestId('tab-model').click();
    await page.waitForSelector('[data-testid="timings"] tbody tr', { timeout: 60_000 });
    const engineOps = async () => (await page.$$eval('[data-testid="timings"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''))))
      .reverse().map(([op, , ms]) => ({ op, ms: Number(ms) }));
    const ops = await engineOps();
    const first = (prefix: string) => ops.find((t) => t.op.startsWith(prefix))?.ms ?? null;
    const creates = ops.filter((t) => t.op.startsWith('create session'));
    const phases = {
      generate_enabled_ms: round(readyMs), // page, scripts, worker start and model load
      model_fetch_and_parse_ms: first('load model'),
      ort_import_ms: first('import ORT'),
      first_session_create_ms: creates[0]?.ms ?? null, // includes compiling ORT's WASM
      session_creates_ms: Object.fromEntries(creates.map((t) => [t.op.replace('create session ', ''), t.ms])),
      generate_call_ms: first('generate G=1'), // sampling, with any session it had to create
      click_to_image_ms: round(firstImageMs - readyMs),
    };
    await page.getByTestId('tab-inspect').click();

    // 2. a group of G = 8 (median of 5 seeds), wall time from click to the grid. The first also
    // waits for the one-call sampling session, built behind the first image (about 0.25 s).
    await page.getByLabel('G (group size)').fill('8');
    const groups: number[] = [];
    const inPage: number[] = [];
    for (const seed of [101, 202, 303, 404, 505]) {
      await page.getByLabel('Base seed').fill(String(seed));
      // In the page: from the click event to the DOM change that completes the grid (a user's
      // latency, without the driver's click checks and polling that the wall time includes).
      await page.evaluate((s) => {
        // No named inner functions: tsx would wrap them in a helper the page does not have.
        const w = window as unknown as { __group?: { click: number; done: number } };
        w.__group = { click: 0, done: 0 };
        document.querySelector('[data-testid="generate"]')!.addEventListener('click', () => { w.__group!.click = performance.now(); }, { once: true, capture: true });
        const watch = new MutationObserver(() => {
          if (w.__group!.click && document.querySelectorAll('[data-testid="image-card"]').length === 8
            && !document.querySelector('[data-testid="generate"]')?.hasAttribute('disabled')
            && document.querySelector('[data-testid="image-card"] canvas')?.getAttribute('aria-label')?.includes(`seed ${s}`)) {
            w.__group!.done = performance.now();
            watch.disconnect();
          }
        });
        watch.observe(document.body, { subtree: true, childList: true, attributes: true });
      }, seed);
      const t = Date.now();
      await page.getByTestId('generate').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-card"]').length === 8
        && !document.querySelector('[data-testid="generate"]')?.hasAttribute('disabled'), null, { timeout: 120_000 });
      await page.waitForFunction((s) => document.querySelector('[data-testid="image-card"] canvas')?.getAttribute('aria-label')?.includes(`seed ${s}`), seed, { timeout: 120_000 });
      groups.push(Date.now() - t);
      inPage.push(round(await page.evaluate(() => {
        const g = (window as unknown as { __group: { click: number; done: number } }).__group;
        return g.done - g.click;
      })));
    }

    // The engine's share of those groups (sampling, scoring), the rest being the page's own work.
    await page.getByTestId('tab-model').click();
    await page.waitForSelector('[data-testid="timings"] tbody tr', { timeout: 60_000 });
    const groupOps = (await engineOps()).filter((t) => t.op === 'generate G=8' || t.op === 'score 8 images' || t.op.startsWith('create session group'));
    await page.getByTestId('tab-inspect').click();

    // 3. training steps with the tab defaults (3 steps, no validation), per-step seconds from the trainer's log.
    await page.getByTestId('tab-train').click();
    await page.getByTestId('train-steps').fill('3');
    await page.getByTestId('train-evalEvery').fill('0');
    const steps: number[] = [];
    await page.getByTestId('train-start').click();
    for (let k = 1; k <= 3; k++) {
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="train-step"]')?.textContent) >= n, k, { timeout: 300_000 });
      steps.push(Number(await page.getByTestId('train-status').getAttribute('data-last-step-ms')));
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="train-status"]')?.getAttribute('data-status') === 'finished', null, { timeout: 120_000 });
    // web.ts wasmThreadCount: min(4, cores) when cross-origin isolated, else 1
    const threads = await page.evaluate(() => (globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency)) : 1));

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    return {
      first_image_ms: round(firstImageMs),
      generate_group_ms: median(groups),
      generate_group_in_page_ms: median(inPage), // click event -> grid complete, measured in the page
      train_step_ms: median(steps),
      backend: 'wasm',
      wasm_threads: threads,
      browser_version: app.browserVersion,
      first_image_phases: phases,
      details: {
        first_image_engine_timings: ops,
        generate_group_runs_ms: groups,
        generate_group_in_page_runs_ms: inPage,
        generate_group_engine_ops: groupOps,
        train_step_runs_ms: steps,
        train_step_config: { promptsPerStep: 4, groupSize: 4, innerUpdates: 2 },
        first_image_group_size: 1,
        server: 'production build (vite preview), a fresh browser profile',
        measured_at: new Date().toISOString(),
        uptime_start: uptime,
        uptime_end: execFileSync('uptime', { encoding: 'utf8' }).trim(),
        note: 'headless Chromium through the real UI (click to grid, so DOM work is included); 2-core machine shared with other jobs, no GPU',
      },
    };
  } finally {
    await app.close();
  }
}

if (process.argv[1]?.endsWith('browserTimings.ts')) {
  const result = await measureBrowser();
  mkdirSync('docs/results', { recursive: true });
  writeFileSync(BROWSER_OUT, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}
