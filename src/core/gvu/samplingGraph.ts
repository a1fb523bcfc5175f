// A whole group's sampling as one ONNX graph: prefill each distinct prompt, draw the first code,
// then a Loop of N - 1 decode steps that each draw their code inside the graph. One session call
// per group instead of one per token: a decode step of the tiny model is ~0.5 ms of kernels, and
// binding its ~60 feeds and outputs from JavaScript cost about as much again (docs/benchmarks.md).
//
// The draw is the twin of sampleToken.ts (temperature, min-p, inverse-CDF with the caller's
// uniforms), in float64 like the JavaScript: the same codes for the same seeds. Top-k, top-p,
// greedy decoding and classifier-free guidance stay on the step-by-step path (sampling.ts picks).
// The decode steps attend with ORT's MultiHeadAttention kernel (12 nodes per layer -> 1; ~12%
// of a group of 8): their logits match the step path's to float32 rounding.
import {
  Graph, type Value, add, argMax, cast, concat, cumSum, div, exp, gather, gatherElements, greaterEq,
  less, log, loop, range, reduceMax, reduceSum, reshape, sub, transpose, unsqueeze, where,
} from '../graph/index.ts';
import { type ModelConfig, headSize } from '../model/config.ts';
import type { LoraConfig } from '../model/lora.ts';
import { NEG } from '../model/sequences.ts';
import { type KV, type Params, declareModel, generationStep } from '../model/umm.ts';

interface DrawSettings {
  readonly temperature: Value; // float64 [] > 0
  readonly minP: Value; // float64 [] in [0, 1)
}

/**
 * Inputs: ids, positions [B, T] int32 and mask [B, 1, T, T] of the distinct prompts (packGeneration),
 * rows [n] int32 (each image's prompt), pads [n] int32 (its left padding), uniforms [n, N] float64
 * (image i's draws, one per code), temperature and min_p float64 scalars, then the model's weights
 * (and the adapter's with `lora`).
 * Outputs: codes [n, N] int32, policy_logp and model_logp [n, N] float64 (sampleToken's TokenDraw).
 */
export function buildSamplingGraph(cfg: ModelConfig, lora?: LoraConfig): Graph {
  const g = new Graph('sample_images');
  const t = cfg.maxText;
  const ids = g.input('ids', 'int32', ['B', t]);
  const positions = g.input('positions', 'int32', ['B', t]);
  const mask = g.input('mask', 'float32', ['B', 1, t, t]);
  const rows = g.input('rows', 'int32', ['n']);
  const pads = g.input('pads', 'int32', ['n']);
  const uniforms = g.input('uniforms', 'float64', ['n', cfg.imageTokens]);
  const settings: DrawSettings = {
    temperature: g.input('temperature', 'float64', []),
    minP: g.input('min_p', 'float64', []),
  };
  const p = declareModel(g, cfg, { lora });

  // Prefill the distinct prompts, then give every row its prompt's logits and cache.
  const pre = generationStep(cfg, p, ids, positions, mask);
  const first = drawCodes(gather(pre.logits, rows, 0), gather(uniforms, g.const('int64', 0), 1), settings);
  const cache = pre.present.flatMap((kv) => [gather(kv.k, rows, 0), gather(kv.v, rows, 0)]);

  const kvShape = ['n', cfg.heads, 'P', headSize(cfg)];
  const { scans } = loop(cfg.imageTokens - 1, [first.code, ...cache], (body, iter, [code, ...flat]) => {
    const inner: Params = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, body.outer(v)]));
    const past: KV[] = Array.from({ length: cfg.layers }, (_, i) => ({ k: flat[2 * i], v: flat[2 * i + 1] }));
    const step = decodeInputs(cfg, body, code, iter, body.outer(pads));
    const out = generationStep(cfg, inner, step.ids, step.positions, step.mask, past, { fusedAttention: true });
    const u = gather(body.outer(uniforms), add(iter, body.const('int64', 1)), 1); // [n]
    const d = drawCodes(out.logits, u, { temperature: body.outer(settings.temperature), minP: body.outer(settings.minP) });
    return { carried: [d.code, ...out.present.flatMap((kv) => [kv.k, kv.v])], scans: [d.code, d.policyLogp, d.modelLogp] };
  }, [undefined, ...cache.map(() => kvShape)]);

  // [1 + (N - 1), n] -> [n, N]
  const codes = (firstOne: Value, rest: Value) => transpose(concat([unsqueeze(firstOne, [0]), rest], 0), [1, 0]);
  g.output(codes(first.code, scans[0]), 'codes');
  g.output(codes(first.policyLogp, scans[1]), 'policy_logp');
  g.output(codes(first.modelLogp, scans[2]), 'model_logp');
  return g;
}

/** packDecodeStep in the graph: ids [n, 1], positions [n, 1] and mask [n, 1, 1, S] for step `iter` (0-based after the first code). */
function decodeInputs(cfg: ModelConfig, g: Graph, code: Value, iter: Value, pads: Value) {
  const ids = unsqueeze(add(code, g.const('int32', cfg.textVocab)), [1]);
  const past = add(cast(iter, 'int32'), g.const('int32', cfg.maxText)); // keys already cached
  const positions = unsqueeze(sub(past, pads), [1]);
  const keys = range(g.const('int32', 0), add(past, g.const('int32', 1)), g.const('int32', 1)); // [S]
  const hidden = less(unsqueeze(keys, [0]), unsqueeze(pads, [1])); // [n, S]: padding
  const mask = unsqueeze(where(hidden, g.const('float32', NEG), g.const('float32', 0)), [1, 2]);
  return { ids, positions, mask };
}

/**
 * sampleToken in the graph, for every image at once: logits [n, V] float32, u [n] float64 -> code
 * [n] int32 and its policy and model log-probs [n] float64. Each line mirrors the JavaScript it
 * stands for (sampleToken.ts).
 */
function drawCodes(logits: Value, u: Value, s: DrawSettings): { code: Value; policyLogp: Value; modelLogp: Value } {
  const g = logits.graph;
  const raw = cast(logits, 'float64');
  const minusInf = g.const('float64', -Infinity);
  // logSoftmax(logits, temperature)
  const x = div(raw, s.temperature);
  const lp = logNormalise(x);
  // min-p (policyLogProbs): drop tokens below minP x p(top) of the renormalised survivors (min_p 0 keeps all)
  const survivors = logNormalise(lp);
  const cut = add(log(s.minP), reduceMax(survivors, [-1], true));
  const keep = greaterEq(survivors, cut);
  // renormalise(lp, keep)
  const top = reduceMax(where(keep, lp, minusInf), [-1], true);
  const mass = reduceSum(where(keep, exp(sub(lp, top)), g.const('float64', 0)), [-1], true);
  const policy = where(keep, sub(lp, add(top, log(mass))), minusInf);
  // drawToken: the first token whose cumulative probability exceeds u, else the last kept one
  const hit = cast(less(unsqueeze(u, [1]), cumSum(exp(policy), -1)), 'float32'); // [n, V]
  const firstHit = argMax(hit, -1);
  const lastKept = argMax(cast(keep, 'float32'), -1, true);
  const token = where(greaterEq(reduceMax(hit, [-1], true), g.const('float32', 1)), firstHit, lastKept); // [n, 1] int64
  const flat = (v: Value) => reshape(v, [-1]);
  // logProbAt(logits, token): the raw model's row
  const rawTop = reduceMax(raw, [-1], true);
  const rawMass = reduceSum(exp(sub(raw, rawTop)), [-1], true);
  const modelLogp = sub(sub(gatherElements(raw, token, -1), rawTop), log(rawMass));
  return { code: flat(cast(token, 'int32')), policyLogp: flat(gatherElements(policy, token, -1)), modelLogp: flat(modelLogp) };
}

/** x - logsumexp(x) over the last axis, as logSoftmax/renormalise compute it: max + log(sum exp(x - max)). */
function logNormalise(x: Value): Value {
  const top = reduceMax(x, [-1], true);
  return sub(x, add(top, log(reduceSum(exp(sub(x, top)), [-1], true))));
}
