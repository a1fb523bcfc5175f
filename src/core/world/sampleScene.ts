// Ground truth for a spec: a random scene that satisfies it exactly. Only what the spec asks for
// is placed; attributes it leaves open (colour, size) are drawn at random, and cells are redrawn
// until every relation holds. Used for ground-truth renders and for training data.
// `unlike` asks for a scene that does not also strictly satisfy another spec: a render for a
// minimally edited prompt that is sure to contradict the original ("a circle above a square"
// placed so that it is not also left of it), for validating the judge or for negative examples.
import { InputError } from '../errors.ts';
import { CELL_COUNT, type Scene, type SceneObject, placeObjects } from './scene.ts';
import type { Spec } from './spec.ts';
import type { RelationRule } from './relations.ts';
import { checkSpec } from './specCheck.ts';
import { COLOURS, type Rng, SIZES, pick, shuffled } from './vocabulary.ts';

// The hardest prompt ("three circles left of a square") lands ~15% of random placements.
const MAX_PLACEMENTS = 10_000;

export interface SampleOptions {
  readonly unlike?: Spec;
  readonly relationRule?: RelationRule; // which relation rule the scene must satisfy (default GenEval's)
}

export function sampleSceneForSpec(spec: Spec, rng: Rng, options: SampleOptions = {}): Scene {
  const objects = spec.include.flatMap((e) =>
    Array.from({ length: e.count }, () => ({ shape: e.class, colour: e.color ?? pick(rng, COLOURS), size: e.size ?? pick(rng, SIZES) })),
  );
  const cells = Array.from({ length: CELL_COUNT }, (_, c) => c);
  for (let attempt = 0; attempt < MAX_PLACEMENTS; attempt++) {
    const placed = shuffled(rng, cells);
    const scene: Scene = { objects: objects.map((o, i): SceneObject => ({ ...o, cell: placed[i] })) };
    const placedObjects = placeObjects(scene);
    const rules = { relationRule: options.relationRule };
    if (!checkSpec(placedObjects, spec, rules).strictPass) continue;
    if (options.unlike && checkSpec(placedObjects, options.unlike, rules).strictPass) continue;
    return scene;
  }
  const unlike = options.unlike ? ` unlike ${JSON.stringify(options.unlike.prompt)}` : '';
  throw new InputError(`no scene found for ${JSON.stringify(spec.prompt)}${unlike} in ${MAX_PLACEMENTS} placements: is it satisfiable on a 4x4 grid?`);
}
