// The JSONL logs that long runs append to (pretraining, GvU training, evaluations): read back for
// reports and plots.
import { existsSync, readFileSync } from 'node:fs';
import { parseJsonLines } from '../core/jsonl.ts';

export type LogRow = Record<string, number>;

/** Every row of a run log; [] when the run has not logged yet. */
export function readRunLog(file: string): LogRow[] {
  return existsSync(file) ? parseJsonLines(readFileSync(file, 'utf8'), file, (v) => v as LogRow) : [];
}

/**
 * Wall-clock minutes of a run, or null when it logged none. A resumed run restarts its clock
 * (wallSec counts from the resume), so each segment's last wallSec is summed.
 */
export function loggedMinutes(rows: readonly LogRow[]): number | null {
  let total = 0;
  rows.forEach((r, i) => {
    const next = rows[i + 1]?.wallSec;
    if (r.wallSec !== undefined && (next === undefined || next < r.wallSec)) total += r.wallSec;
  });
  return total > 0 ? total / 60 : null;
}
