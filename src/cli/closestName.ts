// "Did you mean --teacher?" for a mistyped flag: the one known name within a couple of edits.
// Case is ignored, so --groupsize finds groupSize.

/** The known name nearest to `name` (at most 2 edits, 1 for short names), or null when none is near or two tie. */
export function closestName(name: string, known: readonly string[]): string | null {
  const target = name.toLowerCase();
  const limit = target.length <= 4 ? 1 : 2;
  let best: string | null = null;
  let bestD = limit + 1;
  let tie = false;
  for (const k of known) {
    const d = editDistance(target, k.toLowerCase());
    if (d < bestD) [best, bestD, tie] = [k, d, false];
    else if (d === bestD) tie = true;
  }
  return best !== null && !tie ? best : null;
}

/** Levenshtein distance (insert, delete, substitute: one edit each). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
