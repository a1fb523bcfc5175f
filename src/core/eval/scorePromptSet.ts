// Scores over a prompt set, as GenEval reports them: accuracy per category (the share of images
// that pass), and overall = the unweighted mean over categories, so a category with few prompts
// weighs as much as one with many. Reported for all categories present, and separately for
// GenEval's six and for the GenEval++-style tier, whose overalls the paper reports apart.
import { type Tag, isGenEvalPlusTag } from '../world/spec.ts';

export interface ImageResult {
  readonly tag: Tag;
  readonly pass: boolean;
  readonly strictPass: boolean;
}

export interface CategoryScore {
  readonly images: number;
  readonly accuracy: number;
  readonly strictAccuracy: number;
}

export interface Overall {
  readonly overall: number;
  readonly strictOverall: number;
  readonly categories: number;
}

export interface PromptSetScore extends Overall {
  readonly byCategory: Readonly<Partial<Record<Tag, CategoryScore>>>;
  readonly geneval: Overall | null; // GenEval's six categories
  readonly genevalPlus: Overall | null; // the harder tier
}

export function scorePromptSet(results: readonly ImageResult[]): PromptSetScore {
  const byCategory: Partial<Record<Tag, CategoryScore>> = {};
  const tags = [...new Set(results.map((r) => r.tag))];
  for (const tag of tags) {
    const mine = results.filter((r) => r.tag === tag);
    byCategory[tag] = {
      images: mine.length,
      accuracy: mine.filter((r) => r.pass).length / mine.length,
      strictAccuracy: mine.filter((r) => r.strictPass).length / mine.length,
    };
  }
  const overallOf = (which: readonly Tag[]): Overall | null => {
    if (which.length === 0) return null;
    const mean = (f: (s: CategoryScore) => number) => which.reduce((sum, t) => sum + f(byCategory[t]!), 0) / which.length;
    return { overall: mean((s) => s.accuracy), strictOverall: mean((s) => s.strictAccuracy), categories: which.length };
  };
  const all = overallOf(tags) ?? { overall: 0, strictOverall: 0, categories: 0 };
  return {
    ...all,
    byCategory,
    geneval: overallOf(tags.filter((t) => !isGenEvalPlusTag(t))),
    genevalPlus: overallOf(tags.filter(isGenEvalPlusTag)),
  };
}
