// ORT's profiler on the GRPO gradient session (128 sequences x 36 tokens, LoRA r 8): time by op type
// (docs/benchmarks.md). Run: FROZEN=1 PROF=1 node --import tsx scripts/perf/grpoprof.ts
import * as ort from 'onnxruntime-node';
import { readdirSync } from 'node:fs';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { buildGrpoGradientModel } from '../../src/core/gvu/grpoGraph.ts';
import { LORA_DEFAULTS } from '../../src/core/model/lora.ts';
import { initLora } from '../../src/core/model/weights.ts';
import { packGeneration } from '../../src/core/model/sequences.ts';
import { promptIds } from '../../src/core/world/index.ts';
import { randn, type TensorData } from '../../src/core/tensor.ts';
const { cfg, weights } = loadModel('public/models/tiny-umm');
const lw = initLora(cfg, LORA_DEFAULTS, 0);
for (const k of Object.keys(lw)) if (k.endsWith('.B')) lw[k] = randn('float32', lw[k].dims, k.length, 0.02);
const T = process.env.T ? Number(process.env.T) : undefined;
const s = await ort.InferenceSession.create(buildGrpoGradientModel(cfg, LORA_DEFAULTS, process.env.FROZEN ? { frozen: weights } : {}), { ...(T ? { intraOpNumThreads: T } : {}), enableProfiling: !!process.env.PROF, profileFilePrefix: '/tmp/perf_grpo_prof', logSeverityLevel: 3, extra: { session: { intra_op: { allow_spinning: '0' } } } });
const toOrt = (t: TensorData) => new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.dims);
const b = 128, n = cfg.imageTokens;
const codes = Array.from({ length: b }, (_, i) => Array.from({ length: n }, (_, j) => (i * 7 + j * 3) % cfg.imageVocab));
import { readFileSync } from 'node:fs';
const texts = readFileSync('public/data/prompts/train.jsonl', 'utf8').trim().split('\n').slice(0, 16).map((l) => JSON.parse(l).prompt as string);
const p = packGeneration(cfg, Array.from({ length: b }, (_, i) => promptIds(texts[i >> 3])), codes); // 16 prompts x G = 8
const f = (v: number) => new ort.Tensor('float32', new Float32Array(b * n).fill(v), [b, n]);
const feeds: Record<string, ort.Tensor> = { ids: toOrt(p.ids), positions: toOrt(p.positions), mask: toOrt(p.mask), old_logp: f(-3.6), ref_logp: f(-3.6),
  advantages: new ort.Tensor('float32', Float32Array.from({ length: b }, (_, i) => (i % 2 ? 1 : -1)), [b]), token_weights: f(1),
  clip_eps: new ort.Tensor('float32', new Float32Array([0.2]), []), beta: new ort.Tensor('float32', new Float32Array([0.03]), []),
  ...Object.fromEntries(Object.entries({ ...weights, ...lw }).map(([k, t]) => [k, toOrt(t)])) };
const names = s.inputNames; for (const k of Object.keys(feeds)) if (!names.includes(k)) delete feeds[k];
for (let i = 0; i < 2; i++) await s.run(feeds);
const reps = 5; const t0 = performance.now();
for (let i = 0; i < reps; i++) await s.run(feeds);
console.log(`GRPO fwd+bwd: ${((performance.now() - t0) / reps).toFixed(1)} ms per run (threads ${T ?? 'default'})`);
if (process.env.PROF) {
  await s.release();
  const file = '/tmp/' + readdirSync('/tmp').filter((x) => x.startsWith('perf_grpo_prof')).sort().at(-1);
  const ev = JSON.parse(readFileSync(file, 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  const byOp: Record<string, [number, number]> = {}; let sum = 0;
  for (const e of ev) if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) { const op = e.args?.op_name ?? '?'; byOp[op] ??= [0, 0]; byOp[op][0] += e.dur; byOp[op][1]++; sum += e.dur; }
  const runs = reps + 2;
  console.log(`kernels ${(sum / runs / 1000).toFixed(1)} ms per run`);
  for (const [op, [us, c]] of Object.entries(byOp).sort((a, b2) => b2[1][0] - a[1][0]).slice(0, 18)) console.log(`  ${op.padEnd(20)} ${(us / runs / 1000).toFixed(2).padStart(7)} ms  ${(c / runs).toFixed(0).padStart(4)} nodes`);
}
