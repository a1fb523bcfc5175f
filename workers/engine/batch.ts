// Batch scoring: for each prompt of an uploaded (or shipped) set, sample G images, score them and
// judge them when the prompt has a spec (its own, else a shipped set's, else its grammar's). Rows
// stream back per prompt chunk through the onRows proxy, so the UI can persist each finished
// prompt at once; a cancel request stops it between decode steps (the unfinished chunk is dropped).
import { sampleImages } from '../../src/core/gvu/sampling.ts';
import { AbortError, type CancelSignal } from '../../src/core/errors.ts';
import type { ScoredRow } from '../../src/core/io/results.ts';
import { UNCOND_PROMPT, lookupSpec, promptIds, renderTokens } from '../../src/core/world/index.ts';
import type { BatchRequest, BatchRowResult } from '../engineApi.ts';
import { rescore, verdictFor } from './inspect.ts';
import { generationSessions, loadModel, policy, timed } from './model.ts';

const PROMPTS_PER_CHUNK = 4; // unless the request says otherwise

export async function scoreBatch(
  req: BatchRequest, onRows: (r: BatchRowResult) => void | Promise<void>, signal: CancelSignal,
): Promise<{ done: number; cancelled: boolean }> {
  const m = await loadModel();
  const p = await policy();
  const sessions = await generationSessions(p.lora, { waitForGroup: true });
  const g = req.groupSize;
  let done = 0;
  try {
    const per = req.promptsPerChunk ?? PROMPTS_PER_CHUNK;
    for (let start = 0; start < req.items.length; start += per) {
      if (signal.aborted) throw new AbortError(`batch cancelled after ${done} prompts`);
      const chunk = req.items.slice(start, start + per);
      // A prompt's seeds depend only on the job seed and its index, so a resumed job draws the same images.
      const seeds = chunk.flatMap((it) => Array.from({ length: g }, (_, k) => (req.seed + it.index * g + k) >>> 0));
      const samples = await timed(`batch chunk (${chunk.length} prompts x G=${g})`, () =>
        sampleImages(m.cfg, p.weights, sessions, chunk.map((it) => promptIds(it.prompt.toLowerCase())), {
          groupSize: g, seeds, temperature: req.temperature, topK: req.topK, topP: req.topP, minP: req.minP,
          cfgScale: req.cfgScale, uncondPrompt: UNCOND_PROMPT, signal,
        }),
      );
      for (const [i, it] of chunk.entries()) {
        // Scoring a prompt is one long call on a slow backend: check before each. The chunk's
        // unscored prompts are drawn again, identically, when the job resumes.
        if (signal.aborted) throw new AbortError(`batch cancelled after ${done} prompts`);
        const mine = samples.filter((s) => s.prompt === i);
        const images = mine.map((s) => renderTokens(s.codes));
        const scores = await rescore(it.prompt, images, req.reward);
        const spec = it.spec ?? lookupSpec(it.prompt.toLowerCase(), m.specs).spec; // shipped sets, then the grammar
        const rows: ScoredRow[] = mine.map((s, k) => {
          const v = verdictFor(images[k], spec);
          return {
            line: it.line, prompt: it.prompt, tag: it.tag ?? spec?.tag ?? null, seed: s.seed, imageIndex: s.member, cfgScale: req.cfgScale,
            reward: scores[k].reward, lowestWord: scores[k].lowest.word, lowestP: scores[k].lowest.p,
            perToken: scores[k].tokens.map((t) => ({ word: t.word, p: t.p })),
            judgePass: v ? v.pass : null, judgeStrictPass: v ? v.strictPass : null, judgeReasons: v ? v.reasons : [],
          };
        });
        // Awaited: a comlink callback travels on its own port, so an unawaited last call can
        // arrive after the job's result, and the page would call the run done without those rows.
        await onRows({ index: it.index, rows, images });
        done++;
      }
    }
  } catch (err) {
    if (err instanceof AbortError) return { done, cancelled: true };
    throw err;
  }
  return { done, cancelled: false };
}
