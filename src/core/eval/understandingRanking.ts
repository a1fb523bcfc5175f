// Understanding, measured as GvU needs it: on held-out renders, does the model's likelihood rank
// the true prompt above every minimally edited distractor (one colour, shape, count, relation or
// size word changed)? Distractors that happen to be true of the image are left out.
import type { ModelConfig } from '../model/config.ts';
import type { Weights } from '../model/weights.ts';
import type { ModelSession } from '../runtime/session.ts';
import { mulberry32 } from '../tensor.ts';
import {
  EDIT_KINDS, type EditKind, type Spec, checkSpec, minimalEdits, placeObjects, renderScene, sampleSceneForSpec,
} from '../world/index.ts';
import { scoreImages } from '../gvu/scoreImages.ts';

export interface RankingResult {
  overall: number;
  pairs: number;
  perEdit: Record<EditKind, { correct: number; total: number; accuracy: number }>;
}

/** Sum of log p over the caption's words and <eos>: one number per (image, caption) row. */
export async function captionLogLikelihoods(
  cfg: ModelConfig, weights: Weights, scorer: ModelSession, rows: readonly { image: Uint8Array; text: string }[],
): Promise<number[]> {
  const scored = await scoreImages(cfg, weights, scorer, rows.map((r) => ({ image: r.image, prompt: r.text })), { includeEos: true });
  return scored.map((r) => r.tokens.reduce((sum, t) => sum + t.logp, 0));
}

export async function measureUnderstanding(
  cfg: ModelConfig, weights: Weights, scorer: ModelSession, specs: readonly Spec[], opts: { scenesPerPrompt: number; seed: number },
): Promise<RankingResult> {
  const rng = mulberry32(opts.seed);
  const rows: { image: Uint8Array; text: string }[] = [];
  const pairs: { truth: number; edit: number; kind: EditKind }[] = [];
  for (const spec of specs) {
    for (let s = 0; s < opts.scenesPerPrompt; s++) {
      const scene = sampleSceneForSpec(spec, rng);
      const image = renderScene(scene);
      const placed = placeObjects(scene);
      const truth = rows.push({ image, text: spec.prompt }) - 1;
      for (const e of minimalEdits(spec)) {
        if (checkSpec(placed, e.spec).strictPass) continue; // the "distractor" is true of this image
        pairs.push({ truth, edit: rows.push({ image, text: e.prompt }) - 1, kind: e.kind });
      }
    }
  }
  const ll = await captionLogLikelihoods(cfg, weights, scorer, rows);
  const perEdit = Object.fromEntries(EDIT_KINDS.map((k) => [k, { correct: 0, total: 0, accuracy: 0 }])) as RankingResult['perEdit'];
  let correct = 0;
  for (const p of pairs) {
    const ok = ll[p.truth] > ll[p.edit];
    perEdit[p.kind].total++;
    if (ok) {
      perEdit[p.kind].correct++;
      correct++;
    }
  }
  for (const k of EDIT_KINDS) perEdit[k].accuracy = perEdit[k].total ? perEdit[k].correct / perEdit[k].total : NaN;
  return { overall: correct / Math.max(1, pairs.length), pairs: pairs.length, perEdit };
}
