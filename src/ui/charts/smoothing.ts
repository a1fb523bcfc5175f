// Smoothing of a training curve as Weights & Biases does it ("exponential moving average", the
// default): an EMA whose start is debiased, so the first points are not pulled towards zero. A
// weight of 0 returns the series as logged; 0.99 follows only long trends. Missing values (null,
// NaN) stay missing and do not reset the average.

/** The smoothing weights the slider offers: 0 (off) up to, not including, 1. */
export const MAX_SMOOTHING = 0.99;

export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight <= MAX_SMOOTHING)) throw new RangeError(`smoothing weight must be from 0 to ${MAX_SMOOTHING}; got ${weight}`);
  let last = 0;
  let n = 0; // finite values seen: the debias term is 1 - weight^n
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * weight + (1 - weight) * v;
    n += 1;
    return weight === 0 ? v : last / (1 - weight ** n);
  });
}
