// GRPO advantages within each group of G rewards (prompt-major, as sampleImages returns them), four
// ways. GvU's reward is continuous, so a group whose images all pass the judge still has a spread
// and still pushes the adapter; these modes are the study of that drift (issue 12):
//   std       (R_i - mean) / (std + 1e-4): GRPO as the paper and its code (reward.ts groupAdvantages);
//   no_std    R_i - mean: Dr. GRPO (Liu et al. 2025), a small spread gives a small push;
//   dead_zone std-normalised, but 0 for a group whose reward range (max - min) is below `deadZone`;
//   rank      centred ranks scaled to [-1, 1] (ties share their mean rank): only the order counts.
import { InputError } from '../errors.ts';
import { groupAdvantages } from './reward.ts';

export const ADVANTAGE_MODES = ['std', 'no_std', 'dead_zone', 'rank'] as const;
export type AdvantageMode = (typeof ADVANTAGE_MODES)[number];

function eachGroup(rewards: ArrayLike<number>, g: number, fill: (group: number[], out: Float64Array, start: number) => void): Float64Array {
  if (!Number.isInteger(g) || g < 1) throw new InputError(`groupSize must be a positive integer, got ${g}`);
  if (rewards.length % g !== 0) throw new InputError(`${rewards.length} rewards do not split into groups of ${g}`);
  const out = new Float64Array(rewards.length);
  for (let s = 0; s < rewards.length; s += g) fill(Array.from({ length: g }, (_, i) => rewards[s + i]), out, s);
  return out;
}

/** Centred ranks in [-1, 1]: the lowest reward -1, the highest +1, ties the mean of their ranks; G = 1 gives 0. */
function rankAdvantages(group: number[], out: Float64Array, start: number): void {
  const g = group.length;
  if (g < 2) return;
  group.forEach((r, i) => {
    const below = group.filter((x) => x < r).length;
    const equal = group.filter((x) => x === r).length;
    const rank = below + (equal - 1) / 2; // 0-based, ties averaged
    out[start + i] = (2 * rank) / (g - 1) - 1;
  });
}

export function advantagesBy(mode: AdvantageMode, rewards: ArrayLike<number>, groupSize: number, deadZone = 0): Float64Array {
  switch (mode) {
    case 'std': return groupAdvantages(rewards, groupSize);
    case 'no_std': return eachGroup(rewards, groupSize, (group, out, s) => {
      const mean = group.reduce((a, x) => a + x, 0) / group.length;
      group.forEach((r, i) => (out[s + i] = r - mean));
    });
    case 'dead_zone': {
      const std = groupAdvantages(rewards, groupSize);
      return eachGroup(rewards, groupSize, (group, out, s) => {
        if (Math.max(...group) - Math.min(...group) < deadZone) return;
        group.forEach((_, i) => (out[s + i] = std[s + i]));
      });
    }
    case 'rank': return eachGroup(rewards, groupSize, rankAdvantages);
  }
}
