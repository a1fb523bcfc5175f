// `npm run bench:real-umm` -> docs/results/real-umm.json: the Janus (real UMM) path measured on the
// tiny fixture per backend: Node CPU (onnxruntime-node), and the playground itself in headless
// Chromium on WASM and on WebGPU (SwiftShader here: a CPU emulation, so its times say nothing about
// a GPU). Per backend: ms per image token (sampling one group, all steps included; in Node also
// the decode step alone), ms to score one image, bytes of model files fetched on the first open and
// again after a reload (the browser's Cache Storage), and in Node the differences to the
// transformers.js oracle. The fixture is tiny (hidden 32, 2 layers), so the times measure the glue
// (feeds, sessions, sampling, worker round trips), not a 1B model.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oracleGreedyImageTokens, oracleUnderstandingLogits } from './janusOracle.ts';
import type { RgbImage } from '../core/families/family.ts';
import { generateCodes } from '../core/families/janus/generate.ts';
import type { JanusModel } from '../core/families/janus/load.ts';
import { understandingIds } from '../core/families/janus/prompts.ts';
import { answerLogits, scoreImage } from '../core/families/janus/score.ts';
import { NO_FILTER } from '../core/gvu/sampleToken.ts';
import { type BrowserApp, launchBrowserApp } from './browser.ts';
import { openJanus } from './janusFolder.ts';
import { writeJanusFixture } from './janusFixture/writeFixture.ts';

const DIR = 'test-output/fixtures/janus-tiny'; // served by the dev server at /fixtures/janus-tiny/
const URL_PATH = '/fixtures/janus-tiny/';
const OUT = 'docs/results/real-umm.json';
const PROMPT = 'a photo of a red cube on the left of a blue sphere';
const REPEATS = 5; // timed runs per figure; the median is reported
const GROUP = 2;
const CFG = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bands(size: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set([(x * 8) % 256, (y * 8) % 256, ((x + y) * 4) % 256], (y * size + x) * 3);
  return { width: size, height: size, data };
}

async function timeMs(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

async function nodeFigures(model: JanusModel, dtype: string) {
  const n = model.cfg.genImageTokens;
  const opts = { ...NO_FILTER, cfgScale: CFG, seeds: Array.from({ length: GROUP }, (_, i) => i + 1) };
  await generateCodes(model, PROMPT, opts); // warm-up
  const full: number[] = [];
  const first: number[] = [];
  const score: number[] = [];
  const image = bands(model.cfg.imageSize);
  for (let r = 0; r < REPEATS; r++) {
    full.push(await timeMs(() => generateCodes(model, PROMPT, opts)));
    first.push(await timeMs(() => generateCodes(model, PROMPT, { ...opts, codes: 1 })));
    score.push(await timeMs(() => scoreImage(model, PROMPT, image)));
  }
  return {
    backend: 'node-cpu', dtype,
    msPerImageTokenDecode: (median(full) - median(first)) / (n - 1), // one decode step of the group (G rows and their CFG rows)
    msPerImageTokenSampling: median(full) / n, // prefill included, image_decode not
    msScoreOneImage: median(score),
    bytesFirstOpen: null, bytesReload: null, // read from disk, not fetched
  };
}

async function oracleDiffs(model: JanusModel) {
  const image = bands(model.cfg.imageSize);
  const oracle = await oracleUnderstandingLogits(DIR, image, PROMPT);
  const u = understandingIds(model.tokenizer, model.cfg, PROMPT);
  const mine = await answerLogits(model, u, image);
  const v = mine.dims[1];
  const theirs = oracle.logits.subarray((u.answerStart - 1) * v, (u.answerStart - 1) * v + mine.data.length);
  let logitDiff = 0;
  for (let i = 0; i < mine.data.length; i++) logitDiff = Math.max(logitDiff, Math.abs(mine.data[i] - theirs[i]));
  const n = model.cfg.genImageTokens;
  const greedy = await oracleGreedyImageTokens(DIR, PROMPT, n);
  const [{ codes }] = await generateCodes(model, PROMPT, { ...NO_FILTER, temperature: 0, cfgScale: 1, seeds: [0] });
  return { understandingLogitsMaxAbsDiff: logitDiff, greedyImageTokensEqual: Array.from(codes).filter((c, i) => c === greedy.tokens[i]).length, greedyImageTokens: n };
}

// ---- the browser: the playground's own UI and worker, driven as a user would -------------------

/** Poll a page expression (a string: the dev server's CSP forbids eval, and tsx breaks function predicates). */
async function until(app: BrowserApp, expr: string, what: string, timeoutMs = 180_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await app.page.evaluate(expr).catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} after ${timeoutMs / 1000} s; page log:\n${app.logs.slice(-10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const testId = (id: string) => `[data-testid="${id}"]`;
const phaseIs = (p: string) => `document.querySelector('${testId('open-model')}')?.getAttribute('data-phase') === '${p}'`;

async function openFixture(app: BrowserApp): Promise<void> {
  const { page } = app;
  await page.click(testId('tab-model'));
  await page.selectOption(testId('model-dtype'), 'fp32');
  await page.fill(testId('model-input'), URL_PATH);
  await page.click(testId('model-list'));
  await until(app, `${phaseIs('listed')} || ${phaseIs('ready')}`, 'the file list');
  if (await page.evaluate(phaseIs('listed'))) {
    await page.click(testId('model-fetch'));
    await page.click(testId('model-fetch-confirm'));
    await until(app, phaseIs('ready'), 'the download');
  }
  await page.click(testId('model-open-engine'));
  await until(app, `Boolean(document.querySelector('${testId('engine-model-active')}'))`, 'the model in the engine');
}

async function browserFigures(backend: 'wasm' | 'webgpu') {
  const app = await launchBrowserApp({ path: `/?view=model&backend=${backend}` });
  // Every model-file request passes through here (page and workers alike), so the bytes the server
  // sent are counted exactly; a file the page takes from Cache Storage never reaches it.
  let fetched = 0;
  await app.context.route((u) => u.pathname.startsWith(URL_PATH), async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    if (route.request().method() === 'GET') fetched += body.length;
    await route.fulfill({ response, body });
  });
  try {
    await until(app, `Boolean(document.querySelector('[data-testid="engine-chip"][data-ready="true"]'))`, 'the tiny model', 300_000);
    await openFixture(app);
    await new Promise((r) => setTimeout(r, 500)); // let the last requests finish
    const bytesFirstOpen = fetched;
    // The engine's own timings of a group (G images and their scores), from the page's worker.
    const runs: { sampleMs: number; scoreMs: number }[] = [];
    for (let r = 0; r <= REPEATS; r++) {
      const t = await app.page.evaluate(`window.__gvu.engine.generate({ prompt: ${JSON.stringify(PROMPT)}, groupSize: ${GROUP}, seed: 1, temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: ${CFG}, reward: { variant: 'geomean', includeEos: false, teacher: 'frozen' } }).then((g) => g.timings)`) as { sampleMs: number; scoreMs: number };
      if (r > 0) runs.push(t); // the first is a warm-up
    }
    const tokens = await app.page.evaluate(`window.__gvu.engine.modelInfo().then((m) => m.family.capabilities.imageTokens.rows * m.family.capabilities.imageTokens.cols)`) as number;
    fetched = 0;
    await app.page.reload();
    await until(app, `Boolean(document.querySelector('[data-testid="engine-chip"][data-ready="true"]'))`, 'the tiny model after the reload', 300_000);
    await openFixture(app);
    await new Promise((r) => setTimeout(r, 500));
    return {
      backend: backend === 'wasm' ? 'browser-wasm' : 'browser-webgpu-swiftshader', dtype: 'fp32',
      msPerImageTokenDecode: null, // the worker times a whole group, not single steps
      msPerImageTokenSampling: median(runs.map((x) => x.sampleMs)) / tokens, // prefill and image_decode included
      msScoreOneImage: median(runs.map((x) => x.scoreMs)) / GROUP,
      bytesFirstOpen, bytesReload: fetched,
      browserVersion: app.browserVersion,
    };
  } finally {
    await app.close();
  }
}

/** Every file under dir, relative to it. */
async function listFiles(dir: string): Promise<string[]> {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

async function main(): Promise<void> {
  writeJanusFixture(DIR, undefined, { fp16: true });
  const rows = [];
  const fp32 = await openJanus(DIR, { dtype: 'fp32' });
  const oracle = await oracleDiffs(fp32);
  rows.push(await nodeFigures(fp32, 'fp32'));
  await fp32.release();
  const fp16 = await openJanus(DIR, { dtype: 'fp16' });
  rows.push(await nodeFigures(fp16, 'fp16'));
  await fp16.release();
  for (const b of ['wasm', 'webgpu'] as const) {
    console.log(`browser ${b}...`);
    // A backend that fails is reported as such in its row; the others still count.
    rows.push(await browserFigures(b).catch((e: Error) => ({ backend: `browser-${b}`, error: e.message.split('\n').slice(0, 12).join('\n') })));
  }
  const fp32Files = (await listFiles(DIR)).filter((f) => !f.includes('_fp16'));
  const report = {
    what: 'The Janus family on the tiny random-weight fixture (npm run make:fixture; hidden 32, 2 layers, 4 x 4 image tokens, 32 x 32 images): the glue, not a 1B model.',
    command: 'npm run bench:real-umm',
    measuredAt: new Date().toISOString(),
    machine: 'the shared 2-core development machine, under load from other jobs: compare rows with each other, not with other machines',
    settings: { prompt: PROMPT, groupSize: GROUP, cfgScale: CFG, repeats: REPEATS, statistic: 'median' },
    fields: {
      msPerImageTokenDecode: 'Node only: (group with all codes - group with 1 code) / (codes - 1): one decode step for G rows plus their CFG rows',
      msPerImageTokenSampling: 'time to sample one group / image tokens per image (prefill included; in the browser also image_decode and the worker round trip)',
      msScoreOneImage: 'intrinsic reward of one image (prepare_inputs_embeds, language_model, lm_head on the answer positions)',
      bytesFirstOpen: 'model-file bytes the server sent on the first open (browser): every file of the folder at fp32 (fixtureBytesFp32) plus config.json once more, read when the files are listed',
      bytesReload: 'model-file bytes fetched again after a page reload (the files come from Cache Storage)',
    },
    fixtureBytesFp32: fp32Files.reduce((a, f) => a + statSync(join(DIR, f)).size, 0),
    oracle: { against: '@huggingface/transformers on onnxruntime-node, same folder', ...oracle },
    rows,
  };
  mkdirSync(join(OUT, '..'), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
}

await main();
process.exit(0);
