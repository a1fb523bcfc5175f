// Pretraining batches from ShapesWorld, a pure function of (seed, step).
//
// Generation learns (prompt -> image codes) from train prompts and from captions of random scenes
// (every colour-shape pair, as a real UMM has seen every concept), but never from a validation or
// test prompt: test prompts probe compositions it has not been taught. (An earlier run that also
// hid the test's colour-shape pairs from generation scored 0 on every coloured test category: a
// small model does not compose unseen bindings at all, which leaves GRPO nothing to choose from.)
// Understanding learns (image -> caption) over the whole grammar: it is the model's general
// captioner, the judge GvU relies on. Captions are true of the image and name every object; they may
// leave colour or size unsaid, as prompts do.
import { type TensorData, mulberry32 } from '../tensor.ts';
import {
  BOS_ID, CELL_COUNT, COLOURS, EMPTY_SCENE_CAPTION, EOS_ID, HELD_OUT_BINDINGS, UNCOND_PROMPT, IMG_ID, PROMPT_PREFIX, type Rng, SHAPES, SIZES,
  type Scene, type Spec, type SpecInclude, TAGS, groupByTag, describeSceneEntries, encode, entryPhrase, enumerateCategory, pick, renderScene,
  sampleSceneForSpec, sceneToTokens, shuffled,
} from '../world/index.ts';
import type { ModelConfig } from './config.ts';
import { imageToPatches } from './patches.ts';
import { packGeneration, packUnderstanding } from './sequences.ts';

export interface PromptSets {
  train: Spec[];
  val: Spec[];
  test: Spec[];
}

export interface DataMix {
  genBatch: number;
  undBatch: number;
  promptDropout: number; // generation prompts replaced by the empty prompt (for CFG)
  seed: number;
}

/** Per-step seed: mixes the run seed and the step so resumed runs see the same data. */
export const stepRng = (seed: number, step: number): Rng => mulberry32((seed * 0x9e3779b1) ^ (step * 0x85ebca77) ^ 0x5bd1e995);

export function makePretrainBatcher(cfg: ModelConfig, sets: PromptSets, mix: DataMix) {
  const heldOutPrompts = new Set([...sets.val, ...sets.test].map((s) => s.prompt));
  const trainByTag = [...groupByTag(sets.train).values()];
  const grammarByTag = TAGS.map((t) => enumerateCategory(t));

  /**
   * A scene and its words: half the time a prompt of the given sets with a scene made for it, half
   * the time a random scene (object count drawn by `count`) with a true caption. `keep` can refuse a
   * text; captions that do not fit the model are redrawn.
   */
  const drawCaptioned = (rng: Rng, specs: Spec[][], count: (rng: Rng) => number, keep: (text: string) => boolean) => {
    for (;;) {
      let scene: Scene;
      let text: string;
      if (rng() < 0.5) {
        const spec = pick(rng, pick(rng, specs));
        scene = sampleSceneForSpec(spec, rng);
        text = spec.prompt;
      } else {
        scene = randomScene(rng, count(rng), false);
        text = caption(scene, rng);
      }
      if (!keep(text)) continue;
      const words = encode(text);
      if (words.length + 2 <= cfg.maxText) return { scene, words };
    }
  };

  const genExample = (rng: Rng): { prompt: number[]; codes: number[] } => {
    const { scene, words } = drawCaptioned(rng, trainByTag, (r) => 1 + Math.floor(r() * 3), (text) => !heldOutPrompts.has(text));
    const prompt = rng() < mix.promptDropout ? [...UNCOND_PROMPT] : [BOS_ID, ...words, IMG_ID];
    return { prompt, codes: Array.from(sceneToTokens(scene)) };
  };

  const undExample = (rng: Rng): { image: Uint8Array; caption: number[] } => {
    const { scene, words } = drawCaptioned(rng, grammarByTag, (r) => drawCount(r, UND_OBJECT_COUNTS), () => true);
    return { image: renderScene(scene), caption: [BOS_ID, ...words, EOS_ID] };
  };

  return (step: number): Record<string, TensorData> => {
    const rng = stepRng(mix.seed, step);
    const gens = Array.from({ length: mix.genBatch }, () => genExample(rng));
    const unds = Array.from({ length: mix.undBatch }, () => undExample(rng));
    const gen = packGeneration(cfg, gens.map((g) => g.prompt), gens.map((g) => g.codes));
    const pixels = new Float32Array(mix.undBatch * cfg.imageTokens * cfg.patchDim);
    unds.forEach((u, i) => imageToPatches(cfg, u.image, pixels, i * cfg.imageTokens * cfg.patchDim));
    const und = packUnderstanding(cfg, pixels, unds.map((u) => u.caption));
    return {
      gen_ids: gen.ids, gen_positions: gen.positions, gen_mask: gen.mask,
      und_pixels: und.pixels, und_ids: und.ids, und_positions: und.positions, und_mask: und.mask, und_weights: und.weights,
    };
  };
}

/**
 * How many objects the understanding's random scenes hold (weights for 0..6). Mostly one or two:
 * a caption's first word about size or relation is only learnable when its referent is clear, and
 * with uniform counts those cases were too rare (size and relation edits stayed at chance for
 * 2750 steps while colour, shape and count were learned); a tail up to six teaches over-drawing.
 */
export const UND_OBJECT_COUNTS = [0.03, 0.27, 0.35, 0.2, 0.1, 0.03, 0.02];

export function drawCount(rng: Rng, weights: readonly number[]): number {
  let u = rng() * weights.reduce((a, b) => a + b, 0);
  for (let n = 0; n < weights.length; n++) if ((u -= weights[n]) < 0) return n;
  return weights.length - 1;
}

/** A scene of n objects in random cells; `avoidHeldOut` redraws held-out colour-shape pairs. */
export function randomScene(rng: Rng, n: number, avoidHeldOut: boolean): Scene {
  const cells = shuffled(rng, Array.from({ length: CELL_COUNT }, (_, c) => c));
  const objects = Array.from({ length: n }, (_, i) => {
    for (;;) {
      const o = { shape: pick(rng, SHAPES), colour: pick(rng, COLOURS), size: pick(rng, SIZES), cell: cells[i] };
      if (!avoidHeldOut || !HELD_OUT_BINDINGS.some(([c, s]) => c === o.colour && s === o.shape)) return o;
    }
  });
  return { objects };
}

/**
 * A true caption naming every object. When all groups have different shapes, colour and/or size
 * may be left unsaid (then the groups stay distinguishable by shape alone).
 */
export function caption(scene: Scene, rng: Rng): string {
  let entries: SpecInclude[] = describeSceneEntries(scene, rng);
  if (entries.length === 0) return EMPTY_SCENE_CAPTION;
  const distinctShapes = new Set(entries.map((e) => e.class)).size === entries.length;
  if (distinctShapes) {
    const dropColour = rng() < 0.5;
    const dropSize = rng() < 0.5;
    entries = entries.map((e) => ({ ...e, color: dropColour ? undefined : e.color, size: dropSize ? undefined : e.size }));
  }
  const [first, second] = entries;
  if (second?.position) return `${PROMPT_PREFIX} ${entryPhrase(second)} ${second.position[0]} ${entryPhrase(first)}`;
  return `${PROMPT_PREFIX} ${entries.map(entryPhrase).join(' and ')}`;
}

