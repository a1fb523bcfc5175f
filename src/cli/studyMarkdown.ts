// The study's table as markdown (docs/results/gvu.md, written beside gvu.json by `study`): the rows
// RESULTS.md leads with, rendered from the measured JSON so the prose never retypes a number.

/** The fields of a study row the table shows (study.ts rowSummary). */
export interface StudyRowNumbers {
  readonly what: string;
  readonly seeds: number;
  readonly seed_ids?: readonly number[];
  readonly overall: number;
  readonly overall_std: number | null;
  readonly relative_gain: number;
  readonly seen_overall: number;
  readonly understanding: number;
  readonly relation_edits: number;
  readonly probe: number;
  readonly kl_last100: number | null;
  readonly reward_judge_auc: number;
  readonly steps_done: number;
}

export interface StudyNumbers {
  readonly budget: { readonly steps_per_run: number; readonly images_per_step: number; readonly pilot: boolean; readonly interim?: boolean };
  readonly base: {
    readonly overall: number; readonly seen_overall: number; readonly understanding: number;
    readonly relation_edits: number; readonly probe: number; readonly reward_judge_auc: number;
  };
  readonly gvu: { readonly row: string | null } | null;
  readonly judge_reward_control: { readonly row: string; readonly gvu_share_of_judge_gain: number | null } | null;
  readonly rows: Readonly<Record<string, StudyRowNumbers>>;
}

const f3 = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(3));
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const kl = (x: number | null) => (x === null ? '-' : x.toFixed(4));

/** The headline sentence and the table: base first, then every row in the order measured. */
export function studyMarkdown(r: StudyNumbers): string {
  const lines: string[] = [];
  const share = r.judge_reward_control?.gvu_share_of_judge_gain;
  if (r.gvu?.row && r.judge_reward_control && share !== null && share !== undefined) {
    const g = r.rows[r.gvu.row];
    const j = r.rows[r.judge_reward_control.row];
    lines.push(
      `Best GvU row \`${r.gvu.row}\`: test overall ${f3(r.base.overall)} -> ${f3(g.overall)} (${pct(g.relative_gain)}); `
      + `its judge twin \`${r.judge_reward_control.row}\` ${f3(j.overall)} (${pct(j.relative_gain)}). `
      + `GvU delivers ${(100 * share).toFixed(0)}% of the judge's gain.`,
      '',
    );
  }
  const scope = `${r.budget.steps_per_run} steps x ${r.budget.images_per_step} images per run${r.budget.pilot ? ' (pilot, not the bar)' : ''}`;
  lines.push(`Budget: ${scope}.${r.budget.interim ? ' Interim table: runs still training are left out, so rows give the seeds they have.' : ''}`, '');
  lines.push('| row | what | seeds | test (unseen) | gain | seen (pool slice) | understanding | relation edits | probe | KL/token | reward-judge AUC |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  const b = r.base;
  lines.push(`| base | the shipped model | - | ${f3(b.overall)} | - | ${f3(b.seen_overall)} | ${f3(b.understanding)} | ${f3(b.relation_edits)} | ${f3(b.probe)} | 0 | ${b.reward_judge_auc.toFixed(2)} |`);
  for (const [name, x] of Object.entries(r.rows)) {
    const test = x.overall_std === null ? f3(x.overall) : `${f3(x.overall)} ± ${f3(x.overall_std)}`;
    const partial = x.steps_done < r.budget.steps_per_run ? ` (${x.steps_done} of ${r.budget.steps_per_run} steps)` : '';
    const seeds = r.budget.interim && x.seed_ids ? `${x.seeds} (${x.seed_ids.join(', ')})` : `${x.seeds}`;
    lines.push(`| \`${name}\` | ${x.what}${partial} | ${seeds} | ${test} | ${pct(x.relative_gain)} | ${f3(x.seen_overall)} | ${f3(x.understanding)} | `
      + `${f3(x.relation_edits)} | ${f3(x.probe)} | ${kl(x.kl_last100)} | ${Number.isFinite(x.reward_judge_auc) ? x.reward_judge_auc.toFixed(2) : '-'} |`);
  }
  return lines.join('\n') + '\n';
}
