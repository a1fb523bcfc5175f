// Opening a real model's files (issue 14): a fake model folder served same-origin by the dev
// server's /fixtures/ route is listed with sizes before anything big is fetched, fetched with
// progress under a throttled network, cancelled mid-file without a partial cache entry, resumed
// fetching only what is missing, reopened after a reload with zero model-file requests, forgotten;
// a 404 names the file; a folder is picked through the directory input. Real Chromium, real Cache
// Storage, real HTTP.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';
import type { CDPSession, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeJanusFixture } from '../../src/cli/janusFixture/writeFixture.ts';
import { JANUS_GRAPHS, ROOT_FILES } from '../../src/core/modelFiles/layout.ts';
import { type BrowserApp, recentLogs, screenshot, startApp } from './harness.ts';

const FIXTURES = 'test-output/fixtures';
const NAME = 'openmodel-test';
const DIR = join(FIXTURES, NAME);
const BASE_PATH = `/fixtures/${NAME}/`;
const DATA = 'onnx/language_model.onnx_data';
const DATA_BYTES = 20_000_000; // big enough to cancel mid-way at 4 MB/s
const CONFIG = { model_type: 'multi_modality', 'transformers.js_config': { use_external_data_format: { language_model: true } } };

const PATHS = [...ROOT_FILES, ...JANUS_GRAPHS.flatMap((g) => (g === 'language_model' ? [`onnx/${g}.onnx`, DATA] : [`onnx/${g}.onnx`]))];

/** A folder in the onnx-community layout: the file layer never parses the graphs, so random bytes do. */
function writeFolder(dir: string, skip: string[] = []): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const p of PATHS) {
    if (skip.includes(p)) continue;
    const bytes = p === 'config.json' ? Buffer.from(JSON.stringify(CONFIG)) : p === DATA ? randomBytes(DATA_BYTES) : randomBytes(1000 + p.length * 97);
    writeFileSync(join(dir, p), bytes);
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let app: BrowserApp;
let cdp: CDPSession;
const requests: { method: string; path: string }[] = [];
const fixtureRequests = () => requests.filter((r) => r.path.startsWith(BASE_PATH));
const gets = () => fixtureRequests().filter((r) => r.method === 'GET').map((r) => r.path.slice(BASE_PATH.length));

/** Every entry of the model cache under the fixture, as [path, byte count]. */
async function cacheEntries(): Promise<Record<string, number>> {
  const entries = await app.page.evaluate(async () => {
    const c = await caches.open('gvu-models-v1');
    const out: [string, number][] = [];
    for (const k of await c.keys()) out.push([new URL(k.url).pathname, (await (await c.match(k))!.arrayBuffer()).byteLength]);
    return out;
  });
  return Object.fromEntries(entries.filter(([p]) => p.startsWith(BASE_PATH)).map(([p, n]) => [p.slice(BASE_PATH.length), n]));
}

const phase = (want: string, timeout = 30_000) => app.page.waitForFunction(
  (w) => document.querySelector('[data-testid="open-model"]')?.getAttribute('data-phase') === w, want, { timeout },
).catch(async (e) => {
  const text = await app.page.getByTestId('open-model').innerText().catch(() => '');
  throw new Error(`${e}\n--- panel ---\n${text}${recentLogs(app)}`);
});

beforeAll(async () => {
  writeFolder(DIR);
  writeFolder(join(FIXTURES, 'openmodel-broken'), ['onnx/gen_head.onnx']);
  // Start elsewhere (the panel lists on mount), count requests, then open the shared link: it must
  // pre-fill and list, never download.
  app = await startApp({ path: '/?view=inspect' });
  app.page.on('request', (r: Request) => requests.push({ method: r.method(), path: new URL(r.url()).pathname }));
  cdp = await app.context.newCDPSession(app.page);
  await cdp.send('Network.enable');
  await app.page.goto(`${app.url}/?view=model&model=${encodeURIComponent(BASE_PATH)}&dtype=fp32`);
});

afterAll(async () => {
  await app?.close();
  rmSync(join(FIXTURES, 'openmodel-broken'), { recursive: true, force: true });
});

describe('open a model by URL', () => {
  test('a shared link pre-fills the field and lists every file with its size before fetching anything big', async () => {
    await phase('listed');
    const { page } = app;
    expect(await page.getByTestId('model-input').inputValue()).toBe(BASE_PATH);
    expect(await page.getByTestId('model-files-note').innerText()).toContain('Nothing is downloaded until you press Fetch and confirm');
    const rows = page.getByTestId('model-file');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).toEqual(PATHS);
    expect(await page.locator(`[data-path="${DATA}"] td.num`).innerText()).toBe('20.0 MB');
    const total = PATHS.reduce((n, p) => n + readFileSync(join(DIR, p)).length, 0);
    expect(await page.getByTestId('model-files-total').innerText()).toBe(`${(total / 1e6).toFixed(1)} MB`);
    // Sizes came from HEAD requests; the only GET is config.json (it says which external data exists).
    expect(gets()).toEqual(['config.json']);
    expect(fixtureRequests().filter((r) => r.method === 'HEAD')).toHaveLength(PATHS.length);
    expect(await page.getByTestId('model-fetch').innerText()).toContain(`Fetch ${PATHS.length} files`);
  });

  test('fetch needs a confirmation, shows bytes, rate and ETA, and a cancel mid-file stores nothing partial', async () => {
    const { page } = app;
    // 4 MB/s: the 20 MB external data file takes seconds, long enough to cancel mid-way.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: 4e6, uploadThroughput: -1 });
    await page.getByTestId('model-fetch').click();
    expect(gets()).toEqual(['config.json']); // asking is not fetching
    await page.getByTestId('model-fetch-confirm').click();
    await page.waitForFunction((p) => Number(document.querySelector(`[data-path="${p}"] [data-testid="file-progress"]`)?.getAttribute('data-received') ?? 0) > 3e6, DATA, { timeout: 30_000 });
    const line = await page.locator(`[data-path="${DATA}"] [data-testid="file-progress"]`).innerText();
    expect(line).toMatch(/MB of 20\.0 MB · [\d.]+ MB\/s · \d+ s left/);
    await screenshot(app, 'open-model-fetching', { fullPage: false });
    await page.getByTestId('model-fetch-cancel').click();
    await phase('listed');
    expect(await page.getByTestId('model-files-note').innerText()).toContain('Cancelled');
    const cached = await cacheEntries();
    expect(cached[DATA], 'the interrupted file has no cache entry').toBeUndefined();
    for (const [p, n] of Object.entries(cached)) expect(n, `${p} cached whole`).toBe(readFileSync(join(DIR, p)).length);
    expect(Object.keys(cached).sort()).toEqual(PATHS.filter((p) => p !== DATA).sort());
    expect(await page.locator(`[data-path="${DATA}"]`).getAttribute('data-cached')).toBe('false');
  });

  test('fetching again requests only the missing file, and the cache holds every file byte for byte', async () => {
    const { page } = app;
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const before = gets().length;
    expect(await page.getByTestId('model-fetch').innerText()).toContain('Fetch 1 file (20.0 MB)');
    await page.getByTestId('model-fetch').click();
    await page.getByTestId('model-fetch-confirm').click();
    await phase('ready');
    expect(gets().slice(before)).toEqual([DATA]);
    expect(await page.getByTestId('model-files-ready').innerText()).toContain('Open it in the engine to use it in Inspect');
    const hashes = await page.evaluate(async (paths) => {
      const c = await caches.open('gvu-models-v1');
      const out: Record<string, string> = {};
      for (const p of paths) {
        const buf = await (await c.match(new URL(p, location.href).href))!.arrayBuffer();
        out[p] = [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
      return out;
    }, PATHS.map((p) => BASE_PATH + p));
    for (const p of PATHS) expect(hashes[BASE_PATH + p], p).toBe(sha(readFileSync(join(DIR, p))));
    const storage = page.getByTestId('model-storage');
    expect(Number(await storage.getAttribute('data-cached-bytes'))).toBe(PATHS.reduce((n, p) => n + readFileSync(join(DIR, p)).length, 0));
    expect(await storage.innerText()).toMatch(/Browser storage: .* used of .* allowed/);
    await screenshot(app, 'open-model-ready');
  });

  test('a reload opens the model from the cache with zero model-file requests; the source reads graphs with external data', async () => {
    const { page } = app;
    const before = fixtureRequests().length;
    await page.reload();
    await phase('ready');
    // The ModelFileSource the engine will consume, built the same way in the page (its modules load from /src/).
    // Written as a string: vitest rewrites import() in test code for Node, and this one must run in the page.
    const read = await page.evaluate(`(async () => {
      const [loc, layout, remote, source] = await Promise.all(['location', 'layout', 'remoteModel', 'source'].map((m) => import('/src/core/modelFiles/' + m + '.ts')));
      const plan = await remote.planRemoteModel(loc.parseModelLocation(${JSON.stringify(BASE_PATH)}, location.origin), layout.graphDtypes('fp32'));
      const g = await source.readGraph(remote.cachedSource(plan), 'onnx/language_model.onnx');
      return { model: g.model.byteLength, data: g.externalData.map((d) => [d.path, d.data.byteLength]), lm: remote.cachedSource(plan).dtypes.language_model };
    })()`);
    expect(read).toEqual({ model: readFileSync(join(DIR, 'onnx/language_model.onnx')).length, data: [['language_model.onnx_data', DATA_BYTES]], lm: 'fp32' });
    expect(fixtureRequests().slice(before), 'model-file requests after the reload').toEqual([]);
  });

  test('forget frees the model: no cache entries left, every file back to "to fetch"', async () => {
    const { page } = app;
    await page.getByTestId('model-forget').click();
    await phase('listed');
    expect(await page.getByTestId('model-files-note').innerText()).toMatch(/^Forgot \/fixtures\/openmodel-test\/: [\d,]+ bytes freed\.$/);
    expect(await cacheEntries()).toEqual({});
    expect(await page.getByTestId('model-storage').getAttribute('data-cached-bytes')).toBe('0');
    expect(await page.locator('[data-cached="true"]').count()).toBe(0);
    await expect(page.getByTestId('model-forget').count()).resolves.toBe(0);
  });

  test('a reload in the middle of a file leaves no entry for it, and the page lists again without fetching', async () => {
    const { page } = app;
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: 4e6, uploadThroughput: -1 });
    try {
      await page.getByTestId('model-fetch').click();
      await page.getByTestId('model-fetch-confirm').click();
      await page.waitForFunction((p) => Number(document.querySelector(`[data-path="${p}"] [data-testid="file-progress"]`)?.getAttribute('data-received') ?? 0) > 3e6, DATA, { timeout: 30_000 });
      const before = gets().length;
      await page.reload();
      await phase('listed');
      expect(gets().slice(before), 'the reloaded page fetched nothing').toEqual([]);
      const cached = await cacheEntries();
      expect(cached[DATA], 'the interrupted file has no cache entry').toBeUndefined();
      for (const [p, n] of Object.entries(cached)) expect(n, `${p} cached whole`).toBe(readFileSync(join(DIR, p)).length);
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    }
  });

  test('a store past the quota names the file and leaves no entry for it', async () => {
    const { page } = app;
    // Chromium's own quota, lowered for this origin: real enforcement. (navigator.storage.estimate
    // does not see this override, so the check made before fetching, which reads the estimate,
    // passes and the cache write itself is refused: the path a full disk or another tab takes.)
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: app.url, quotaSize: 5e6 });
    try {
      await page.getByTestId('model-fetch').click();
      await page.getByTestId('model-fetch-confirm').click();
      // The page may still show the phase before the click ('listed'): wait for the error first.
      await page.getByTestId('model-files-error').waitFor();
      await phase('listed');
      expect(await page.getByTestId('model-files-error').innerText())
        .toMatch(/^no room to store onnx\/language_model\.onnx_data \(20\.0 MB\): the browser's storage quota is used up \(.* of .*\); forget a model or free disk space$/);
      expect((await cacheEntries())[DATA]).toBeUndefined();
      expect(await page.locator(`[data-path="${DATA}"]`).getAttribute('data-cached')).toBe('false');
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: app.url });
    }
  });

  test('a missing file is named with its URL, when listing and when it vanishes before the fetch', async () => {
    const { page } = app;
    await page.getByTestId('model-input').fill('/fixtures/openmodel-broken/');
    await page.getByTestId('model-list').click();
    await phase('error');
    expect(await page.getByTestId('model-files-error').innerText())
      .toBe(`missing file onnx/gen_head.onnx: 404 Not Found at ${app.url}/fixtures/openmodel-broken/onnx/gen_head.onnx`);
    expect(new URL(page.url()).searchParams.get('model'), 'a model that did not list stays out of the URL').toBe(BASE_PATH);

    await page.getByTestId('model-input').fill(BASE_PATH);
    await page.getByTestId('model-list').click();
    await phase('listed');
    // Start from nothing cached (the quota test stored some files), so image_decode is fetched.
    await page.getByTestId('model-forget').click();
    await page.getByTestId('model-files-note').filter({ hasText: 'Forgot' }).waitFor();
    unlinkSync(join(DIR, 'onnx/image_decode.onnx'));
    await page.getByTestId('model-fetch').click();
    await page.getByTestId('model-fetch-confirm').click();
    await page.getByTestId('model-files-error').waitFor();
    await phase('listed');
    expect(await page.getByTestId('model-files-error').innerText())
      .toBe(`missing file onnx/image_decode.onnx: 404 Not Found at ${app.url}${BASE_PATH}onnx/image_decode.onnx`);
    expect((await cacheEntries())['onnx/image_decode.onnx']).toBeUndefined();
  });

  test('a folder on a host the site may not fetch from is named, not "Failed to fetch"', async () => {
    const { page } = app;
    // Another port is another origin: the CSP's connect-src refuses it before any request leaves.
    await page.getByTestId('model-input').fill('http://127.0.0.1:1/m/');
    await page.getByTestId('model-list').click();
    await phase('error');
    expect(await page.getByTestId('model-files-error').innerText()).toBe(
      'cannot reach http://127.0.0.1:1/m/config.json (config.json): the network failed or the browser refused the request; this site fetches only from itself and Hugging Face',
    );
  });

  test('a picked folder gives the same list, read from disk, without caching', async () => {
    const { page } = app;
    writeFolder(DIR); // whole again
    const cachedBefore = await cacheEntries();
    await page.getByTestId('model-folder').setInputFiles(DIR);
    await phase('ready');
    const rows = page.getByTestId('model-file');
    expect(await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-path'), e.getAttribute('data-cached')]))).toEqual(PATHS.map((p) => [p, 'local']));
    expect(await page.getByTestId('model-files-ready').innerText()).toContain(`folder ${NAME}: every file is on disk`);
    expect(await cacheEntries()).toEqual(cachedBefore);
    expect(new URL(page.url()).searchParams.get('model'), 'a local folder is not put in the link').toBeNull();
    await screenshot(app, 'open-model-folder', { fullPage: false });
  });
});

describe('the Janus fixture (npm run make:fixture) through the same code', () => {
  const JANUS = join(FIXTURES, 'openmodel-janus-tiny');
  const JANUS_PATH = '/fixtures/openmodel-janus-tiny/';
  let written: string[] = [];
  beforeAll(() => {
    rmSync(JANUS, { recursive: true, force: true });
    writeJanusFixture(JANUS);
    written = readdirSync(JANUS, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(JANUS, join(e.parentPath, e.name)));
  });
  afterAll(() => rmSync(JANUS, { recursive: true, force: true }));

  test('listed by URL with its external data, fetched, and read back byte for byte', async () => {
    const { page } = app;
    await page.getByTestId('model-input').fill(JANUS_PATH);
    await page.getByTestId('model-dtype').selectOption('fp32');
    await page.getByTestId('model-list').click();
    await phase('listed');
    const listed = await page.getByTestId('model-file').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')!));
    expect([...listed].sort(), 'every file the fixture maker wrote, and only those').toEqual([...written].sort());
    expect(listed).toContain('onnx/language_model.onnx_data');
    await page.getByTestId('model-fetch').click();
    await page.getByTestId('model-fetch-confirm').click();
    await phase('ready');
    const hashes = await page.evaluate(`(async () => {
      const [loc, layout, remote] = await Promise.all(['location', 'layout', 'remoteModel'].map((m) => import('/src/core/modelFiles/' + m + '.ts')));
      const plan = await remote.planRemoteModel(loc.parseModelLocation(${JSON.stringify(JANUS_PATH)}, location.origin), layout.graphDtypes('fp32'));
      const src = remote.cachedSource(plan);
      const out = {};
      for (const e of await src.list()) {
        const bytes = await src.read(e.path);
        out[e.path] = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
      return out;
    })()`) as Record<string, string>;
    for (const p of written) expect(hashes[p], p).toBe(sha(readFileSync(join(JANUS, p))));
  });

  test('another dtype is listed again at once, and the files the fixture lacks for it are all named', async () => {
    const { page } = app;
    await page.getByTestId('model-dtype').selectOption('q4');
    await phase('error');
    const lines = (await page.getByTestId('model-files-error').innerText()).split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(`missing file onnx/gen_head_q4.onnx: 404 Not Found at ${app.url}${JANUS_PATH}onnx/gen_head_q4.onnx`);
    await page.getByTestId('model-dtype').selectOption('fp32');
    await phase('ready');
  });

  test('a folder dropped on the panel opens like a picked one', async () => {
    const { page } = app;
    // Drop on the panel's heading, scrolled into view (viewport coordinates).
    const heading = page.getByTestId('open-model').locator('h2');
    await heading.scrollIntoViewIfNeeded();
    const box = (await heading.boundingBox())!;
    const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    // Chromium's own drag and drop with a real directory path, as a file manager would send it.
    const data = { items: [], files: [resolvePath(JANUS)], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
    // The URL's listing was ready too: wait for the folder's.
    await page.getByTestId('model-files-ready').filter({ hasText: 'folder openmodel-janus-tiny: every file is on disk' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-cached="local"]').count()).toBe(written.length);
  });

  test('a dtype change re-reads what is listed (the folder, then a URL), never a URL typed since, and keeps the typed text', async () => {
    const { page } = app;
    // The dropped folder is listed; a URL typed since is not listed until List is pressed.
    await expect(page.getByTestId('model-listed').innerText()).resolves.toBe('Listed: folder openmodel-janus-tiny');
    await page.getByTestId('model-input').fill('someone/typed-not-listed');
    await page.getByTestId('model-dtype').selectOption('q4');
    await phase('error');
    expect(await page.getByTestId('model-files-error').innerText()).toMatch(/^folder openmodel-janus-tiny has no onnx\/.*_q4\.onnx/);
    expect(await page.getByTestId('model-input').inputValue(), 'the typed URL is kept').toBe('someone/typed-not-listed');
    await page.getByTestId('model-dtype').selectOption('fp32');
    await phase('ready');
    await expect(page.getByTestId('model-listed').innerText()).resolves.toBe('Listed: folder openmodel-janus-tiny');
    expect(await page.locator('[data-cached="local"]').count()).toBe(written.length);
    expect(await page.getByTestId('model-input').inputValue()).toBe('someone/typed-not-listed');
    // Now a URL is listed: a dtype change lists that URL again, not the text typed after it.
    await page.getByTestId('model-input').fill(JANUS_PATH);
    await page.getByTestId('model-list').click();
    await phase('ready'); // fetched by the first test of this block
    await expect(page.getByTestId('model-listed').innerText()).resolves.toBe(`Listed: ${JANUS_PATH}`);
    await page.getByTestId('model-input').fill('someone/else');
    await page.getByTestId('model-dtype').selectOption('q4');
    await phase('error');
    expect(await page.getByTestId('model-files-error').innerText()).toContain(`${app.url}${JANUS_PATH}onnx/gen_head_q4.onnx`);
    await page.getByTestId('model-dtype').selectOption('fp32');
    await phase('ready');
    await expect(page.getByTestId('model-listed').innerText()).resolves.toBe(`Listed: ${JANUS_PATH}`);
    expect(await page.getByTestId('model-input').inputValue()).toBe('someone/else');
    await screenshot(app, 'open-model-listed', { fullPage: false });
  });
});


test('a link with an unknown dtype says so, uses auto and drops it from the address bar', async () => {
  const { page } = app;
  await page.goto(`${app.url}/?view=model&model=${encodeURIComponent(BASE_PATH)}&dtype=q3`);
  await page.getByTestId('model-files-note').waitFor();
  expect(await page.getByTestId('model-files-note').innerText()).toMatch(/^Link value ignored: dtype=q3 \(not a dtype; use auto or one of demo-f16, demo, fp32, .*\), used auto\./);
  expect(new URL(page.url()).searchParams.get('dtype')).toBeNull();
  expect(await page.getByTestId('model-dtype').inputValue()).toBe('auto');
});
