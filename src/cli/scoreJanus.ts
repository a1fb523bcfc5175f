// `gvu score --model=DIR` when DIR is a Janus (MultiModality ONNX) folder: for every prompt, G
// images from the Janus family and their intrinsic reward, written as score.ts writes the tiny
// model's (results.jsonl, results.csv, images/*.png, problems.txt), so the same readers work.
// ShapesEval judges only ShapesWorld's 48x48 renders; a Janus image of another size gets no
// verdict (null), whatever its prompt.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { judge } from '../core/eval/judge.ts';
import { janusFamily } from '../core/families/janus/family.ts';
import type { JanusLoadOptions } from '../core/families/janus/load.ts';
import { GVU_SAMPLING } from '../core/gvu/sampling.ts';
import type { RewardVariant } from '../core/gvu/reward.ts';
import { type PromptRow, type PromptSet, formatProblem } from '../core/io/promptSet.ts';
import { type ScoredRow, resultsToCsv, resultsToJsonl } from '../core/io/results.ts';
import { IMAGE_SIZE, lookupSpec } from '../core/world/index.ts';
import type { Spec } from '../core/world/spec.ts';
import { openJanus } from './janusFolder.ts';
import { loadPromptSets } from './promptSets.ts';

export interface JanusScoreConfig {
  readonly prompts: string; // the prompt file, for messages
  readonly model: string;
  readonly dtype: NonNullable<JanusLoadOptions['dtype']>;
  readonly groupSize: number;
  readonly seed: number; // image k of prompt row i uses seed + i * groupSize + k
  readonly cfgScale: number;
  readonly variant: RewardVariant;
  readonly includeEos: boolean;
  readonly images: boolean;
}

export async function scoreJanusInto(o: JanusScoreConfig, out: string, set: PromptSet): Promise<void> {
  const model = await openJanus(o.model, { dtype: o.dtype });
  const family = janusFamily(model);
  try {
    for (const w of model.warnings) console.warn(`${o.model}: ${w}`);
    if (o.images) mkdirSync(join(out, 'images'), { recursive: true });
    const problems = set.problems.map((p) => formatProblem(o.prompts, p));
    writeFileSync(join(out, 'problems.txt'), problems.join('\n') + (problems.length ? '\n' : ''));
    for (const p of problems) console.warn(p);
    console.log(`${family.description}\n${set.rows.length} prompts (${set.format}), ${set.problems.length} problems`);
    const specOf = new Map(Object.values(loadPromptSets()).flat().map((s) => [s.prompt, s]));
    const rows: ScoredRow[] = [];
    const t0 = Date.now();
    for (const [i, row] of set.rows.entries()) {
      for (const x of await scoreJanusRow(family, o, row, i, specOf)) {
        rows.push(x.row);
        if (o.images) writeFileSync(join(out, 'images', `line${x.row.line}-${x.row.imageIndex}.png`), x.png);
      }
      const rate = (i + 1) / ((Date.now() - t0) / 1000);
      process.stdout.write(`\r${i + 1}/${set.rows.length} prompts  ${rate.toFixed(2)} prompts/s  ETA ${((set.rows.length - i - 1) / rate).toFixed(0)} s   `);
    }
    console.log('');
    writeFileSync(join(out, 'results.jsonl'), resultsToJsonl(rows));
    writeFileSync(join(out, 'results.csv'), resultsToCsv(rows, { digits: 4 }));
    const mean = rows.reduce((a, r) => a + r.reward, 0) / Math.max(1, rows.length);
    const judged = rows.filter((r) => r.judgePass !== null);
    console.log(`mean reward ${mean.toFixed(4)}` + (judged.length ? `, ShapesEval pass ${(judged.filter((r) => r.judgePass).length / judged.length).toFixed(3)} on ${judged.length} judged images` : ''));
    console.log(`wrote ${out}/results.jsonl, results.csv${o.images ? ', images/' : ''}`);
  } finally {
    await family.release();
  }
}

/**
 * Prompt row `i` (0-based in the set: it picks the seeds) through the Janus family: its G rows
 * and PNGs. One-machine score and a queue worker (queue/scoreChunk.ts) both score with this.
 */
export async function scoreJanusRow(
  family: JanusFamily, o: Pick<JanusScoreConfig, 'groupSize' | 'seed' | 'cfgScale' | 'variant' | 'includeEos'>,
  row: PromptRow, i: number, specOf: ReadonlyMap<string, Spec>,
): Promise<{ row: ScoredRow; png: Uint8Array }[]> {
  const seeds = Array.from({ length: o.groupSize }, (_, k) => o.seed + i * o.groupSize + k);
  const images = await family.generate({ ...GVU_SAMPLING, cfgScale: o.cfgScale, prompt: row.prompt, seeds });
  const scores = await family.score({ prompt: row.prompt, images: images.map((x) => x.image), variant: o.variant, includeEos: o.includeEos });
  const spec = row.spec ?? lookupSpec(row.words.join(' '), specOf).spec;
  return images.map((x, k) => {
    const judged = spec && x.image.width === IMAGE_SIZE && x.image.height === IMAGE_SIZE ? judge(x.image.data, spec) : null;
    return {
      row: {
        line: row.line, prompt: row.prompt, tag: row.tag ?? spec?.tag ?? null, seed: x.seed, imageIndex: k, cfgScale: o.cfgScale,
        reward: scores[k].reward, lowestWord: scores[k].lowest.word, lowestP: scores[k].lowest.p, perToken: scores[k].words,
        judgePass: judged ? judged.pass : null, judgeStrictPass: judged ? judged.strictPass : null, judgeReasons: judged ? judged.reasons : [],
      },
      png: encodePng({ width: x.image.width, height: x.image.height, data: x.image.data, channels: 3 }),
    };
  });
}

export type JanusFamily = ReturnType<typeof janusFamily>;
