// The flat colours of ShapesWorld. Chosen far apart in RGB (the closest pair, orange and yellow,
// is ~80 apart) and differing in lightness as well as hue, so the judge can name a colour from one
// noisy pixel and colour-blind viewers can still tell most pairs apart.
import type { Colour } from './vocabulary.ts';

export type Rgb = readonly [number, number, number];

export const BACKGROUND: Rgb = [255, 255, 255];

export const PALETTE: Readonly<Record<Colour, Rgb>> = {
  red: [220, 40, 30],
  green: [30, 150, 60],
  blue: [30, 90, 220],
  yellow: [245, 200, 20],
  purple: [140, 50, 170],
  orange: [245, 120, 10],
};
