// Timing worker for the side-by-side benchmark: reads one JSON command per line on stdin, runs the
// named task once on the project's own code path (onnxruntime-node), answers {"task", "ms"} on
// stdout. Driven by ../shared/ref/bench_driver.py, which alternates it with the PyTorch worker and
// runs it as scratch/bench_worker.ts: `mkdir -p scratch && cp scripts/bench_worker.ts scratch/`.
// This is the reference's ts/bench_worker.ts with the trainer's one-call group session and the
// GVU_BENCH_MERGED switch (docs/benchmarks.md). GVU_ORT_THREADS=1 for one thread per session.
import { createInterface } from 'node:readline';
import { loadModel } from '../src/cli/modelFiles.ts';
import { Graph, matMul, serializeModel } from '../src/core/graph/index.ts';
import { buildGrpoGradientModel, loraParamNames } from '../src/core/gvu/grpoGraph.ts';
import { groupAdvantages } from '../src/core/gvu/reward.ts';
import { logProbAt } from '../src/core/gvu/sampleToken.ts';
import { GVU_SAMPLING, generationStepModels, sampleImages } from '../src/core/gvu/sampling.ts';
import { scoreImages } from '../src/core/gvu/scoreImages.ts';
import { LORA_DEFAULTS } from '../src/core/model/lora.ts';
import { mergeAdapter } from '../src/core/model/mergeAdapter.ts';
import { createGenerationSessions } from '../src/cli/generationSessions.ts';
import { packGeneration } from '../src/core/model/sequences.ts';
import { buildGenerationLogitsGraph, buildUnderstandingScoreGraph } from '../src/core/model/umm.ts';
import { initLora } from '../src/core/model/weights.ts';
import { GVU_DEFAULTS, createGvuSessions } from '../src/core/gvu/trainer.ts';
import { adamStep, initAdamState } from '../src/core/optim/adam.ts';
import { createNodeSession } from '../src/core/runtime/node.ts';
import { mulberry32, randn, tensor } from '../src/core/tensor.ts';
import { parseSpecJsonl, promptIds, renderTokens } from '../src/core/world/index.ts';
import { readFileSync } from 'node:fs';

const { cfg, weights } = loadModel('public/models/tiny-umm');
const lora = LORA_DEFAULTS;
const names = loraParamNames(cfg, lora);
const lw = initLora(cfg, lora, 0);
for (const k of Object.keys(lw)) if (k.endsWith('.B')) lw[k] = randn('float32', lw[k].dims, 500 + k.length * 7 + names.indexOf(k), 0.02);
const policy = { ...weights, ...lw };
const train = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl').map((s) => s.prompt);
const P = 16;
const G = 8;
const prompts16 = train.slice(0, P);
const n = cfg.imageTokens;

// The trainer's sessions (createGvuSessions with teacher = frozen): prefill/decode with LoRA, the
// base scorer, the base reference logits, the GRPO gradient model.
// (issue 15: the trainer's own createGvuSessions, base weights frozen into the inference models)
const sessions = await createGvuSessions(cfg, { ...GVU_DEFAULTS }, (m, o) => createNodeSession(m, o), weights);
const gen = { prefill: sessions.prefill, decode: sessions.decode, group: sessions.group };
const { scorer, reference, grpo } = sessions;
void [generationStepModels, buildUnderstandingScoreGraph, buildGenerationLogitsGraph, buildGrpoGradientModel];
const adamCfg = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, clipNorm: 1 };

// fixed data for the single-task timings
const seeds8 = Array.from({ length: G }, (_, i) => 2000 + i);
const fixedCodes = Array.from({ length: P * G }, (_, r) => { const u = mulberry32(3000 + r); return Array.from({ length: n }, () => (u() < 0.6 ? 0 : Math.floor(u() * cfg.imageVocab))); });
const seq128 = packGeneration(cfg, prompts16.flatMap((p) => Array(G).fill(promptIds(p))), fixedCodes);
const B = P * G;
const rnd = mulberry32(5);
const grpoFeeds = {
  ids: seq128.ids, positions: seq128.positions, mask: seq128.mask,
  old_logp: tensor('float32', [B, n], Float32Array.from({ length: B * n }, () => -3 + rnd())),
  ref_logp: tensor('float32', [B, n], Float32Array.from({ length: B * n }, () => -3 + rnd())),
  advantages: tensor('float32', [B], Float32Array.from({ length: B }, (_, i) => Math.sin(i))),
  token_weights: tensor('float32', [B, n], new Float32Array(B * n).fill(1)),
  clip_eps: tensor('float32', [], [0.2]), beta: tensor('float32', [], [0.03]), ...weights,
};
const trainLora = Object.fromEntries(Object.entries(lw).map(([k, t]) => [k, tensor('float32', t.dims, Float32Array.from(t.data))]));
const adamState = initAdamState(trainLora);

const mmSize = 1024;
const mmSession = await (async () => {
  const g = new Graph('mm');
  const a = g.input('a', 'float32', [mmSize, mmSize]);
  const b = g.input('b', 'float32', [mmSize, mmSize]);
  g.output(matMul(a, b), 'c');
  return createNodeSession(serializeModel(g));
})();
const mmFeeds = { a: randn('float32', [mmSize, mmSize], 1), b: randn('float32', [mmSize, mmSize], 2) };

// GVU_BENCH_MERGED=1: sample8 with the adapter merged into the weights (mergeAdapter, as evaluation
// and batch scoring sample with a fixed adapter); the codes task and the GvU step keep the fed adapter.
const merged = mergeAdapter(weights, lora, lw);
const mergedGen = process.env.GVU_BENCH_MERGED === '1' ? await createGenerationSessions(cfg, merged) : null;
async function sample(promptTexts: string[], seeds: number[]) {
  return sampleImages(cfg, policy, gen, promptTexts.map(promptIds), { ...GVU_SAMPLING, groupSize: G, seeds });
}
async function sampleForTiming(promptTexts: string[], seeds: number[]) {
  if (!mergedGen) return sample(promptTexts, seeds);
  return sampleImages(cfg, merged, mergedGen, promptTexts.map(promptIds), { ...GVU_SAMPLING, groupSize: G, seeds });
}

// reward8 runs on 8 images sampled once at start-up: render + scoring is what it times
const rewardImages = await sample([train[0]], seeds8);
async function reward8() {
  const images = rewardImages.map((x) => renderTokens(x.codes));
  return scoreImages(cfg, weights, scorer, images.map((image) => ({ image, prompt: train[0] })));
}

let stepNo = 0;
const tasks: Record<string, () => Promise<unknown>> = {
  // (i) a group of 8 images for one prompt, KV cache, with the policy's LoRA
  sample8: () => sampleForTiming([train[0]], seeds8),
  // (ii) the reward of 8 images (render + understanding scorer + geomean), on fixed sampled images
  reward8: () => reward8(),
  // (iii) one GRPO update: fwd + bwd of 128 sequences (16 prompts x G = 8) w.r.t. all LoRA A/B, then Adam
  grpo_update: async () => {
    const out = await grpo.run({ ...grpoFeeds, ...trainLora });
    adamStep(trainLora, Object.fromEntries(names.map((k) => [k, out[`grad.${k}`].data as Float32Array])), adamState, adamCfg);
  },
  // (iv) a whole GvU step without the judge: sample 128, render, reward 128, reference logp, 2 updates
  gvu_step: async () => {
    stepNo++;
    const seeds = Array.from({ length: B }, (_, i) => (stepNo * 4099 + i) >>> 0);
    const samples = await sampleImages(cfg, { ...weights, ...trainLora }, gen, prompts16.map(promptIds), { ...GVU_SAMPLING, groupSize: G, seeds });
    const images = samples.map((x) => renderTokens(x.codes));
    const scored = await scoreImages(cfg, weights, scorer, samples.map((x, i) => ({ image: images[i], prompt: prompts16[x.prompt] })));
    const adv = groupAdvantages(scored.map((r) => r.reward), G);
    const seq = packGeneration(cfg, samples.map((x) => promptIds(prompts16[x.prompt])), samples.map((x) => Array.from(x.codes)));
    const logits = (await reference.run({ ids: seq.ids, positions: seq.positions, mask: seq.mask, ...weights })).image_logits.data as Float32Array;
    const vi = cfg.imageVocab;
    const ref = new Float32Array(B * n);
    samples.forEach((x, b) => { for (let t = 0; t < n; t++) ref[b * n + t] = logProbAt(logits.subarray((b * n + t) * vi, (b * n + t + 1) * vi), x.codes[t]); });
    const old = new Float32Array(B * n);
    samples.forEach((x, i) => old.set(x.modelLogp, i * n));
    const feeds = {
      ids: seq.ids, positions: seq.positions, mask: seq.mask,
      old_logp: tensor('float32', [B, n], old), ref_logp: tensor('float32', [B, n], ref),
      advantages: tensor('float32', [B], Float32Array.from(adv)), token_weights: tensor('float32', [B, n], new Float32Array(B * n).fill(1)),
      clip_eps: tensor('float32', [], [0.2]), beta: tensor('float32', [], [0.03]), ...weights,
    };
    for (let k = 0; k < 2; k++) {
      const out = await grpo.run({ ...feeds, ...trainLora });
      adamStep(trainLora, Object.fromEntries(names.map((nm) => [nm, out[`grad.${nm}`].data as Float32Array])), adamState, adamCfg);
    }
  },
  matmul1024: () => mmSession.run(mmFeeds),
};


const rl = createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ ready: true, threads: process.env.GVU_ORT_THREADS ?? 'default' }) + '\n');
for await (const line of rl) {
  const cmd = JSON.parse(line) as { task: string; check?: boolean };
  if (cmd.task === 'quit') break;
  if (cmd.task === 'codes') { // sampled codes for a cross-check with the PyTorch sampler
    const s = await sample([train[0]], seeds8);
    const r = await reward8();
    process.stdout.write(JSON.stringify({ codes: s.map((x) => Array.from(x.codes)), rewards: r.map((x) => x.reward), rewardCodes: rewardImages.map((x) => Array.from(x.codes)) }) + '\n');
    continue;
  }
  const t0 = performance.now();
  await tasks[cmd.task]();
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ task: cmd.task, ms }) + '\n');
}
process.exit(0);
