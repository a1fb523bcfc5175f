// The decode loop with the KV cache left on the GPU (WebGPU, preferredOutputLocation 'gpu-buffer'
// for present_*, fed back as is and released after each step) draws the same images as Node and
// WASM for the same seeds, and scores them the same. SwiftShader proves correctness here, not speed.
// Node and WASM sample the group in one call of the sampling graph (ONNX Loop, the draw in float64
// in the graph; WASM once that session is built), WebGPU step by step with the draw in JavaScript:
// the same images on every path.
import { expect, test } from 'vitest';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { createGenerationSessions } from '../../src/cli/generationSessions.ts';
import { GVU_SAMPLING, releaseGenerationSessions, sampleImages } from '../../src/core/gvu/sampling.ts';
import { promptIds, renderTokens } from '../../src/core/world/index.ts';
import type { GenerateRequest } from '../../workers/engineApi.ts';
import { type BrowserApp, recentLogs } from './harness.ts';
import { usePlayground } from './playground.ts';

let app: BrowserApp;
usePlayground('/?view=inspect&backend=wasm', (a) => (app = a));

const REQ: GenerateRequest = {
  prompt: 'a blue square above a green triangle', groupSize: 4, seed: 77, ...GVU_SAMPLING,
  reward: { variant: 'geomean', includeEos: false, teacher: 'frozen' },
};

async function generateOn(backend: 'wasm' | 'webgpu') {
  return app.page.evaluate(async ({ req, b }) => {
    const engine = window.__gvu!.engine;
    await engine.setBackend(b);
    const g = await engine.generate(req);
    return { images: g.images.map((im) => Array.from(im)), rewards: g.scores.map((s) => s.reward) };
  }, { req: REQ, b: backend });
}

test('WebGPU with the KV cache on the GPU samples the images Node and WASM sample for the same seeds', async () => {
  const { cfg, weights } = loadModel('public/models/tiny-umm');
  const sessions = await createGenerationSessions(cfg, weights); // no adapter loaded: the base model's graph
  const seeds = [0, 1, 2, 3].map((i) => REQ.seed + i);
  const want = (await sampleImages(cfg, weights, sessions, [promptIds(REQ.prompt)], { ...GVU_SAMPLING, groupSize: 4, seeds })).map((x) => Array.from(renderTokens(x.codes)));
  expect(sessions.group, 'node samples in one call').toBeDefined();
  await releaseGenerationSessions(sessions);

  const wasmFirst = await generateOn('wasm');
  // The one-call session is built behind the job that found it missing: the second group uses it.
  const wasm = await generateOn('wasm');
  const ops = await app.page.evaluate(async () => (await window.__gvu!.engine.timings()).map((t) => t.op));
  expect(ops, 'the base model samples on its own graphs, with no adapter nodes').toContain('create session group:base');
  expect(ops.filter((op) => /create session (prefill|decode|group):r\d/.test(op)), 'no LoRA graph is built without an adapter').toEqual([]);
  const gpu = await generateOn('webgpu');
  expect(wasmFirst.images, recentLogs(app)).toEqual(want);
  expect(wasm.images, recentLogs(app)).toEqual(want);
  expect(gpu.images, recentLogs(app)).toEqual(want);
  gpu.rewards.forEach((r, i) => expect(Math.abs(r - wasm.rewards[i])).toBeLessThan(1e-5));
  // A second group on the same sessions: the released KV buffers of the first are not reused.
  const again = await generateOn('webgpu');
  expect(again.images).toEqual(want);
}, 600_000);
