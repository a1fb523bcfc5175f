// The GRPO training graph for GvU (Pan et al. 2026, "The RL"; GRPO from Shao et al. 2024,
// DeepSeekMath eq. 3 with the k3 KL estimator). For every generated image token t of sample i:
//   ratio_t     = exp(logp_t - old_logp_t)                      pi / pi_old
//   surrogate_t = min(ratio_t * A_i, clip(ratio_t, 1 - eps, 1 + eps) * A_i)
//   kl_t        = exp(ref_t - logp_t) - (ref_t - logp_t) - 1   k3: >= 0, unbiased for KL(pi || ref)
//   loss        = sum_t w_t * (-surrogate_t + beta * kl_t) / sum_t w_t
// logp is the current policy (base + LoRA) at temperature 1, teacher-forced on the sampled codes;
// old_logp comes from the rollout (SampledImage.modelLogp), ref_logp from the base model with the
// adapter off. The mean is over weighted tokens of the whole batch; with every token counted and N
// tokens per image it equals GRPO's mean over samples of per-sample token means.
// Only the adapter is trained: the gradient graph differentiates with respect to LoRA A/B alone.
import {
  Graph, type Value, add, and, buildGradientGraph, cast, exp, freezeInputs, greater, less, maximum, minimum, mul, neg, or,
  serializeModel, slice, sub, unsqueeze,
} from '../graph/index.ts';
import { tokenLogProbs, weightedMean } from '../graph/nn.ts';
import type { ModelConfig } from '../model/config.ts';
import { type LoraConfig, loraShapes } from '../model/lora.ts';
import type { Weights } from '../model/weights.ts';
import { type FloatDType, declareLora, declareParams, paramShapes, sharedPromptLogits } from '../model/umm.ts';

/** The per-token inputs of the objective besides logp. Shapes: [B, N] unless noted. */
export interface GrpoTerms {
  readonly oldLogp: Value; // log pi_old of each sampled code
  readonly refLogp: Value; // log pi_ref (adapter off)
  readonly advantages: Value; // [B] group-normalised rewards
  readonly tokenWeights: Value; // 1 = count this token, 0 = ignore it
  readonly clipEps: Value; // [] ratio clip range
  readonly beta: Value; // [] KL coefficient
}

export interface GrpoStats {
  readonly loss: Value; // [] the objective to minimise
  readonly kl: Value; // [] weighted token-mean of the k3 estimate
  readonly clipFrac: Value; // [] fraction of weighted tokens whose clipped term won the min (zero gradient)
  readonly ratioMean: Value; // [] weighted token-mean of pi / pi_old
}

/** The GRPO objective on per-token log-probs logp [B, N] (the loss head of the training graph). */
export function grpoObjective(logp: Value, t: GrpoTerms): GrpoStats {
  const adv = unsqueeze(t.advantages, [1]); // [B, 1]
  const [lo, hi] = [sub(1, t.clipEps), add(1, t.clipEps)];
  const ratio = exp(sub(logp, t.oldLogp)); // [B, N]
  const clipped = minimum(maximum(ratio, lo), hi); // Max/Min: bounds are inputs of any rank; gradient gated as Clip's
  // On a tie (ratio inside the range) Min sends the gradient to its first operand, the unclipped term.
  const surrogate = minimum(mul(ratio, adv), mul(clipped, adv)); // [B, N]
  const d = sub(t.refLogp, logp);
  const kl = sub(sub(exp(d), d), 1); // [B, N]
  const perToken = add(neg(surrogate), mul(t.beta, kl));
  // The clipped term is strictly smaller exactly when the ratio left the range on the side A rewards.
  const isClipped = or(and(greater(ratio, hi), greater(adv, 0)), and(less(ratio, lo), less(adv, 0)));
  const mean = (x: Value) => weightedMean(x, t.tokenWeights);
  return { loss: mean(perToken), kl: mean(kl), clipFrac: mean(cast(isClipped, logp.dtype)), ratioMean: mean(ratio) };
}


export interface GrpoGraphOptions {
  readonly dtype?: FloatDType; // float64 only for gradient checks (default float32)
  /**
   * The base weights, stored in the model (freezeInputs): GvU never changes them, so they are not
   * fed at every update (in the browser, copied into WASM memory), and ORT pre-packs them. Create
   * the session with the same tensors as SessionOptions.frozen.
   */
  readonly frozen?: Weights;
}

/**
 * The GRPO forward graph. Inputs: ids/positions/mask of whole sequences (packGeneration with the
 * sampled codes), old_logp, ref_logp, token_weights [B, N], advantages [B], clip_eps and beta [],
 * the base weights, then the adapter's lora.<param>.A/B. Outputs: loss, kl, clip_frac,
 * ratio_mean [] and logp [B, N] (the current policy's log-prob of each sampled code).
 */
export function buildGrpoLossGraph(cfg: ModelConfig, lora: LoraConfig, opts: GrpoGraphOptions = {}): Graph {
  const dtype = opts.dtype ?? 'float32';
  const g = new Graph('grpo');
  const [t, n] = [cfg.maxText, cfg.imageTokens];
  const ids = g.input('ids', 'int32', ['B', t + n]);
  const positions = g.input('positions', 'int32', ['B', t + n]);
  const mask = g.input('mask', dtype, ['B', 1, t + n, t + n]);
  const terms: GrpoTerms = {
    oldLogp: g.input('old_logp', dtype, ['B', n]),
    refLogp: g.input('ref_logp', dtype, ['B', n]),
    advantages: g.input('advantages', dtype, ['B']),
    tokenWeights: g.input('token_weights', dtype, ['B', n]),
    clipEps: g.input('clip_eps', dtype, []),
    beta: g.input('beta', dtype, []),
  };
  const p = { ...declareParams(g, cfg, dtype), ...declareLora(g, cfg, lora, dtype) };

  const codes = sub(slice(ids, [t], [t + n], [1]), g.const('int32', cfg.textVocab)); // [B, N] in [0, Vi)
  const logp = tokenLogProbs(sharedPromptLogits(cfg, p, ids, positions, mask), codes); // [B, N]: each group's prompt runs once
  const s = grpoObjective(logp, terms);
  g.output(s.loss, 'loss');
  g.output(s.kl, 'kl');
  g.output(s.clipFrac, 'clip_frac');
  g.output(s.ratioMean, 'ratio_mean');
  g.output(logp, 'logp');
  return g;
}

/** The adapter's input names, in graph order: what GRPO trains. */
export const loraParamNames = (cfg: ModelConfig, lora: LoraConfig): string[] => Object.keys(loraShapes(paramShapes(cfg), lora));

/**
 * The GRPO training model, serialised: the forward outputs plus grad.lora.<param>.A/B for every
 * adapter tensor (base weights get no gradient; they are frozen).
 */
export function buildGrpoGradientModel(cfg: ModelConfig, lora: LoraConfig, opts: GrpoGraphOptions = {}): Uint8Array {
  const g = buildGradientGraph(buildGrpoLossGraph(cfg, lora, opts), 'loss', loraParamNames(cfg, lora));
  return serializeModel(opts.frozen ? freezeInputs(g, opts.frozen) : g, `GRPO on LoRA r=${lora.rank} alpha=${lora.alpha}`);
}
