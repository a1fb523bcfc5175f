// A Train-view step (P 4, G 4, 2 inner updates) on onnxruntime-web's WASM backend in Node, where the
// browser's kernels run without the page: time per step in each session (docs/benchmarks.md, issue 15
// fourth pass). Run: T=1 node --import tsx scripts/perf/wasmStep.ts (T = WASM threads).
import * as ort from 'onnxruntime-web';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { GVU_DEFAULTS, freshGvuState, trainGvu, type GvuConfig } from '../../src/core/gvu/trainer.ts';
import { type ModelSession, type SessionOptions, withoutFrozen } from '../../src/core/runtime/session.ts';
import { fromOrt, toOrt } from '../../src/core/runtime/ortTensors.ts';
import { parseSpecJsonl } from '../../src/core/world/index.ts';
import { readFileSync } from 'node:fs';
ort.env.wasm.numThreads = Number(process.env.T ?? 1);
const { cfg, weights } = loadModel('public/models/tiny-umm');
const times: Record<string, number> = {};
async function create(model: Uint8Array, opts: SessionOptions = {}): Promise<ModelSession> {
  const s = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '0' } } } });
  const kind = s.inputNames.includes('uniforms') ? 'sample' : s.inputNames.includes('pixels') ? 'score' : s.inputNames.includes('advantages') ? 'grpo' : s.inputNames.includes('past_k.0') ? 'decode' : s.inputNames.join(',').slice(0, 30);
  return { backend: 'wasm', inputNames: s.inputNames, outputNames: s.outputNames, inputMetadata: [], outputMetadata: [],
    async run(all, outputs) {
      const feeds = withoutFrozen(all, opts.frozen);
      const f = Object.fromEntries(Object.entries(feeds).filter(([k]) => s.inputNames.includes(k)).map(([k, t]) => [k, toOrt(ort.Tensor as never, t)]));
      const t0 = performance.now();
      const r = outputs ? await s.run(f as never, [...outputs]) : await s.run(f as never);
      times[kind] = (times[kind] ?? 0) + performance.now() - t0;
      const o: Record<string, unknown> = {}; for (const [k, v] of Object.entries(r)) o[k] = await fromOrt(v as never); return o as never;
    }, release: () => s.release() } as ModelSession;
}
const prompts = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl');
const run: GvuConfig = { ...GVU_DEFAULTS, steps: 6, promptsPerStep: 4, groupSize: 4, innerUpdates: 2, evalEvery: 0, checkpointEvery: 1_000_000 };
const state = freshGvuState(cfg, run);
const steps: number[] = [];
let last: Record<string, number> = {};
await trainGvu(cfg, weights, run, state, prompts, {
  createSession: create, checkpoint: async () => {},
  log: (row) => { steps.push(row.seconds * 1000); const d = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +(v - (last[k] ?? 0)).toFixed(0)])); last = { ...times }; console.log(`step ${row.step} ${(row.seconds * 1000).toFixed(0)} ms`, JSON.stringify(d)); },
});
