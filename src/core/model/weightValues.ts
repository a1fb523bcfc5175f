// What an adapter's numbers may be. A NaN or Inf anywhere poisons every image the adapter touches,
// so it is refused, naming the tensor, how many values are bad and where the first is. Finite but
// huge weights are refused too past an absurd bound, and warned about well before it.
//
// The bounds, measured on the shipped model (P 8, G 4, Adam as the trainer runs it): the largest
// weight of a trained adapter was 0.25 after 400 steps at lr 1e-3, and stayed under 2 at every lr
// tried, up to runs that diverged (lr 1e-2 for 300 steps: 1.67; lr 0.05: 1.08; lr 0.1: 1.90). An
// adapter scaled so its largest weight is 10 already wrecks generation (validation pass rate 0.07
// against 0.77 for the base model). So: a warning past 10, five times anything training made; an
// error past 1000, a hundred times further, where the values cannot have come from training.
import type { TensorData } from '../tensor.ts';

export const WEIGHT_WARN_ABS = 10;
export const WEIGHT_MAX_ABS = 1000;

export interface ValueReport {
  readonly nonFinite: string[]; // refuse: no training step writes these
  readonly tooLarge: string[]; // refuse: past WEIGHT_MAX_ABS
  readonly large: string[]; // load, and warn: past WEIGHT_WARN_ABS
}

/** [i, j] of flat index `at` in a row-major tensor of these dims. */
function position(dims: readonly number[], at: number): string {
  const idx: number[] = [];
  for (let d = dims.length - 1; d >= 0; d--) {
    idx.unshift(at % dims[d]);
    at = Math.floor(at / dims[d]);
  }
  return `[${idx.join(', ')}]`;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 ? v.toExponential(2) : String(Number(v.toPrecision(4))));

/** Each tensor's non-finite values, or else its largest magnitude when past a bound. */
export function checkWeightValues(tensors: Readonly<Record<string, TensorData<'float32'>>>): ValueReport {
  const r: ValueReport = { nonFinite: [], tooLarge: [], large: [] };
  for (const [name, t] of Object.entries(tensors)) {
    let bad = 0;
    let firstBad = -1;
    let peak = 0;
    let peakAt = -1;
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (!Number.isFinite(v)) {
        if (bad++ === 0) firstBad = i;
      } else if (Math.abs(v) > peak) {
        peak = Math.abs(v);
        peakAt = i;
      }
    }
    if (bad) {
      const first = `${bad === 1 ? '' : 'first: '}${d[firstBad]} at ${position(t.dims, firstBad)}`;
      r.nonFinite.push(`${bad} of the ${d.length} values of ${name} ${bad === 1 ? 'is' : 'are'} not finite (${first})`);
    } else if (peak > WEIGHT_MAX_ABS) {
      r.tooLarge.push(`${name} has a weight of ${fmt(d[peakAt])} at ${position(t.dims, peakAt)}, beyond ±${WEIGHT_MAX_ABS}`);
    } else if (peak > WEIGHT_WARN_ABS) {
      r.large.push(`${name} has a weight of ${fmt(d[peakAt])} at ${position(t.dims, peakAt)}, beyond ±${WEIGHT_WARN_ABS}`);
    }
  }
  return r;
}
