// Captions: a true and complete description of a scene, in the prompt vocabulary, for training
// the understanding branch. Identical objects (same shape, colour and size) are counted together
// and every group is named with its size and colour, so the caption fixes what is in the image;
// with two groups the caption sometimes also says where one is relative to the other.
//   "a photo of a small red circle left of a large blue square"
//   "a photo of two large red circles and a small green triangle"
// An empty scene is "a photo of nothing" (images the generator left blank need a caption too).
import { type Scene, placeObjects } from './scene.ts';
import type { SpecInclude } from './spec.ts';
import { PROMPT_PREFIX, entryPhrase } from './promptText.ts';
import { relationHolds } from './relations.ts';
import { RELATIONS, type Rng, pick, shuffled } from './vocabulary.ts';

export const EMPTY_SCENE_CAPTION = `${PROMPT_PREFIX} nothing`;

/**
 * The caption's content as include entries (exact counts, colour and size always given; at most
 * the second entry has a position). Every object of the scene belongs to exactly one entry.
 */
export function describeSceneEntries(scene: Scene, rng: Rng): SpecInclude[] {
  const placed = placeObjects(scene);
  const groups = new Map<string, number[]>();
  scene.objects.forEach((o, k) => {
    const key = `${o.size} ${o.colour} ${o.shape}`;
    groups.set(key, [...(groups.get(key) ?? []), k]);
  });
  const ordered = shuffled(rng, [...groups.values()]);
  const entries: SpecInclude[] = ordered.map((members) => {
    const o = scene.objects[members[0]];
    return { class: o.shape, count: members.length, color: o.colour, size: o.size };
  });
  if (entries.length === 2 && rng() < 0.5) {
    const [target, subject] = ordered;
    const holding = RELATIONS.filter((r) => subject.every((s) => target.every((t) => relationHolds(r, placed[s], placed[t]))));
    if (holding.length > 0) entries[1] = { ...entries[1], position: [pick(rng, holding), 0] };
  }
  return entries;
}

export function describeScene(scene: Scene, rng: Rng): string {
  const entries = describeSceneEntries(scene, rng);
  if (entries.length === 0) return EMPTY_SCENE_CAPTION;
  const [first, second] = entries;
  if (second?.position) return `${PROMPT_PREFIX} ${entryPhrase(second)} ${second.position[0]} ${entryPhrase(first)}`;
  return `${PROMPT_PREFIX} ${entries.map(entryPhrase).join(' and ')}`;
}
