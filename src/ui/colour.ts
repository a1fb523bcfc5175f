// Colour scales. Sequential: viridis (perceptually uniform, colour-blind safe) for probabilities.
// Diverging: blue-white-orange (PuOr-like, colour-blind safe) for signed occlusion evidence.
type Rgb = readonly [number, number, number];

// viridis at t = 0, 0.125, ..., 1 (matplotlib's table, 9 stops)
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
const DIVERGING: readonly Rgb[] = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [253, 184, 99], [179, 88, 6]];

function ramp(stops: readonly Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f].map(Math.round) as unknown as Rgb;
}

export const viridis = (t: number): Rgb => ramp(VIRIDIS, t);
/** s in [-1, 1]: -1 blue (evidence against), 0 white, +1 orange (evidence for). */
export const diverging = (s: number): Rgb => ramp(DIVERGING, (s + 1) / 2);
export const css = ([r, g, b]: Rgb): string => `rgb(${r} ${g} ${b})`;
/** Dark or light text on a background colour. */
export const inkOn = ([r, g, b]: Rgb): string => (0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#111' : '#fff');
export const gradientCss = (scale: (t: number) => Rgb, from = 0, to = 1): string =>
  `linear-gradient(90deg, ${Array.from({ length: 9 }, (_, i) => css(scale(from + ((to - from) * i) / 8))).join(', ')})`;
