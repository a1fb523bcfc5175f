// One sampling step over a row of image-code logits: temperature, top-k, top-p, min-p, then a
// seeded categorical draw. GvU samples with temperature 1.0 and min_p 0.03 (paper, training setup);
// min-p as in the paper and Hugging Face: drop tokens with p < minP * p_max.
//
// Filters apply in Hugging Face's warper order: temperature -> top-k -> top-p -> min-p, each on
// the distribution left by the previous one. Ties keep the lower token id first (stable sort), so
// a step is a pure function of (logits, filter, u).
import { InputError } from '../errors.ts';

export interface TokenFilter {
  readonly temperature: number; // > 0 scales logits; 0 = greedy (argmax)
  readonly topK: number; // keep the k most probable tokens; 0 = off
  readonly topP: number; // keep the smallest top set with mass >= topP; 1 = off
  readonly minP: number; // drop tokens with p < minP * p_max; 0 = off
}

export const NO_FILTER: TokenFilter = { temperature: 1, topK: 0, topP: 1, minP: 0 };

export function checkFilter(f: TokenFilter): void {
  if (!(f.temperature >= 0) || !Number.isFinite(f.temperature)) throw new InputError(`temperature must be a finite number >= 0, got ${f.temperature}`);
  if (!Number.isInteger(f.topK) || f.topK < 0) throw new InputError(`topK must be an integer >= 0 (0 = off), got ${f.topK}`);
  if (!(f.topP > 0 && f.topP <= 1)) throw new InputError(`topP must be in (0, 1] (1 = off), got ${f.topP}`);
  if (!(f.minP >= 0 && f.minP < 1)) throw new InputError(`minP must be in [0, 1) (0 = off), got ${f.minP}`);
}

/** log softmax(logits / temperature), in float64. */
export function logSoftmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] / temperature - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] / temperature - lse;
  return out;
}

/** log softmax(logits)[index] without materialising the row: per-token hot paths use it. */
export function logProbAt(logits: ArrayLike<number>, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return logits[index] - max - Math.log(sum);
}

/** Log-probs of the sampling policy (filtered tokens get -Infinity; survivors renormalised). */
export function policyLogProbs(logits: ArrayLike<number>, f: TokenFilter): Float64Array {
  const v = logits.length;
  if (f.temperature === 0) {
    let best = 0;
    for (let i = 1; i < v; i++) if (logits[i] > logits[best]) best = i;
    return Float64Array.from({ length: v }, (_, i) => (i === best ? 0 : -Infinity));
  }
  const lp = logSoftmax(logits, f.temperature);
  const keep = new Uint8Array(v).fill(1);
  // Min-p alone needs only the top token, not the sorted order (the common case: GvU's sampling).
  if (f.topK === 0 && f.topP === 1) return f.minP > 0 ? minPFilter(lp, keep, f.minP, argmax(lp)) : renormalise(lp, keep);
  const order = Array.from({ length: v }, (_, i) => i).sort((a, b) => lp[b] - lp[a]); // most probable first
  if (f.topK > 0) for (let r = f.topK; r < v; r++) keep[order[r]] = 0;
  if (f.topP < 1) {
    // Keep a token while the mass of the more probable survivors (after top-k) is short of topP.
    const survivors = renormalise(lp, keep);
    let mass = 0;
    let kept = 0;
    for (const i of order) {
      if (!keep[i]) continue;
      if (kept > 0 && mass >= f.topP) keep[i] = 0;
      mass += Math.exp(survivors[i]);
      kept++;
    }
  }
  return f.minP > 0 ? minPFilter(lp, keep, f.minP, order[0]) : renormalise(lp, keep);
}

/** Drop survivors below minP x p(top); `top` is the most probable token, always kept. */
function minPFilter(lp: Float64Array, keep: Uint8Array, minP: number, top: number): Float64Array {
  const survivors = renormalise(lp, keep);
  const cut = Math.log(minP) + survivors[top];
  for (let i = 0; i < lp.length; i++) if (survivors[i] < cut) keep[i] = 0;
  return renormalise(lp, keep);
}

/** The most probable token, the lowest id among ties (what the stable sort puts first). */
function argmax(lp: Float64Array): number {
  let best = 0;
  for (let i = 1; i < lp.length; i++) if (lp[i] > lp[best]) best = i;
  return best;
}

function renormalise(lp: Float64Array, keep: Uint8Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < lp.length; i++) if (keep[i]) max = Math.max(max, lp[i]);
  let sum = 0;
  for (let i = 0; i < lp.length; i++) if (keep[i]) sum += Math.exp(lp[i] - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(lp, (x, i) => (keep[i] ? x - lse : -Infinity));
}

/** Inverse-CDF draw: the first token whose cumulative probability exceeds u in [0, 1). */
export function drawToken(logp: Float64Array, u: number): number {
  let cum = 0;
  let last = -1;
  for (let i = 0; i < logp.length; i++) {
    if (logp[i] === -Infinity) continue;
    cum += Math.exp(logp[i]);
    last = i;
    if (u < cum) return i;
  }
  return last; // u beyond a cumulative sum that rounded to just under 1
}

export interface TokenDraw {
  readonly token: number;
  readonly policyLogp: number; // log p of token under the filtered, tempered policy
  readonly modelLogp: number; // log p of token under the raw model (temperature 1, no filtering)
}

/**
 * One step: policy distribution, a draw with uniform u, and the chosen token's two log-probs.
 * `modelLogits` is the raw model's row when it differs from the one sampled from (guided logits
 * under classifier-free guidance); by default it is `logits`.
 */
export function sampleToken(logits: ArrayLike<number>, f: TokenFilter, u: number, modelLogits: ArrayLike<number> = logits): TokenDraw {
  const policy = policyLogProbs(logits, f);
  const token = drawToken(policy, u);
  return { token, policyLogp: policy[token], modelLogp: logProbAt(modelLogits, token) };
}

/**
 * One image row's draw under classifier-free guidance: logits uncond + scale (cond - uncond) (no
 * guidance when `uncond` is null), filtered and drawn with the uniform `u`; the raw conditional
 * row gives modelLogp. `scratch` holds the guided row ([V], reused across rows).
 */
export function sampleGuidedToken(
  cond: ArrayLike<number>, uncond: ArrayLike<number> | null, scale: number, f: TokenFilter, u: number, scratch: Float64Array,
): TokenDraw {
  if (!uncond) return sampleToken(cond, f, u, cond);
  for (let v = 0; v < cond.length; v++) scratch[v] = uncond[v] + scale * (cond[v] - uncond[v]);
  return sampleToken(scratch, f, u, cond);
}
