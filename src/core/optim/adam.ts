// Adam(W) over named float32 parameters, in place, with global-norm gradient clipping and a
// non-finite guard: a step whose gradients hold NaN/Inf is refused and the weights stay untouched.
import type { TensorData } from '../tensor.ts';

export interface AdamConfig {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number; // decoupled (AdamW); applied to matrices only
  readonly clipNorm: number; // 0 disables clipping
}

export const ADAM_DEFAULTS: AdamConfig = { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, clipNorm: 1 };

export interface AdamState {
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export function initAdamState(params: Record<string, TensorData<'float32'>>): AdamState {
  const zeros = () => Object.fromEntries(Object.entries(params).map(([k, t]) => [k, new Float32Array(t.data.length)]));
  return { step: 0, m: zeros(), v: zeros() };
}

export interface StepReport {
  applied: boolean;
  gradNorm: number;
  reason?: string;
}

/** One update. `lr` overrides the config (schedules); grads are keyed like params. */
export function adamStep(
  params: Record<string, TensorData<'float32'>>,
  grads: Record<string, ArrayLike<number>>,
  state: AdamState,
  cfg: AdamConfig,
  lr = cfg.lr,
): StepReport {
  let sq = 0;
  for (const k of Object.keys(params)) {
    const g = grads[k];
    if (!g) throw new Error(`adam: no gradient for parameter ${k}`);
    if (g.length !== params[k].data.length) throw new Error(`adam: gradient ${k} has ${g.length} values, parameter has ${params[k].data.length}`);
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  const gradNorm = Math.sqrt(sq);
  if (!Number.isFinite(gradNorm)) {
    const bad = Object.keys(params).find((k) => Array.prototype.some.call(grads[k], (x: number) => !Number.isFinite(x)));
    return { applied: false, gradNorm, reason: `non-finite gradient in ${bad}` };
  }
  const scale = cfg.clipNorm > 0 && gradNorm > cfg.clipNorm ? cfg.clipNorm / gradNorm : 1;
  state.step++;
  const bc1 = 1 - cfg.beta1 ** state.step;
  const bc2 = 1 - cfg.beta2 ** state.step;
  for (const [k, p] of Object.entries(params)) {
    const [w, g, m, v] = [p.data, grads[k], state.m[k], state.v[k]];
    const decay = cfg.weightDecay > 0 && p.dims.length >= 2 ? lr * cfg.weightDecay : 0;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * scale;
      m[i] = cfg.beta1 * m[i] + (1 - cfg.beta1) * gi;
      v[i] = cfg.beta2 * v[i] + (1 - cfg.beta2) * gi * gi;
      w[i] -= lr * (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + cfg.eps) + decay * w[i];
    }
  }
  return { applied: true, gradNorm };
}

/** Linear warmup then cosine decay to `floor` * lr. */
export function cosineLr(step: number, total: number, lr: number, warmup: number, floor = 0.1): number {
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const t = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
}
