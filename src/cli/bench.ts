// `npm run bench` -> docs/results/bench.json: the project's own performance figures. Node
// (onnxruntime-node, default threads, the trainer's sessions): sampling a group of 8 (the adapter fed,
// as in training, and merged, as with a fixed adapter), the reward of
// 8 images, one GRPO update (16 x 8 sequences, forward + backward + Adam), a whole GvU step (the
// trainer's own step, judge included), and ORT's MatMul peak on this machine with the GRPO update's
// MatMul throughput as a fraction of it. Browser (headless Chromium, WASM): first image from a cold
// page load by phase, a group of 8, a training step (src/cli/browserTimings.ts). Tasks run
// interleaved, medians reported, with the load average before and after each series: the machine
// is shared, and the figures move with it. Side-by-side ratios against PyTorch eager come from the
// reference harness (../shared/ref), recorded in docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { Graph, matMul, serializeModel } from '../core/graph/index.ts';
import { loraParamNames } from '../core/gvu/grpoGraph.ts';
import { GVU_SAMPLING, type GenerationSessions, releaseGenerationSessions, sampleImages } from '../core/gvu/sampling.ts';
import { scoreImages } from '../core/gvu/scoreImages.ts';
import { GVU_DEFAULTS, type GvuConfig, type GvuLogRow, createGvuSessions, freshGvuState, trainGvu } from '../core/gvu/trainer.ts';
import type { ModelConfig } from '../core/model/config.ts';
import { mergeAdapter } from '../core/model/mergeAdapter.ts';
import { packGeneration } from '../core/model/sequences.ts';
import { adamStep } from '../core/optim/adam.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import { mulberry32, randn, tensor } from '../core/tensor.ts';
import { parseSpecJsonl, promptIds, renderTokens } from '../core/world/index.ts';
import { BROWSER_OUT, measureBrowser } from './browserTimings.ts';
import { parseFlags, flag } from './flags.ts';
import { createGenerationSessions } from './generationSessions.ts';
import { loadModel } from './modelFiles.ts';

export const BENCH_FLAGS = {
  reps: flag.integer(15, 'timed runs of each node task (after 2 warm-up runs)', { min: 1 }),
  gvuSteps: flag.integer(5, 'whole GvU steps timed (after 1 warm-up step)', { min: 1 }),
  browser: flag.boolean(true, 'also measure the playground in headless Chromium (WASM)'),
  out: flag.output('docs/results/bench.json', 'FILE', 'where the figures go'),
} as const;

const P = 16;
const G = 8;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => loadavg().map((x) => round(x, 2));

/**
 * MatMul FLOPs (2 per multiply-add) of one GRPO update on `batch` sequences: forward and backward
 * with respect to the LoRA A/B only (no input gradient for layer 0's q/k/v). With `prompts` =
 * `batch` (every sequence whole) the same count as the reference's train_step_flops
 * (../shared/ref/tiny_umm.py), which torch.profiler confirms; with fewer, the project's graph,
 * which runs each distinct prompt once (sharedPromptLogits): prompts x T + batch x N positions.
 */
export function grpoUpdateFlops(cfg: ModelConfig, batch: number, rank: number, prompts = batch): number {
  const [d, hd, r] = [cfg.width, cfg.mlpRatio * cfg.width, rank];
  const [t, n] = [cfg.maxText, cfg.imageTokens];
  const tok = prompts === batch ? batch * (t + n) : prompts * t + batch * n;
  // query x key pairs: whole sequences, or each prompt's causal block once plus images over all keys
  const pairs = prompts === batch ? batch * (t + n) * (t + n) : prompts * t * t + batch * n * (t + n);
  const mats: [string, number, number][] = [['q', d, d], ['k', d, d], ['v', d, d], ['o', d, d], ['up', d, hd], ['down', hd, d]];
  let f = 0;
  for (let l = 0; l < cfg.layers; l++) {
    for (const [name, i, o] of mats) {
      f += 2 * tok * (i * o + i * r + r * o) + 2 * tok * (o * r + i * r + r * o);
      if (!(l === 0 && 'qkv'.includes(name))) f += 2 * tok * (o * i + r * i);
    }
    f += 6 * 2 * pairs * d; // attention: 2 forward, 4 backward batched matmuls
  }
  const headTok = batch * cfg.imageTokens;
  const [i, o] = [d, cfg.imageVocab];
  return f + 2 * headTok * (i * o + i * r + r * o) + 2 * headTok * (o * r + i * r + r * o) + 2 * headTok * (o * i + r * i);
}

async function nodeFigures(reps: number, gvuSteps: number) {
  const { cfg, weights: base } = loadModel('public/models/tiny-umm');
  const train = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl');
  const run: GvuConfig = { ...GVU_DEFAULTS, promptsPerStep: P, groupSize: G, evalEvery: 0, checkpointEvery: 1_000_000 };
  const s = await createGvuSessions(cfg, run, (m, o) => createNodeSession(m, o), base);
  const state = freshGvuState(cfg, run);
  for (const k of Object.keys(state.lora)) if (k.endsWith('.B')) state.lora[k] = randn('float32', state.lora[k].dims, k.length, 0.02); // a moved adapter
  const policy = { ...base, ...state.lora };
  const names = loraParamNames(cfg, s.lora);
  const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, clipNorm: 1 };
  const n = cfg.imageTokens;
  const groupOf8 = (weights: typeof base, sessions: GenerationSessions) =>
    sampleImages(cfg, weights, sessions, [promptIds(train[0].prompt)], { ...GVU_SAMPLING, groupSize: G, seeds: [...Array(G).keys()].map((i) => 2000 + i) });
  const sample8 = () => groupOf8(policy, s);
  // The same group with the adapter merged into the weights, as evaluation and batch scoring sample
  // with a fixed adapter (mergeAdapter.ts); training feeds it, since it changes at every step.
  const merged = mergeAdapter(base, s.lora, state.lora);
  const fixed = await createGenerationSessions(cfg, merged);
  const sample8Merged = () => groupOf8(merged, fixed);
  const eight = await sample8();
  const images = eight.map((x) => renderTokens(x.codes));
  const rnd = mulberry32(5);
  const b = P * G;
  const codes = Array.from({ length: b }, (_, r) => Array.from(eight[r % G].codes));
  const seq = packGeneration(cfg, train.slice(0, P).flatMap((x) => Array(G).fill(promptIds(x.prompt))), codes);
  const grpoFeeds = {
    ids: seq.ids, positions: seq.positions, mask: seq.mask, ...base,
    old_logp: tensor('float32', [b, n], Float32Array.from({ length: b * n }, () => -3 + rnd())),
    ref_logp: tensor('float32', [b, n], Float32Array.from({ length: b * n }, () => -3 + rnd())),
    advantages: tensor('float32', [b], Float32Array.from({ length: b }, (_, i) => Math.sin(i))),
    token_weights: tensor('float32', [b, n], new Float32Array(b * n).fill(1)),
    clip_eps: tensor('float32', [], [0.2]), beta: tensor('float32', [], [0.03]),
  };
  const mmSize = 1024;
  const mg = new Graph('matmul');
  mg.output(matMul(mg.input('a', 'float32', [mmSize, mmSize]), mg.input('b', 'float32', [mmSize, mmSize])), 'c');
  const mm = await createNodeSession(serializeModel(mg));
  const mmFeeds = { a: randn('float32', [mmSize, mmSize], 1), b: randn('float32', [mmSize, mmSize], 2) };

  const tasks: Record<string, () => Promise<unknown>> = {
    sample8,
    sample8Merged,
    reward8: () => scoreImages(cfg, base, s.scorer, images.map((image) => ({ image, prompt: train[0].prompt }))),
    grpo_update: async () => {
      const out = await s.grpo.run({ ...grpoFeeds, ...state.lora });
      adamStep(state.lora, Object.fromEntries(names.map((k) => [k, out[`grad.${k}`].data as Float32Array])), state.adam, adam);
    },
    matmul1024: () => mm.run(mmFeeds),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
  const loadBefore = load();
  for (let rep = 0; rep < reps + 2; rep++) {
    for (const [k, task] of Object.entries(tasks)) {
      const t0 = performance.now();
      await task();
      if (rep >= 2) times[k].push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50)); // let pool threads park between tasks
    }
  }
  const loadAfterTasks = load();
  await Promise.all([s.prefill, s.decode, s.group, s.scorer, s.reference, s.grpo, mm].map((x) => x?.release()));
  await releaseGenerationSessions(fixed);

  // The trainer's own whole step: P x G rollouts, decode, judge, reward, reference, 2 updates.
  const rows: GvuLogRow[] = [];
  await trainGvu(cfg, base, { ...run, steps: gvuSteps + 1 }, freshGvuState(cfg, run), train, {
    createSession: (m, o) => createNodeSession(m, o), log: (r) => void rows.push(r), checkpoint: async () => {},
  });
  const stepMs = rows.slice(1).map((r) => r.seconds * 1000);
  const flops = grpoUpdateFlops(cfg, b, run.loraRank, P); // what the graph computes: each of the P prompts once
  const wholeFlops = grpoUpdateFlops(cfg, b, run.loraRank); // the same update on whole sequences (PyTorch's)
  // GFLOP/s. On a shared machine best and median differ by 2-10x: compare best with best and
  // median with median, never across.
  const rate = (f: number, ms: number) => f / ms / 1e6;
  const peak = rate(2 * mmSize ** 3, Math.min(...times.matmul1024));
  const peakMedian = rate(2 * mmSize ** 3, median(times.matmul1024));
  const grpoRate = rate(flops, median(times.grpo_update));
  const grpoBest = rate(flops, Math.min(...times.grpo_update));
  return {
    threads: process.env.GVU_ORT_THREADS ?? 'default',
    sample_group8_ms: round(median(times.sample8)), // the adapter fed, as in training
    sample_group8_merged_adapter_ms: round(median(times.sample8Merged)), // a fixed adapter merged into the weights
    reward8_ms: round(median(times.reward8)),
    grpo_update_ms: round(median(times.grpo_update)),
    gvu_step_ms: round(median(stepMs)),
    matmul_peak_gflops: round(peak), // best run
    grpo_update_gflops: round(grpoBest), // best run
    grpo_matmul_fraction_of_peak: round(grpoBest / peak, 3), // best / best
    grpo_matmul_fraction_median: round(grpoRate / peakMedian, 3), // median / median
    details: {
      runs_ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => round(x))])),
      gvu_step_runs_ms: stepMs.map((x) => round(x)),
      gvu_step: { promptsPerStep: P, groupSize: G, innerUpdates: run.innerUpdates, judge: true, first_step_dropped: true },
      grpo_update_flops: flops,
      grpo_update_flops_whole_sequences: wholeFlops,
      grpo_update_gflops_whole_sequences: round(rate(wholeFlops, Math.min(...times.grpo_update))), // the rate PyTorch's work would need
      matmul: `${mmSize}^3 float32, best of ${reps} for the peak`,
      loadavg_before: loadBefore, loadavg_after_tasks: loadAfterTasks, loadavg_after_gvu_steps: load(),
    },
  };
}

export async function benchCommand(argv: string[]): Promise<void> {
  const o = parseFlags('bench', BENCH_FLAGS, argv);
  const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  console.log(uptime);
  const node = await nodeFigures(o.reps, o.gvuSteps);
  console.log('node', JSON.stringify(node));
  const browser = o.browser ? await measureBrowser() : null;
  const result = { measured_at: new Date().toISOString(), uptime_start: uptime, uptime_end: execFileSync('uptime', { encoding: 'utf8' }).trim(), node, browser };
  writeFileSync(o.out, JSON.stringify(result, null, 2) + '\n');
  // The same browser run is the playground's record (docs/benchmarks.md reads it from there too).
  if (browser) writeFileSync(BROWSER_OUT, JSON.stringify(browser, null, 2) + '\n');
  console.log(`wrote ${o.out}${browser ? ` and ${BROWSER_OUT}` : ''}`);
}

if (process.argv[1]?.endsWith('bench.ts')) await benchCommand(process.argv.slice(2));
