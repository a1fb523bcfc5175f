// A group of 8 split over two threads (main + one worker_thread), each a one-call session of 4
// images, against one thread drawing all 8 (docs/benchmarks.md, issue 15 fourth pass).
// Run: node --import tsx scripts/perf/twoThreads.ts
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { GVU_SAMPLING, type GenerationSessions, groupSamplingModel, groupSamplingOptions, sampleImages } from '../../src/core/gvu/sampling.ts';
import { LORA_DEFAULTS } from '../../src/core/model/lora.ts';
import { initLora } from '../../src/core/model/weights.ts';
import { createNodeSession } from '../../src/core/runtime/node.ts';
import { randn } from '../../src/core/tensor.ts';
import { promptIds } from '../../src/core/world/index.ts';
const { cfg, weights: base } = loadModel('public/models/tiny-umm');
const lora = initLora(cfg, LORA_DEFAULTS, 0);
for (const k of Object.keys(lora)) if (k.endsWith('.B')) lora[k] = randn('float32', lora[k].dims, k.length, 0.02);
const s = { group: await createNodeSession(groupSamplingModel(cfg, LORA_DEFAULTS, base), groupSamplingOptions(base)) } as unknown as GenerationSessions;
const p = [promptIds('a photo of a red circle')];
const part = (seeds: number[]) => sampleImages(cfg, { ...base, ...lora }, s, p, { ...GVU_SAMPLING, groupSize: seeds.length, seeds });
if (!isMainThread) {
  parentPort!.on('message', async (seeds: number[]) => { const r = await part(seeds); parentPort!.postMessage(r.map((x) => x.codes)); });
  parentPort!.postMessage('ready');
} else {
  const w = new Worker(new URL('./twoThreadsBoot.mjs', import.meta.url));
  await new Promise((r) => w.once('message', r));
  const seeds = [...Array(8).keys()].map((i) => 2000 + i);
  const ta: number[] = [], tb: number[] = [];
  for (let r = 0; r < 40; r++) {
    let t0 = performance.now(); await part(seeds); if (r >= 5) ta.push(performance.now() - t0);
    t0 = performance.now();
    const other = new Promise((res) => w.once('message', res));
    w.postMessage(seeds.slice(4));
    await part(seeds.slice(0, 4)); await other;
    if (r >= 5) tb.push(performance.now() - t0);
  }
  const med = (x: number[]) => [...x].sort((m, n) => m - n)[x.length >> 1].toFixed(2);
  console.log(`group of 8: one thread ${med(ta)} ms, two threads x 4 ${med(tb)} ms`);
  await w.terminate();
}
