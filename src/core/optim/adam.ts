// Adam(W) over named float32 parameters, in place, with global-norm gradient clipping and a
// non-finite guard: a step whose gradients or results hold NaN/Inf is refused and the weights and
// moments stay untouched.
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

/**
 * One update. `lr` overrides the config (schedules); grads are keyed like params. Nothing is
 * written unless every new weight and moment is finite: a NaN/Inf gradient, or an update that
 * overflows (a huge gradient squared into v, a weight pushed past float32), leaves params and
 * state exactly as they were and comes back as applied: false with the reason.
 */
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
    return { applied: false, gradNorm, reason: bad ? `non-finite gradient in ${bad}` : 'gradient norm overflows' };
  }
  const scale = cfg.clipNorm > 0 && gradNorm > cfg.clipNorm ? cfg.clipNorm / gradNorm : 1;
  const step = state.step + 1;
  const bc1 = 1 - cfg.beta1 ** step;
  const bc2 = 1 - cfg.beta2 ** step;
  // Compute into fresh arrays first, commit only if all of it is finite.
  const next: [Float32Array, Float32Array, Float32Array][] = [];
  for (const [k, p] of Object.entries(params)) {
    const [w0, g, m0, v0] = [p.data, grads[k], state.m[k], state.v[k]];
    const [w, m, v] = [new Float32Array(w0.length), new Float32Array(w0.length), new Float32Array(w0.length)];
    const decay = cfg.weightDecay > 0 && p.dims.length >= 2 ? lr * cfg.weightDecay : 0;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * scale;
      m[i] = cfg.beta1 * m0[i] + (1 - cfg.beta1) * gi;
      v[i] = cfg.beta2 * v0[i] + (1 - cfg.beta2) * gi * gi;
      w[i] = w0[i] - (lr * (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + cfg.eps) + decay * w0[i]);
      if (!Number.isFinite(w[i]) || !Number.isFinite(v[i])) {
        return { applied: false, gradNorm, reason: `non-finite update of ${k} at index ${i} (weight ${Number(w0[i].toPrecision(6))} -> ${w[i]})` };
      }
    }
    next.push([w, m, v]);
  }
  Object.entries(params).forEach(([k, p], j) => {
    p.data.set(next[j][0]);
    state.m[k].set(next[j][1]);
    state.v[k].set(next[j][2]);
  });
  state.step = step;
  return { applied: true, gradNorm };
}

/** Linear warmup then cosine decay to `floor` * lr. */
export function cosineLr(step: number, total: number, lr: number, warmup: number, floor = 0.1): number {
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const t = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
}
