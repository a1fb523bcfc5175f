// Sessions follow the adapter: with none loaded the engine samples on the base model's own graphs
// (no adapter nodes), and an applied adapter gets its LoRA sampling sessions built behind the job
// that applied it, before any Generate asks for them.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { type BrowserApp, recentLogs } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=inspect&backend=wasm', (a) => (app = a));

const DIR = 'public/adapters/gvu-headline';

test('an uploaded adapter\'s sampling sessions are built behind the upload, the base keeps its own graphs', async () => {
  const files = { config: readFileSync(`${DIR}/adapter_config.json`, 'utf8'), weights: [...readFileSync(`${DIR}/adapter_model.safetensors`)] };
  const ops = await app.page.evaluate(async ({ config, weights }) => {
    const engine = window.__gvu!.engine;
    await engine.generate({ prompt: 'a photo of a red circle', groupSize: 1, seed: 1, temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 1,
      reward: { variant: 'geomean', includeEos: false, teacher: 'frozen' } });
    const before = (await engine.timings()).map((t) => t.op);
    await engine.importAdapter({ 'adapter_config.json': config, 'adapter_model.safetensors': new Uint8Array(weights) });
    // Nothing else is asked of the engine: whatever it builds now, it builds on its own.
    for (let i = 0; i < 200 && !(await engine.timings()).some((t) => t.op.startsWith('create session decode:r8')); i++) await new Promise((r) => setTimeout(r, 100));
    return { before, after: (await engine.timings()).map((t) => t.op) };
  }, files);
  expect(ops.before, recentLogs(app)).toContain('create session prefill:base');
  expect(ops.before.filter((op) => /create session (prefill|decode):r\d/.test(op))).toEqual([]);
  const added = ops.after.slice(ops.before.length);
  expect(added, recentLogs(app)).toEqual(expect.arrayContaining([expect.stringMatching(/^create session prefill:r8a32:/), expect.stringMatching(/^create session decode:r8a32:/)]));
  expect(added.filter((op) => op.startsWith('generate'))).toEqual([]);
}, 180_000);
