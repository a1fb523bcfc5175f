// Batch scoring with an opened model family (Janus): per prompt, G images from the family and
// their intrinsic reward, streamed as the tiny model's batch streams them (one onRows per prompt,
// awaited), so the page stores, shows and exports them unchanged. No ShapesEval verdicts: the judge
// reads ShapesWorld's 48 x 48 renders only, whatever the prompt says (judgePass null).
// One prompt per call: a Janus prompt's G images are G x 576 decode steps, and a cancel is checked
// between them (the family's signal), so a batch stops within a step.
import { AbortError, type CancelSignal } from '../../src/core/errors.ts';
import type { ModelFamily } from '../../src/core/families/family.ts';
import type { ScoredRow } from '../../src/core/io/results.ts';
import type { BatchRequest, BatchRowResult } from '../engineApi.ts';
import { familyPrompt } from './familyInspect.ts';
import { timed } from './model.ts';

export async function familyScoreBatch(
  family: ModelFamily, req: BatchRequest, onRows: (r: BatchRowResult) => void | Promise<void>, signal: CancelSignal,
): Promise<{ done: number; cancelled: boolean }> {
  const g = req.groupSize;
  let done = 0;
  try {
    for (const it of req.items) {
      if (signal.aborted) throw new AbortError(`batch cancelled after ${done} prompts`);
      const prompt = familyPrompt(it.prompt);
      // As the tiny model's batch: a prompt's seeds depend only on the job seed and its index, so a resumed job draws the same images.
      const seeds = Array.from({ length: g }, (_, k) => (req.seed + it.index * g + k) >>> 0);
      const images = await timed(`batch prompt ${it.index} (G=${g}, ${family.id})`, () => family.generate({
        prompt, seeds, cfgScale: req.cfgScale, temperature: req.temperature, topK: req.topK, topP: req.topP, minP: req.minP, signal,
      }));
      const scores = await family.score({ prompt, images: images.map((x) => x.image), variant: req.reward.variant, includeEos: req.reward.includeEos, signal });
      const rows: ScoredRow[] = images.map((x, k) => ({
        line: it.line, prompt: it.prompt, tag: it.tag ?? it.spec?.tag ?? null, seed: x.seed, imageIndex: k, cfgScale: req.cfgScale,
        reward: scores[k].reward, lowestWord: scores[k].lowest.word, lowestP: scores[k].lowest.p,
        perToken: scores[k].words.map((w) => ({ word: w.word, p: w.p })),
        judgePass: null, judgeStrictPass: null, judgeReasons: [],
      }));
      await onRows({ index: it.index, rows, images: images.map((x) => x.image.data) });
      done++;
    }
  } catch (err) {
    if (err instanceof AbortError) return { done, cancelled: true };
    throw err;
  }
  return { done, cancelled: false };
}
