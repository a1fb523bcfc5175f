// Where a browser group of 8 goes (docs/benchmarks.md, issue 15 third pass): in-page time from the
// click to the 8th card, a CPU profile of the page's main thread over 6 groups (self time by
// function), a Chromium trace of the main thread (time by event), and the engine's own timings.
// Run: node --import tsx scripts/perf/groupPage.ts   (DETAIL=1: the events inside each worker reply)
import { mkdirSync, writeFileSync } from 'node:fs';
import { launchBrowserApp } from '../../src/cli/browser.ts';

interface TraceEvent { name: string; ph: string; tid: number; ts: number; dur: number; // 0 for events without a duration
  args?: { name?: string; data?: Record<string, unknown> } }
interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
type Timed = Window & { __t: { click: number; done: number } };
const app = await launchBrowserApp({ server: 'preview', path: '/?view=inspect&backend=wasm&g=1&prompt=a+photo+of+a+red+circle', waitForEngine: false });
const { page } = app;
try {
  await page.waitForSelector('[data-testid="generate"]:not([disabled])', { timeout: 120_000 });
  await page.getByTestId('generate').click();
  await page.waitForSelector('[data-testid="image-card"] canvas', { timeout: 120_000 });
  await page.getByLabel('G (group size)').fill('8');
  const cdp = await page.context().newCDPSession(page);
  const once = async (seed: number) => {
    await page.getByLabel('Base seed').fill(String(seed));
    await page.evaluate(() => {
      const w = window as unknown as Timed; w.__t = { click: 0, done: 0 };
      const btn = document.querySelector('[data-testid="generate"]')!;
      btn.addEventListener('click', () => { w.__t.click = performance.now(); }, { once: true, capture: true });
    });
    const t = Date.now();
    await page.getByTestId('generate').click();
    await page.waitForFunction((s) => document.querySelectorAll('[data-testid="image-card"]').length === 8
      && !document.querySelector('[data-testid="generate"]')?.hasAttribute('disabled')
      && document.querySelector('[data-testid="image-card"] canvas')?.getAttribute('aria-label')?.includes(`seed ${s}`), seed, { timeout: 120_000, polling: 1 });
    const inPage = await page.evaluate(() => performance.now() - (window as unknown as Timed).__t.click);
    return { wall: Date.now() - t, inPage: Math.round(inPage) };
  };
  for (const s of [11, 12]) console.log('warm', await once(s));
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const traceDone = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const runs = [];
  for (const s of [101, 202, 303, 404, 505, 606]) runs.push(await once(s));
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
  await cdp.send('Tracing.end'); await traceDone;
  const mainTid = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const byName = new Map<string, number>();
  for (const e of events) if (e.ph === 'X' && e.tid === mainTid && e.dur) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
  console.log('main thread trace events (ms, inclusive):');
  for (const [k, v] of [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(v.toFixed(1).padStart(8), k);
  // The main thread's long tasks (> 2 ms) with the child events that fill them.
  const main = events.filter((e) => e.tid === mainTid && e.ph === 'X').sort((x, y) => x.ts - y.ts);
  const tasks = main.filter((e) => e.name === 'RunTask' && e.dur > 2000);
  for (const t of tasks.slice(-40)) {
    const kids = new Map<string, number>();
    for (const e of main) if (e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.name !== 'RunTask') kids.set(e.name + (e.args?.data?.functionName ? `(${e.args.data.functionName})` : '') + (e.args?.data?.url ? `[${String(e.args.data.url).split('/').pop()}:${e.args.data.lineNumber}]` : ''), (kids.get(e.name) ?? 0) + e.dur / 1000);
    const top = [...kids.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
    console.log(`${((t.ts - tasks[0].ts) / 1000).toFixed(0).padStart(6)} ms  ${(t.dur / 1000).toFixed(1).padStart(6)} ms  ${top}`);
    if (process.env.DETAIL && [...kids.keys()].some((k) => k.startsWith('HandlePostMessage'))) {
      for (const e of main) if (e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur > 200) console.log('        ', ((e.ts - t.ts) / 1000).toFixed(1), (e.dur / 1000).toFixed(2), e.name, JSON.stringify(e.args?.data ?? {}).slice(0, 120));
    }
  }
  console.log(runs);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const dt = profile.timeDeltas as number[];
  profile.samples.forEach((id: number, i: number) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
  for (const [k, v] of top) console.log(v.toFixed(1).padStart(8), k);
  mkdirSync('test-output', { recursive: true });
  writeFileSync('test-output/groupPage.cpuprofile', JSON.stringify(profile)); // opens in Chrome DevTools
  await page.getByTestId('tab-model').click();
  await page.waitForSelector('[data-testid="timings"] tbody tr', { timeout: 60_000 });
  const ops = await page.$$eval('[data-testid="timings"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '').join(' | ')));
  console.log(ops.slice(0, 24).join('\n'));
} finally {
  await app.close();
}
