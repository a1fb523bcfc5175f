// Does the intrinsic reward agree with the truth where GRPO looks? Within each prompt's group,
// the probability that a judge-passing image outscores a failing one (ties count half), pooled
// over all (pass, fail) pairs of all groups. Groups that all pass or all fail carry no pairs.

export interface GroupSample {
  readonly reward: number;
  readonly pass: boolean;
}

export interface Agreement {
  auc: number; // NaN when no group has both passes and failures
  pairs: number;
  groupsWithPairs: number;
}

export function withinGroupAuc(groups: readonly (readonly GroupSample[])[]): Agreement {
  let wins = 0;
  let pairs = 0;
  let groupsWithPairs = 0;
  for (const g of groups) {
    const pass = g.filter((s) => s.pass).map((s) => s.reward);
    const fail = g.filter((s) => !s.pass).map((s) => s.reward);
    if (!pass.length || !fail.length) continue;
    groupsWithPairs++;
    for (const a of pass) for (const b of fail) wins += a > b ? 1 : a === b ? 0.5 : 0;
    pairs += pass.length * fail.length;
  }
  return { auc: pairs ? wins / pairs : NaN, pairs, groupsWithPairs };
}
