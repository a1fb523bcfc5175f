// Inspect with an opened model family (Janus): a group of G images with seeds, their intrinsic
// reward and per-word p (the family groups BPE pieces into words), uploaded images at any size
// (the family preprocesses), rescoring under the reward variants, occlusion heatmaps over the
// image-token grid in blocks the page picks. Same GeneratedGroup as the tiny
// model's, plus each image's size and the token grid, so the views draw either.
// No ShapesEval verdicts: the judge reads ShapesWorld's 48 x 48 renders only.
import { type CancelSignal, InputError } from '../../src/core/errors.ts';
import { type FamilyScore, type ModelFamily, type RgbImage, defaultOcclusionBlock } from '../../src/core/families/family.ts';
import type { GenerateRequest, GeneratedGroup, HeatmapOptions, ImageScore, ImageSize, RewardSettings, TokenP, WordHeat } from '../engineApi.ts';
import { timed } from './model.ts';

const NO_SPEC = 'ShapesEval judges only the tiny model\'s 48 x 48 ShapesWorld images';

/** Any text the tokenizer reads; only an empty prompt is refused. */
export function familyPrompt(text: string): string {
  const prompt = text.trim().replace(/\s+/g, ' ');
  if (!prompt) throw new InputError('empty prompt: type what the image should show');
  return prompt;
}

/** The heat strip: the prompt's words (pieces multiplied), then <eos> when the reward counts it. */
function toImageScore(s: FamilyScore, reward: RewardSettings): ImageScore {
  const tokens: TokenP[] = s.words.map((w) => ({ word: w.word, p: w.p, logp: Math.log(w.p), counted: true }));
  const eos = s.tokens.at(-1);
  if (reward.includeEos && eos?.word === '<eos>') tokens.push({ word: '<eos>', p: eos.p, logp: Math.log(eos.p), counted: true });
  return { reward: s.reward, tokens, lowest: { word: s.lowest.word, p: s.lowest.p } };
}

function asImages(images: readonly Uint8Array[], sizes: readonly ImageSize[] | undefined, names?: readonly string[]): RgbImage[] {
  if (!sizes || sizes.length !== images.length) throw new InputError(`${images.length} images need ${images.length} sizes (width, height) for this model; got ${sizes?.length ?? 0}`);
  return images.map((data, i) => {
    const { width, height } = sizes[i];
    if (data.length !== width * height * 3) throw new InputError(`${names?.[i] ?? `image ${i + 1}`}: ${data.length} bytes is not ${width} x ${height} RGB`);
    return { width, height, data };
  });
}

export async function familyRescore(
  family: ModelFamily, promptText: string, images: readonly Uint8Array[], reward: RewardSettings, sizes?: readonly ImageSize[], signal?: CancelSignal,
): Promise<ImageScore[]> {
  const scores = await family.score({ prompt: familyPrompt(promptText), images: asImages(images, sizes), variant: reward.variant, includeEos: reward.includeEos, signal });
  return scores.map((s) => toImageScore(s, reward));
}

function group(family: ModelFamily, prompt: string, images: readonly RgbImage[], scores: ImageScore[], o: { seeds: number[]; names: readonly string[] | null; sampleMs: number; scoreMs: number }): GeneratedGroup {
  const { rows, cols } = family.capabilities.imageTokens;
  return {
    prompt, tag: null, specSource: null, noSpecReason: NO_SPEC, seeds: o.seeds, imageNames: o.names,
    images: images.map((x) => x.data), verdicts: images.map(() => null), scores,
    timings: { sampleMs: o.sampleMs, scoreMs: o.scoreMs, judgeMs: 0 },
    sizes: images.map(({ width, height }) => ({ width, height })), grid: { rows, cols },
  };
}

export async function familyGenerate(family: ModelFamily, req: GenerateRequest, signal: CancelSignal, onProgress?: (done: number, total: number) => void): Promise<GeneratedGroup> {
  const prompt = familyPrompt(req.prompt);
  const seeds = Array.from({ length: req.groupSize }, (_, i) => (req.seed + i) >>> 0);
  let t = performance.now();
  const made = await timed(`generate G=${req.groupSize} (${family.id})`, () => family.generate({
    prompt, seeds, cfgScale: req.cfgScale, temperature: req.temperature, topK: req.topK, topP: req.topP, minP: req.minP, signal, onProgress,
  }));
  const sampleMs = performance.now() - t;
  t = performance.now();
  const images = made.map((x) => x.image);
  const scores = await timed(`score ${images.length} images (${family.id})`, () => familyRescore(family, prompt, images.map((x) => x.data), req.reward, images, signal));
  return group(family, prompt, images, scores, { seeds, names: null, sampleMs, scoreMs: performance.now() - t });
}

export async function familyInspectImages(
  family: ModelFamily, promptText: string, data: readonly Uint8Array[], names: readonly string[], reward: RewardSettings, sizes?: readonly ImageSize[],
): Promise<GeneratedGroup> {
  const prompt = familyPrompt(promptText);
  const images = asImages(data, sizes, names);
  const t = performance.now();
  const scores = await timed(`score ${images.length} uploaded images (${family.id})`, () => familyRescore(family, prompt, data, reward, sizes));
  return group(family, prompt, images, scores, { seeds: [], names, sampleMs: 0, scoreMs: performance.now() - t });
}

/**
 * Occlusion heatmaps over the family's image-token grid, `block` tokens a side (default: at most
 * 6 x 6 blocks); one understanding pass per block, so progress counts passes.
 */
export async function familyHeatmaps(
  family: ModelFamily, promptText: string, image: Uint8Array, opts: HeatmapOptions, signal: CancelSignal, onProgress?: (done: number, total: number) => void,
): Promise<WordHeat[]> {
  if (!family.capabilities.occlusionMaps) throw new InputError(`heatmaps are not available for ${family.description}: this family does not offer occlusion maps`);
  // No size: a square image (a batch row's generated image), its side from its bytes.
  const side = Math.round(Math.sqrt(image.length / 3));
  const [rgb] = asImages([image], [opts.size ?? { width: side, height: side }]);
  const block = opts.block ?? defaultOcclusionBlock(family.capabilities.imageTokens.rows);
  const maps = await timed(`occlusion heatmaps, block ${block} (${family.id})`, () => family.occlusionMaps({ prompt: familyPrompt(promptText), image: rgb, block, signal, onProgress }));
  return maps.words.map((w) => ({ word: w.word, logp: w.logp, heat: w.heat, grid: { rows: maps.rows, cols: maps.cols } }));
}
