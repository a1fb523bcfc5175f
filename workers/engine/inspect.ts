// Inspect: sample a group of G images for one prompt with the current policy, decode, score and
// judge them (spec from the shipped sets, else read from the prompt's grammar); rescore the same
// images under other reward settings; occlusion heatmaps per word.
// All of it drives the core (sampleImages, scoreImages, judge, occlusionHeatmaps) unchanged.
import { AbortError, type CancelSignal, InputError } from '../../src/core/errors.ts';
import { judge } from '../../src/core/eval/judge.ts';
import { occlusionHeatmaps } from '../../src/core/gvu/attribution.ts';
import { sampleImages } from '../../src/core/gvu/sampling.ts';
import { scoreImages } from '../../src/core/gvu/scoreImages.ts';
import { IMAGE_SIZE, UNCOND_PROMPT, encode, lookupSpec, promptIds, renderTokens } from '../../src/core/world/index.ts';
import type { GenerateRequest, GeneratedGroup, ImageScore, RewardSettings, Teacher, Verdict, WordHeat } from '../engineApi.ts';
import { generationSessions, loadModel, policy, rewardOptions, scorer, timed } from './model.ts';

/** Normalise a prompt the way the tokenizer reads it (lowercase, single spaces); throws on unknown words. */
export function normalisePrompt(text: string): string {
  encode(text); // UnknownWordError (an InputError) names the word and its position
  return text.toLowerCase().split(/\s+/).filter(Boolean).join(' ');
}

export async function rescore(promptText: string, images: readonly Uint8Array[], reward: RewardSettings): Promise<ImageScore[]> {
  const prompt = normalisePrompt(promptText);
  const m = await loadModel();
  const s = await scorer(reward.teacher);
  const scored = await scoreImages(m.cfg, s.weights, s.session, images.map((image) => ({ image, prompt })), rewardOptions(reward));
  return scored.map((r) => ({
    reward: r.reward,
    tokens: r.tokens.map((t) => ({ word: t.word, p: t.p, logp: t.logp, counted: t.counted })),
    lowest: { word: r.lowest.word, p: r.lowest.p },
  }));
}

export function verdictFor(image: Uint8Array, spec: Parameters<typeof judge>[1] | undefined | null): Verdict | null {
  if (!spec) return null;
  const v = judge(image, spec);
  return { pass: v.pass, strictPass: v.strictPass, reasons: [...v.reasons] };
}

export async function generate(req: GenerateRequest, signal: CancelSignal, onProgress?: (done: number, total: number) => void): Promise<GeneratedGroup> {
  const prompt = normalisePrompt(req.prompt);
  const m = await loadModel();
  const p = await policy();
  const seeds = Array.from({ length: req.groupSize }, (_, i) => (req.seed + i) >>> 0);
  const t = performance.now();
  const samples = await timed(`generate G=${req.groupSize}`, async () =>
    sampleImages(m.cfg, p.weights, await generationSessions(p.lora), [[...promptIds(prompt)]], {
      groupSize: req.groupSize, seeds, temperature: req.temperature, topK: req.topK, topP: req.topP, minP: req.minP,
      cfgScale: req.cfgScale, uncondPrompt: UNCOND_PROMPT, signal, onProgress,
    }),
  );
  const sampleMs = performance.now() - t;
  const images = samples.map((s) => renderTokens(s.codes));
  return judgeAndScore(prompt, images, req.reward, { seeds, imageNames: null, sampleMs });
}

/** Any images (uploaded, already at the model's size) judged and scored as a generated group is. */
export async function inspectImages(
  promptText: string, images: readonly Uint8Array[], names: readonly string[], reward: RewardSettings,
): Promise<GeneratedGroup> {
  const want = IMAGE_SIZE * IMAGE_SIZE * 3;
  images.forEach((im, i) => {
    if (im.length !== want) throw new InputError(`${names[i] ?? `image ${i + 1}`}: ${im.length} bytes, the model reads ${IMAGE_SIZE}x${IMAGE_SIZE} RGB (${want} bytes)`);
  });
  return judgeAndScore(normalisePrompt(promptText), images, reward, { seeds: [], imageNames: names, sampleMs: 0 });
}

async function judgeAndScore(
  prompt: string, images: readonly Uint8Array[], reward: RewardSettings,
  origin: { seeds: readonly number[]; imageNames: readonly string[] | null; sampleMs: number },
): Promise<GeneratedGroup> {
  const m = await loadModel();
  let t = performance.now();
  const { spec, source, reason } = lookupSpec(prompt, m.specs); // the shipped sets first (their tag), then the grammar
  const verdicts = images.map((im) => verdictFor(im, spec));
  const judgeMs = performance.now() - t;
  t = performance.now();
  const scores = await timed(`score ${images.length} images`, () => rescore(prompt, images, reward));
  return {
    prompt, tag: spec?.tag ?? null, specSource: source, noSpecReason: reason, seeds: origin.seeds, imageNames: origin.imageNames,
    images: [...images], verdicts, scores, timings: { sampleMs: origin.sampleMs, scoreMs: performance.now() - t, judgeMs },
  };
}

export async function heatmaps(promptText: string, image: Uint8Array, teacher: Teacher, signal: CancelSignal): Promise<WordHeat[]> {
  const prompt = normalisePrompt(promptText);
  const m = await loadModel();
  const s = await scorer(teacher);
  if (signal.aborted) throw new AbortError('heatmaps cancelled');
  return timed('occlusion heatmaps', () => occlusionHeatmaps(m.cfg, s.weights, s.session, image, prompt));
}
