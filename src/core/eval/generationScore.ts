// Generation, measured by the external judge: G images per prompt for each seed set, decoded by
// the renderer, judged from pixels. Returns the ShapesEval score per seed set and every sample
// (codes, image, verdict) so callers can score rewards on the same images.
import type { CancelSignal } from '../errors.ts';
import type { ModelConfig } from '../model/config.ts';
import type { Weights } from '../model/weights.ts';
import { type GenerationSessions, sampleImages } from '../gvu/sampling.ts';
import type { TokenFilter } from '../gvu/sampleToken.ts';
import { type Spec, UNCOND_PROMPT, promptIds, renderTokens } from '../world/index.ts';
import { judge } from './judge.ts';
import { type PromptSetScore, scorePromptSet } from './scorePromptSet.ts';

export interface JudgedSample {
  spec: Spec;
  promptIndex: number;
  member: number;
  seed: number;
  codes: Int32Array;
  image: Uint8Array;
  pass: boolean;
  strictPass: boolean;
}

export interface GenerationSettings extends TokenFilter {
  groupSize: number;
  cfgScale: number;
}

/** Seed of image `member` of prompt `p` in seed set `s`: distinct across sets, prompts and members. */
export const imageSeed = (s: number, p: number, member: number, groupSize: number): number => s * 1_000_003 + p * groupSize + member;

export async function sampleAndJudge(
  cfg: ModelConfig, weights: Weights, sessions: GenerationSessions, specs: readonly Spec[], settings: GenerationSettings, seedSet: number,
  opts: { promptsPerBatch?: number; signal?: CancelSignal } = {},
): Promise<JudgedSample[]> {
  const per = opts.promptsPerBatch ?? Math.max(1, Math.floor(128 / settings.groupSize));
  const out: JudgedSample[] = [];
  for (let start = 0; start < specs.length; start += per) {
    const chunk = specs.slice(start, start + per);
    const seeds = chunk.flatMap((_, i) => Array.from({ length: settings.groupSize }, (_, m) => imageSeed(seedSet, start + i, m, settings.groupSize)));
    const samples = await sampleImages(cfg, weights, sessions, chunk.map((s) => promptIds(s.prompt)), {
      ...settings, seeds, uncondPrompt: UNCOND_PROMPT, signal: opts.signal,
    });
    for (const s of samples) {
      const spec = chunk[s.prompt];
      const image = renderTokens(s.codes);
      const v = judge(image, spec);
      out.push({ spec, promptIndex: start + s.prompt, member: s.member, seed: s.seed, codes: s.codes, image, pass: v.pass, strictPass: v.strictPass });
    }
  }
  return out;
}

export const scoreSamples = (samples: readonly JudgedSample[]): PromptSetScore =>
  scorePromptSet(samples.map((s) => ({ tag: s.spec.tag, pass: s.pass, strictPass: s.strictPass })));

/** Mean and 95% t-interval half-width over seed sets (n < 2: no interval). */
export function meanCi95(xs: readonly number[]): { mean: number; ci95: number; std: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, ci95: NaN, std: NaN };
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const t = [NaN, NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262][n] ?? 1.96;
  return { mean, ci95: (t * std) / Math.sqrt(n), std };
}
