// Group of 8 (P=16: 16 prompts x 8): LoRA graph (adapter fed) vs base graph with the adapter merged
// into frozen weights (docs/benchmarks.md, issue 15 third pass). Run: node --import tsx scripts/perf/merged.ts
import { loadModel } from '../../src/cli/modelFiles.ts';
import { GVU_SAMPLING, type GenerationSessions, groupSamplingModel, groupSamplingOptions, sampleImages } from '../../src/core/gvu/sampling.ts';
import { LORA_DEFAULTS } from '../../src/core/model/lora.ts';
import { mergeAdapter } from '../../src/core/model/mergeAdapter.ts';
import { initLora } from '../../src/core/model/weights.ts';
import { createNodeSession } from '../../src/core/runtime/node.ts';
import { randn } from '../../src/core/tensor.ts';
import { promptIds } from '../../src/core/world/index.ts';
const { cfg, weights: base } = loadModel('public/models/tiny-umm');
const lora = initLora(cfg, LORA_DEFAULTS, 0);
for (const k of Object.keys(lora)) if (k.endsWith('.B')) lora[k] = randn('float32', lora[k].dims, k.length, 0.02);
const merged = mergeAdapter(base, LORA_DEFAULTS, lora);
let t0 = performance.now();
const fed = { group: await createNodeSession(groupSamplingModel(cfg, LORA_DEFAULTS, base), groupSamplingOptions(base)) } as unknown as GenerationSessions; // the one-call path only
const t1 = performance.now();
const mer = { group: await createNodeSession(groupSamplingModel(cfg, undefined, merged), groupSamplingOptions(merged)) } as unknown as GenerationSessions;
console.log(`create fed ${(t1 - t0).toFixed(0)} ms, merged ${(performance.now() - t1).toFixed(0)} ms`);
const opts = { ...GVU_SAMPLING, groupSize: 8, seeds: [...Array(8 * Number(process.env.P ?? 1)).keys()].map((i) => 2000 + i) };
const p = Array.from({ length: Number(process.env.P ?? 1) }, (_, i) => promptIds(["a photo of a red circle", "a photo of two blue squares", "a photo of a green triangle"][i % 3]));
const ta: number[] = [], tb: number[] = []; let same = 0, tot = 0;
for (let r = 0; r < Number(process.env.R ?? 45); r++) {
  t0 = performance.now(); const x = await sampleImages(cfg, { ...base, ...lora }, fed, p, opts); if (r >= 5) ta.push(performance.now() - t0);
  t0 = performance.now(); const y = await sampleImages(cfg, merged, mer, p, opts); if (r >= 5) tb.push(performance.now() - t0);
  x.forEach((im, i) => im.codes.forEach((c, j) => { tot++; if (c === y[i].codes[j]) same++; }));
}
const med = (x: number[]) => [...x].sort((m, n) => m - n)[x.length >> 1].toFixed(2);
console.log(`group of 8: fed ${med(ta)} ms, merged ${med(tb)} ms; codes same ${same}/${tot}`);
