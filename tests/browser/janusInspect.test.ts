// A real UMM in the playground (issue 14): the tiny Janus fixture opened by URL through the files
// layer (list, fetch into Cache Storage, read back), handed to the engine worker and opened on WASM
// web sessions; Inspect then generates G = 2 with it (same seeds, same images), scores them with
// the family's per-word p, draws a word's occlusion heatmap at two block sizes, and scores an
// uploaded image at its own size. Rewards, heat and images are checked against the same family run
// in Node (onnxruntime-node); rewards and per-word p within 1e-4 relative (log space), as a
// random-weight model's are ~1e-3. Train says it needs the tiny model; a Batch of 5 GenEval prompts
// with COCO classes runs on Janus and equals Node's; going back to the tiny model generates
// ShapesWorld groups again; a broken fixture is refused with the file and graph named, and the
// tiny model stays active.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openJanus } from '../../src/cli/janusFolder.ts';
import { writeJanusFixture } from '../../src/cli/janusFixture/writeFixture.ts';
import type { ModelFamily, RgbImage } from '../../src/core/families/family.ts';
import { janusFamily } from '../../src/core/families/janus/family.ts';
import { type BrowserApp, recentLogs, screenshot, startApp } from './harness.ts';
import { waitForModel } from './playground.ts';

const FIXTURES = 'test-output/fixtures';
const DIR = join(FIXTURES, 'janus-tiny');
const BROKEN = join(FIXTURES, 'janus-inspect-broken');
const INT_LOGITS = join(FIXTURES, 'janus-inspect-int-logits');
const URL_PATH = '/fixtures/janus-tiny/';
const BROKEN_PATH = '/fixtures/janus-inspect-broken/';
const INT_LOGITS_PATH = '/fixtures/janus-inspect-int-logits/';
const PROMPT = 'a photo of a red cube on the left of a blue sphere';
// Inspect's defaults (inspectRules.ts / the link table): t 1, top-k off, top-p off, min-p 0.03; base
// seed 1; with Janus open CFG 5 (upstream's), in Inspect and in a batch made while it is open (batchSlice.ts).
const SAMPLING = { temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 5 };

let app: BrowserApp;
let family: ModelFamily;

/** A copy of the fixture: it lists and fetches whole, and the engine must refuse it. */
function copyFixture(to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(join(to, 'onnx'), { recursive: true });
  for (const e of readdirSync(DIR, { recursive: true, withFileTypes: true }).filter((x) => x.isFile())) {
    const rel = join(e.parentPath, e.name).slice(DIR.length + 1);
    copyFileSync(join(DIR, rel), join(to, rel));
  }
}

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  writeJanusFixture(DIR, undefined, { fp16: true }); // fp32 graphs and their onnx/*_fp16.onnx variant
  // lm_head cut short: ORT cannot parse it.
  copyFixture(BROKEN);
  const lmHead = readFileSync(join(DIR, 'onnx/lm_head.onnx'));
  writeFileSync(join(BROKEN, 'onnx/lm_head.onnx'), lmHead.subarray(0, Math.floor(lmHead.length / 2)));
  // gen_head's logits cast to int32: a valid graph, refused only from the web session's output metadata.
  copyFixture(INT_LOGITS);
  const { onnx } = onnxProto;
  const file = join(INT_LOGITS, 'onnx/gen_head.onnx');
  const m = onnx.ModelProto.decode(readFileSync(file));
  for (const node of m.graph!.node!) node.output = node.output!.map((x) => (x === 'logits' ? 'logits_f32' : x));
  m.graph!.node!.push(onnx.NodeProto.create({ opType: 'Cast', input: ['logits_f32'], output: ['logits'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.INT32 }] }));
  m.graph!.output![0].type!.tensorType!.elemType = onnx.TensorProto.DataType.INT32;
  writeFileSync(file, onnx.ModelProto.encode(m).finish());
  family = janusFamily(await openJanus(DIR));
  app = await startApp({ path: '/?view=model&backend=wasm' });
  await waitForModel(app.page);
});

afterAll(async () => {
  await app?.close();
  await family?.release();
  rmSync(BROKEN, { recursive: true, force: true });
  rmSync(INT_LOGITS, { recursive: true, force: true });
});

const phase = (want: string, timeout = 60_000) => app.page.waitForFunction(
  (w) => document.querySelector('[data-testid="open-model"]')?.getAttribute('data-phase') === w, want, { timeout },
);

/** Every image card's pixels, read back from its 1:1 canvas, as RGB. */
function cardImages(): Promise<RgbImage[]> {
  return app.page.$$eval('[data-testid="image-card"] canvas', (els) => els.map((el) => {
    const c = el as HTMLCanvasElement;
    const rgba = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const data: number[] = [];
    for (let i = 0; i < rgba.length; i += 4) data.push(rgba[i], rgba[i + 1], rgba[i + 2]);
    return { width: c.width, height: c.height, data };
  })).then((xs) => xs.map((x) => ({ width: x.width, height: x.height, data: Uint8Array.from(x.data) })));
}

/** The rewards behind the cards, at full precision (the card shows 4 decimals). */
const rewardsShown = () => app.page.getByTestId('reward-value').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reward'))));
/** Rewards and p of a random-weight model are small (~1e-3): compare them relatively, in log space. */
const close = (a: number, b: number) => Math.abs(Math.log(a) - Math.log(b)) < 1e-4;

/** Fetch a fixture by URL through the Open-a-model panel, then open it in the engine. */
async function openByUrl(path: string, dtype = 'fp32'): Promise<void> {
  const { page } = app;
  await page.getByTestId('tab-model').click();
  // The dtype first: a new dtype re-resolves what is listed (a folder picked by an earlier test), not the typed URL.
  await page.getByTestId('model-dtype').selectOption(dtype);
  await page.getByTestId('model-input').fill(path);
  await page.getByTestId('model-list').click();
  await phase('listed');
  await page.getByTestId('model-fetch').click();
  await page.getByTestId('model-fetch-confirm').click();
  await phase('ready');
  await page.getByTestId('model-open-engine').click();
}

async function generateOnce(g: number): Promise<void> {
  const { page } = app;
  const before = await page.evaluate(() => document.querySelector('.grid-head')?.textContent ?? '');
  await page.getByLabel('G (group size)').fill(String(g));
  await page.getByTestId('generate').click();
  // A new group replaces the old one: wait for its timing line to change and the button to come back.
  await page.waitForFunction(([n, old]) => document.querySelectorAll('[data-testid="image-card"]').length === n
    && (document.querySelector('.grid-head')?.textContent ?? '') !== old
    && !document.querySelector('[data-testid="generate"]')?.hasAttribute('disabled'), [g, before] as const, { timeout: 120_000 });
}

describe('the Janus fixture in the engine (WASM)', () => {
  test('opens by URL through the files layer; the chip and the Model view name it', async () => {
    await openByUrl(URL_PATH);
    const { page } = app;
    await page.getByTestId('engine-model-active').waitFor({ timeout: 60_000 }).catch(async (e) => {
      throw new Error(`${e}\n${await page.getByTestId('open-model').innerText()}${recentLogs(app)}`);
    });
    expect(await page.getByTestId('engine-model-active').innerText()).toMatch(/Janus \(multi_modality ONNX, fp32\) from \/fixtures\/janus-tiny\/ on wasm/);
    expect(await page.getByTestId('engine-chip').innerText()).toContain(`Janus · ${URL_PATH} · wasm`);
    expect(await page.getByTestId('model-family').innerText()).toContain('language_model fp32');
    await screenshot(app, 'janus-open-in-engine');
  });

  let first: RgbImage[] = [];
  test('Janus defaults: CFG 5 (said in a notice), example prompts instead of ShapesWorld words, top-k up to the codebook (64 here)', async () => {
    const { page } = app;
    await page.getByTestId('tab-inspect').click();
    expect(await page.getByLabel('CFG scale').inputValue()).toBe('5');
    await expect(page.getByTestId('inspect-notice').innerText()).resolves.toMatch(/^CFG scale set to 5, \/fixtures\/janus-tiny\/'s default/);
    const examples = await page.getByTestId('prompt-examples').locator('button').allInnerTexts();
    expect(examples).toContain('a photo of a cup and a dog');
    await page.getByTestId('prompt-examples').locator('button', { hasText: 'a photo of a cup and a dog' }).click();
    expect(await page.getByTestId('prompt-input').inputValue()).toBe('a photo of a cup and a dog');
    await page.getByLabel('Top-k').fill('64');
    expect(await page.getByTestId('setting-problem').count(), 'top-k 64 is within the fixture\'s 64 codes').toBe(0);
    await page.getByLabel('Top-k').fill('65');
    await expect(page.getByTestId('setting-problem').innerText()).resolves.toBe('top-k must be a whole number from 0 to 64 (0 = off)');
    await page.getByLabel('Top-k').fill('0');
    await screenshot(app, 'janus-inspect-defaults', { fullPage: false });
  });

  test('G = 2 with seeds: the images are the family\'s (32 x 32), and the same seeds give the same images again', async () => {
    const { page } = app;
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('prompt-input').fill(PROMPT);
    expect(await page.getByTestId('prompt-problem').innerText(), 'any text is a prompt for a BPE tokenizer').toBe('');
    await generateOnce(2);
    first = await cardImages();
    expect(first.map((x) => [x.width, x.height])).toEqual([[32, 32], [32, 32]]);
    const want = await family.generate({ prompt: PROMPT, seeds: [1, 2], ...SAMPLING });
    first.forEach((x, i) => expect(Buffer.from(x.data).equals(Buffer.from(want[i].image.data)), `image ${i} equals Node's for seed ${i + 1}`).toBe(true));
    await generateOnce(2);
    const again = await cardImages();
    again.forEach((x, i) => expect(Buffer.from(x.data).equals(Buffer.from(first[i].data)), `image ${i} again`).toBe(true));
    await expect(page.getByTestId('verdict').first().getAttribute('title')).resolves.toContain('48 x 48');
  });

  test('rewards and per-word p equal the Node family\'s for the same images within 1e-4; a word\'s heatmap equals Node\'s at the default and a chosen block size', async () => {
    const { page } = app;
    const scores = await family.score({ prompt: PROMPT, images: first });
    const shown = await rewardsShown();
    expect(shown).toHaveLength(2);
    shown.forEach((r, i) => expect(close(r, scores[i].reward), `reward ${i}: page ${r}, node ${scores[i].reward}`).toBe(true));
    // The heat strip is the prompt's words (BPE pieces grouped), each with its p on hover.
    const cells = page.locator('[data-testid="image-card"]').first().locator('.heat-cell');
    const strip = await cells.evaluateAll((els) => els.map((e) => [e.getAttribute('title') ?? '', Number(e.getAttribute('data-p'))] as const));
    expect(strip.length).toBe(scores[0].words.length);
    scores[0].words.forEach((w, k) => {
      expect(strip[k][0]).toContain(w.word);
      expect(close(strip[k][1], w.p), `p(${w.word}): page ${strip[k][1]}, node ${w.p}`).toBe(true);
    });
    // Occlusion heatmap of word 5 ("cube") over the fixture's 4 x 4 token grid: block 1 by default
    // (16 passes), then block 2 (2 x 2 blocks); each cell's heat equals the Node family's within 1e-4.
    const heatShown = () => page.locator('[data-testid="image-card"]').first().getByTestId('heat-overlay').locator('span')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-heat'))));
    const heatEquals = async (block: number, cellsWanted: number) => {
      const want = await family.occlusionMaps({ prompt: PROMPT, image: first[0], block });
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="image-card"]:first-child [data-testid="heat-overlay"] span').length === n, cellsWanted, { timeout: 60_000 });
      const got = await heatShown();
      expect(want.words[5].word).toBe('cube');
      expect(got.length).toBe(want.words[5].heat.length);
      got.forEach((h, c) => expect(Math.abs(h - want.words[5].heat[c]), `block ${block}, cell ${c}: page ${h}, node ${want.words[5].heat[c]}`).toBeLessThan(1e-4));
      expect(Math.max(...got.map(Math.abs)), 'a map with something on it').toBeGreaterThan(1e-3);
    };
    await cells.nth(5).click();
    expect(await page.getByTestId('heat-block').inputValue()).toBe('1');
    await heatEquals(1, 16);
    await page.getByTestId('heat-block').selectOption('2');
    await heatEquals(2, 4);
    expect(await page.locator('.map-note').first().innerText()).toMatch(/^Heatmap of cube/);
    await screenshot(app, 'janus-heatmap');
    // Rescoring with another variant goes through the family too.
    await page.getByTestId('reward-variant').selectOption('min_p');
    const minP = await family.score({ prompt: PROMPT, images: first, variant: 'min_p' });
    await page.waitForFunction((want) => Math.abs(Math.log(Number(document.querySelector('[data-testid="reward-value"]')?.getAttribute('data-reward'))) - Math.log(want)) < 1e-4, minP[0].reward, { timeout: 30_000 });
    await page.getByTestId('reward-variant').selectOption('geomean');
    await screenshot(app, 'janus-inspect');
  });

  test('an uploaded image is scored at its own size (the family preprocesses): the reward equals Node\'s for the same pixels', async () => {
    const { page } = app;
    const [w, h] = [40, 24];
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([(x * 6) % 256, (y * 10) % 256, x < w / 2 ? 200 : 30], (y * w + x) * 3);
    const [want] = await family.score({ prompt: PROMPT, images: [{ width: w, height: h, data }] });
    await page.getByTestId('score-image-upload').setInputFiles({ name: 'stripes.png', mimeType: 'image/png', buffer: Buffer.from(encode({ width: w, height: h, data, channels: 3, depth: 8 })) });
    await page.waitForFunction(() => document.querySelector('[data-testid="image-origin"]')?.textContent === 'stripes.png', null, { timeout: 60_000 });
    const [shown] = await rewardsShown();
    expect(close(shown, want.reward), `page ${shown}, node ${want.reward}${recentLogs(app)}`).toBe(true);
    const [img] = await cardImages();
    expect([img.width, img.height]).toEqual([w, h]);
    expect(Buffer.from(img.data).equals(Buffer.from(data)), 'the upload reached the engine pixel for pixel').toBe(true);
  });

  test('Train says it needs the tiny model; Batch runs 5 GenEval prompts (COCO classes) on Janus, rows equal the Node family\'s, no verdicts', async () => {
    const { page } = app;
    await page.getByTestId('tab-train').click();
    await expect(page.getByTestId('tiny-model-only').innerText()).resolves.toMatch(/^Training works with the tiny model only; \/fixtures\/janus-tiny\/ is open/);
    expect(await page.getByTestId('train-start').isDisabled(), 'Start waits for the tiny model').toBe(true);
    await page.getByTestId('tab-batch').click();
    await expect(page.getByTestId('family-batch-note').innerText()).resolves.toMatch(/^Batch runs on \/fixtures\/janus-tiny\/ .*no ShapesWorld spec/);
    const entries = [
      { tag: 'two_object', include: [{ class: 'bench', count: 1 }, { class: 'dog', count: 1 }], prompt: 'a photo of a bench and a dog' },
      { tag: 'counting', include: [{ class: 'cup', count: 3 }], prompt: 'a photo of three cups' },
      { tag: 'single_object', include: [{ class: 'circle', count: 1 }], prompt: 'a photo of a circle' },
      { tag: 'colors', include: [{ class: 'umbrella', count: 1, color: 'pink' }], prompt: 'a photo of a pink umbrella' },
      { tag: 'position', include: [{ class: 'sheep', count: 1 }, { class: 'zebra', count: 1, position: ['left of', 0] }], prompt: 'a photo of a zebra left of a sheep' },
    ];
    const text = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
    await page.getByTestId('batch-upload').setInputFiles({ name: 'geneval-coco.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(text) });
    await expect(page.getByTestId('batch-summary').innerText()).resolves.toMatch(/5 valid prompt/);
    await expect(page.getByTestId('batch-cfg').innerText()).resolves.toMatch(/^CFG 5 \(/);
    await page.getByTestId('batch-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="batch-status"]')?.getAttribute('data-status') === 'done', null, { timeout: 120_000 })
      .catch(async (e) => { throw new Error(`${e}\n${await page.getByTestId('batch-status').innerText()}${recentLogs(app)}`); });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-jsonl').click()]);
    const rows = readFileSync(await download.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; prompt: string; tag: string; seed: number; cfgScale: number; reward: number; judgePass: boolean | null });
    expect(rows.map((r) => [r.line, r.prompt, r.tag, r.seed, r.cfgScale])).toEqual(entries.flatMap((e, i) => [0, 1].map((k) => [i + 1, e.prompt, e.tag, 1000 + 2 * i + k, 5])));
    expect(rows.every((r) => r.judgePass === null), 'no ShapesEval verdict on Janus images').toBe(true);
    // The same seeds through the Node family at CFG 5 give the same rewards (the batch's sampling is Inspect's defaults).
    for (const [i, e] of entries.entries()) {
      const images = await family.generate({ prompt: e.prompt, seeds: [1000 + 2 * i, 1001 + 2 * i], ...SAMPLING });
      const scores = await family.score({ prompt: e.prompt, images: images.map((x) => x.image) });
      scores.forEach((s, k) => expect(close(rows[2 * i + k].reward, s.reward), `${e.prompt}, image ${k}: page ${rows[2 * i + k].reward}, node ${s.reward}`).toBe(true));
    }
    const thumb = page.getByTestId('batch-thumb').first().locator('canvas');
    expect([await thumb.getAttribute('data-width'), await thumb.getAttribute('data-height')]).toEqual(['32', '32']);
    await screenshot(app, 'janus-batch');
  });

  test('back to the tiny model: the chip names it and Inspect generates 48 x 48 ShapesWorld groups', async () => {
    const { page } = app;
    await page.getByTestId('tab-model').click();
    await page.getByTestId('model-close-engine').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="engine-chip"]')?.textContent?.includes('Janus'), null, { timeout: 30_000 });
    await page.getByTestId('tab-inspect').click();
    expect(await page.getByLabel('CFG scale').inputValue(), 'the tiny model\'s default again').toBe('1');
    await page.getByTestId('prompt-input').fill('a photo of a red circle');
    await generateOnce(2);
    expect((await cardImages()).map((x) => [x.width, x.height])).toEqual([[48, 48], [48, 48]]);
    await expect(page.getByTestId('verdict').first().innerText()).resolves.toMatch(/^ShapesEval: /);
  });

  test('a picked folder opens in the engine too, and draws the same images for the same seeds', async () => {
    const { page } = app;
    await page.getByTestId('tab-model').click();
    await page.getByTestId('model-folder').setInputFiles(DIR);
    await phase('ready');
    await page.getByTestId('model-open-engine').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="engine-model"]')?.getAttribute('data-active') === 'folder janus-tiny', null, { timeout: 60_000 });
    expect(await page.getByTestId('engine-chip').innerText()).toContain('Janus · folder janus-tiny');
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('prompt-input').fill(PROMPT);
    await generateOnce(2);
    const again = await cardImages();
    again.forEach((x, i) => expect(Buffer.from(x.data).equals(Buffer.from(first[i].data)), `image ${i} as from the URL`).toBe(true));
    await page.getByTestId('tab-model').click();
    await page.getByTestId('model-close-engine').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="engine-chip"]')?.textContent?.includes('Janus'), null, { timeout: 30_000 });
  });

  test('the fp16 variant (float16 inputs, outputs, KV cache and weights) opens at dtype fp16 and draws the Node fp16 family\'s images', async () => {
    const { page } = app;
    await openByUrl(URL_PATH, 'fp16');
    await page.getByTestId('engine-model-active').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => (document.querySelector('[data-testid="engine-model-active"]')?.textContent ?? '').includes('fp16'), null, { timeout: 60_000 })
      .catch(async (e) => { throw new Error(`${e}\n${await page.getByTestId('open-model').innerText()}${recentLogs(app)}`); });
    expect(await page.getByTestId('engine-model-active').innerText()).toMatch(/Janus \(multi_modality ONNX, fp16\) from \/fixtures\/janus-tiny\/ on wasm/);
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('prompt-input').fill(PROMPT);
    await generateOnce(2);
    const images = await cardImages();
    const f16 = janusFamily(await openJanus(DIR, { dtype: 'fp16' }));
    try {
      const want = await f16.generate({ prompt: PROMPT, seeds: [1, 2], ...SAMPLING });
      images.forEach((x, i) => expect(Buffer.from(x.data).equals(Buffer.from(want[i].image.data)), `fp16 image ${i} equals Node's`).toBe(true));
      const scores = await f16.score({ prompt: PROMPT, images });
      (await rewardsShown()).forEach((r, i) => expect(close(r, scores[i].reward), `fp16 reward ${i}: page ${r}, node ${scores[i].reward}`).toBe(true));
    } finally {
      await f16.release();
    }
    await page.getByTestId('tab-model').click();
    await page.getByTestId('model-close-engine').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="engine-chip"]')?.textContent?.includes('Janus'), null, { timeout: 30_000 });
  });

  test('a broken fixture is refused with the file, graph or tensor named; the tiny model stays active', async () => {
    const { page } = app;
    const chip = await page.getByTestId('engine-chip').innerText();
    const cases = [
      { path: BROKEN_PATH, key: 'lm_head.onnx', want: /^Could not open the model; the tiny model stays active\. \/fixtures\/janus-inspect-broken\/onnx\/lm_head\.onnx: cannot open the lm_head graph: wasm: could not create a session/ },
      // The int32 case fails only on the metadata the web session exposes (inputMetadata/outputMetadata).
      { path: INT_LOGITS_PATH, key: 'gen_head.onnx', want: /^Could not open the model; the tiny model stays active\. gen_head \(onnx\/gen_head\.onnx\): output "logits" is int32, the runtime reads float32 or float16$/ },
    ];
    for (const c of cases) {
      await openByUrl(c.path);
      // Keyed on this case's file: the last case's error stays on screen until this open starts.
      await page.waitForFunction((key) => (document.querySelector('[data-testid="engine-model-error"]')?.textContent ?? '').includes(key), c.key, { timeout: 60_000 });
      expect(await page.getByTestId('engine-model-error').innerText()).toMatch(c.want);
      expect(await page.getByTestId('engine-chip').innerText()).toBe(chip);
    }
    await screenshot(app, 'janus-open-broken', { fullPage: false });
    await page.getByTestId('tab-inspect').click();
    // Back on the tiny model the Janus prompt is checked against ShapesWorld's words again.
    await expect(page.getByTestId('prompt-problem').innerText()).resolves.toMatch(/^unknown word "cube"/);
    await page.getByTestId('prompt-input').fill('a photo of a blue square');
    await generateOnce(2);
    expect((await cardImages()).map((x) => [x.width, x.height])).toEqual([[48, 48], [48, 48]]);
  });
});

describe('the Janus fixture in the engine (WebGPU, SwiftShader here)', () => {
  beforeAll(async () => {
    await app.close();
    app = await startApp({ path: '/?view=model&backend=webgpu' });
    await waitForModel(app.page);
  });

  // On WebGPU the KV cache stays in GPU buffers between decode steps (workers/engine/family.ts
  // deviceOutputs): ORT refuses to return it anywhere else, and reading it in JS throws, so equal
  // images here mean the device-resident cache gives the same results.
  test('opens on WebGPU; G = 2 (KV cache kept on the GPU) gives the Node family\'s images, and rewards within 1e-4 (log) of Node\'s', async () => {
    const { page } = app;
    expect(await page.getByTestId('current-backend').innerText()).toBe('webgpu');
    await openByUrl(URL_PATH);
    await page.getByTestId('engine-model-active').waitFor({ timeout: 120_000 }).catch(async (e) => {
      throw new Error(`${e}\n${await page.getByTestId('open-model').innerText()}${recentLogs(app)}`);
    });
    expect(await page.getByTestId('engine-model-active').innerText()).toContain('on webgpu');
    expect(await page.getByTestId('backend-family-note').innerText()).toContain('runs on webgpu, where it was opened');
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('prompt-input').fill(PROMPT);
    await generateOnce(2);
    const images = await cardImages();
    const want = await family.generate({ prompt: PROMPT, seeds: [1, 2], ...SAMPLING });
    images.forEach((x, i) => expect(Buffer.from(x.data).equals(Buffer.from(want[i].image.data)), `image ${i} equals Node's for seed ${i + 1}`).toBe(true));
    const scores = await family.score({ prompt: PROMPT, images });
    const shown = await rewardsShown();
    shown.forEach((r, i) => expect(close(r, scores[i].reward), `reward ${i}: page ${r}, node ${scores[i].reward}`).toBe(true));
    await screenshot(app, 'janus-inspect-webgpu', { fullPage: false });
    // SwiftShader's WebGPU makes and runs prepare_inputs_embeds, empty pixel_values included: no
    // fallback to WASM was needed (graphFallback.ts would have said so here).
    await page.getByTestId('tab-model').click();
    expect(await page.getByTestId('engine-model-active').innerText()).not.toContain('prepare_inputs_embeds runs on');
  });
});
