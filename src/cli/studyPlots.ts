// Training curves of the study's runs (written by `study` beside its table, in plots/): per trained
// row, the mean over its seeds at each logged step of the rollouts' judge pass rate, the KL to the
// base and the intrinsic reward, smoothed over about 1/40 of the run. They show what the table's end
// points cannot: when a row's gain and its drift away from the base appear.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunLog } from './runLog.ts';
import { type Series, PLOT_COLORS, lineChartSvg, trailingMean } from './svgChart.ts';

/** The plots' files, for the command's summary. */
export const STUDY_PLOTS = { judgePass: 'study-rollout-judge.svg', kl: 'study-kl.svg', rewardMean: 'study-reward.svg' } as const;

/** `runs`: trained row name -> its run folders (one per seed). Rows with no logged step are left out. */
export function writeStudyPlots(dir: string, runs: Readonly<Record<string, readonly string[]>>, steps: number): void {
  const k = Math.max(5, Math.round(steps / 40));
  const curve = (folders: readonly string[], key: string): [number, number][] => {
    const logs = folders.map((f) => readRunLog(join(f, 'log.jsonl')));
    const n = Math.min(...logs.map((l) => l.length));
    const mean = Array.from({ length: n }, (_, i) => [logs[0][i].step, logs.reduce((a, l) => a + l[i][key], 0) / logs.length] as [number, number]);
    return trailingMean(mean, k);
  };
  const series = (key: string, keep: (row: string) => boolean = () => true): Series[] =>
    Object.entries(runs).filter(([row]) => keep(row)).map(([row, folders], i) => ({
      name: `${row} (${folders.length} seed${folders.length === 1 ? '' : 's'})`, color: PLOT_COLORS[i % PLOT_COLORS.length], points: curve(folders, key),
    })).filter((s) => s.points.length > 0);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, STUDY_PLOTS.judgePass), lineChartSvg(`ShapesEval pass rate of training rollouts, mean over seeds (${k}-step mean)`, 'step', series('judgePass')));
  writeFileSync(join(dir, STUDY_PLOTS.kl), lineChartSvg(`KL to the base per token (k3), mean over seeds (${k}-step mean)`, 'step', series('kl')));
  // The judge's rows train on the judge's reward: their intrinsic reward is not logged as a reward.
  writeFileSync(join(dir, STUDY_PLOTS.rewardMean), lineChartSvg(`Mean intrinsic reward of rollouts, mean over seeds (${k}-step mean)`, 'step', series('rewardMean', (r) => !r.startsWith('judge_'))));
}
