// Train view inputs, checked before they run: a setting that cannot train (G = 1, an emptied
// learning rate) is named inline with its range and Start stays disabled until it is fixed; every
// prompt upload shows its problem (an empty file, a PNG, a 50k-line file, prompts without specs)
// in parsePromptSet's own words, and a refused upload keeps the previous prompt source; an
// adapter with a NaN is refused naming the tensor, and the adapter loaded before it stays.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { decodeText } from '../../src/core/io/decodeText.ts';
import { parsePromptSet } from '../../src/core/io/promptSet.ts';
import { zipAdapter } from '../../src/core/io/adapterZip.ts';
import { decodeAdapter, encodeAdapter } from '../../src/core/model/adapter.ts';
import { validateConfig } from '../../src/core/model/config.ts';
import { LORA_DEFAULTS } from '../../src/core/model/lora.ts';
import { decodeSafetensors, encodeSafetensors, initLora } from '../../src/core/model/weights.ts';
import { randn } from '../../src/core/tensor.ts';
import { type BrowserApp, recentLogs, screenshot } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=train&backend=wasm', (a) => (app = a));

const text = (id: string) => app.page.getByTestId(id).innerText();
const waitText = (id: string, want: string) => app.page.waitForFunction(
  ([i, w]) => document.querySelector(`[data-testid="${i}"]`)?.textContent === w, [id, want] as const, { timeout: 30_000 });

/** What parsePromptSet says about a file, read as the Train view reads it (bytes, any Unicode). */
function refusal(name: string, bytes: Uint8Array): string {
  try {
    parsePromptSet(decodeText(bytes), name);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${name} was expected to be refused`);
}

test('bad input: G = 1 and an emptied learning rate are named inline; Start stays disabled until both are fixed', async () => {
  const { page } = app;
  const start = page.getByTestId('train-start');
  expect(await start.isDisabled()).toBe(false);
  await page.getByTestId('train-groupSize').fill('1');
  await waitText('train-groupSize-problem', 'group size: must be an integer from 2 to 64 (GRPO compares images within a group); got 1');
  expect(await start.isDisabled()).toBe(true);
  await page.getByTestId('train-lr').fill('');
  await waitText('train-lr-problem',
    'learning rate: must be a number above 0 and at most 0.01 (at 0 nothing is learned; at 0.05 one update wrecks the model); the field is empty');
  expect(await page.getByTestId('train-lr').inputValue()).toBe(''); // not silently back to a default
  expect(await page.getByTestId('train-settings-invalid').count()).toBe(1);
  await screenshot(app, 'train-inputs-g1');

  await page.getByTestId('train-groupSize').fill('2');
  expect(await page.getByTestId('train-groupSize-problem').count()).toBe(0);
  expect(await start.isDisabled()).toBe(true); // lr is still empty
  await page.getByTestId('train-lr').fill('2e-4');
  expect(await page.getByTestId('train-lr-problem').count()).toBe(0);
  expect(await start.isDisabled()).toBe(false);
  expect(await page.getByTestId('train-status').getAttribute('data-status')).toBe('idle'); // nothing ran
});

test('bad input: every refused prompt upload says why and keeps the previous prompt source', async () => {
  const { page } = app;
  const upload = page.getByTestId('train-upload');
  // A good GenEval file with one bad line first: it becomes the source, its bad line listed.
  const val = readFileSync('public/data/prompts/val.jsonl', 'utf8').split('\n').slice(0, 3);
  const good = [val[0], '{"tag": "colors", "include": [{"class": "circle", "count": 1}]}', val[1], val[2]].join('\n');
  await upload.setInputFiles({ name: 'mine.jsonl', mimeType: 'application/json', buffer: Buffer.from(good) });
  await waitText('train-prompts', 'Prompts: mine.jsonl (3 with a spec)');
  expect(await page.getByTestId('train-prompt-problems').locator('li').count()).toBe(1);
  expect(await page.getByTestId('train-prompt-problems').innerText()).toMatch(/^line 2/);

  const png = readFileSync('docs/images/inspect.png');
  const many = Buffer.from('a photo of a red circle\n'.repeat(50_000));
  const files: [string, string, Buffer, string][] = [
    ['an empty file', 'empty.jsonl', Buffer.alloc(0), refusal('empty.jsonl', new Uint8Array(0))],
    ['a PNG', 'shapes.png', png, refusal('shapes.png', new Uint8Array(png))],
    ['a 50k-line file', 'many.txt', many, refusal('many.txt', new Uint8Array(many))],
    ['prompts without a GenEval spec', 'plain.txt', Buffer.from('a photo of a red circle\na photo of two blue squares\n'),
      'plain.txt: none of its 2 prompt(s) has a GenEval spec (tag, include), which training needs to judge each image; upload GenEval metadata JSONL'],
  ];
  for (const [what, name, buffer, message] of files) {
    await upload.setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
    await waitText('train-prompts-error', message);
    expect(await text('train-prompts'), what).toBe('Prompts: mine.jsonl (3 with a spec)');
    expect(message, what).not.toMatch(/^\w*Error:/);
    if (name === 'shapes.png') await screenshot(app, 'train-inputs-upload-png');
  }
  await upload.setInputFiles({ name: 'mine.jsonl', mimeType: 'application/json', buffer: Buffer.from(val.join('\n')) });
  await waitText('train-prompts', 'Prompts: mine.jsonl (3 with a spec)');
  expect(await page.getByTestId('train-prompts-error').count()).toBe(0); // a good upload clears the last refusal
});

test('bad input: an adapter holding a NaN is refused naming the tensor; the adapter loaded before stays', async () => {
  const { page } = app;
  const cfg = validateConfig(JSON.parse(readFileSync('public/models/tiny-umm/config.json', 'utf8')));
  const w = initLora(cfg, LORA_DEFAULTS, 4);
  for (const k of Object.keys(w)) if (k.endsWith('.B')) w[k] = randn('float32', w[k].dims, k.length, 0.01);
  const goodFiles = encodeAdapter(cfg, LORA_DEFAULTS, w);
  await page.getByTestId('adapter-upload').setInputFiles({ name: 'good.zip', mimeType: 'application/zip', buffer: Buffer.from(zipAdapter(goodFiles)) });
  await page.waitForFunction(() => /, uploaded\./.test(document.querySelector('[data-testid="adapter-summary"]')?.textContent ?? ''), null, { timeout: 60_000 });
  const loaded = await text('adapter-summary');

  const tensors = decodeSafetensors(goodFiles['adapter_model.safetensors']).tensors;
  tensors['base_model.model.h2.mlp.up.lora_B.weight'].data[7 * LORA_DEFAULTS.rank] = NaN; // [7, 0] of [out, r]
  const bad = { ...goodFiles, 'adapter_model.safetensors': encodeSafetensors(tensors) };
  const message = refusalOf(() => decodeAdapter(bad, cfg));
  expect(message).toMatch(/^adapter_model\.safetensors: 1 of the \d+ values of base_model\.model\.h2\.mlp\.up\.lora_B\.weight is not finite \(NaN at \[7, 0\]\)/);
  await page.getByTestId('adapter-upload').setInputFiles({ name: 'nan.zip', mimeType: 'application/zip', buffer: Buffer.from(zipAdapter(bad)) });
  await waitText('adapter-error', message);
  expect(await text('adapter-summary'), recentLogs(app)).toBe(loaded);
  await screenshot(app, 'train-inputs-adapter-nan');
});

function refusalOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}
