// A fine-grained understanding probe with headroom. The caption ranking (understandingRanking.ts)
// sits near 0.99 on the base, so it can only fall; here the base is meant to land between 0.6 and
// 0.9, so a change either way shows. Built from ShapesWorld's own scenes, three families of items,
// each a true prompt about part of a busy scene against its one-word edits (minimalEdits) that are
// false of that scene (GenEval's pass rule on the scene's own objects decides what is true):
//   crowded:         6-8 random objects; the prompt names one of them ("a photo of a red circle");
//   counts:          three or four objects of one colour and shape among 2-3 others ("four red circles");
//   small_relations: two small objects in a relation among 2-4 others ("a small red circle left of a
//                    small blue square").
// The score is the share of (truth, edit) pairs where the truth has the higher caption likelihood.
import type { ModelConfig } from '../model/config.ts';
import type { Weights } from '../model/weights.ts';
import type { ModelSession } from '../runtime/session.ts';
import { mulberry32 } from '../tensor.ts';
import {
  CELL_COUNT, COLOURS, type EditKind, type PlacedObject, SHAPES, SIZES, type Scene, type SceneObject, type Spec, type SpecInclude,
  buildSpec, checkSpec, minimalEdits, pick, placeObjects, renderScene, shuffled,
} from '../world/index.ts';
import type { Rng } from '../world/vocabulary.ts';
import { relationsBetween } from '../world/relations.ts';
import { captionLogLikelihoods } from './understandingRanking.ts';

export const PROBE_FAMILIES = ['crowded', 'counts', 'small_relations'] as const;
export type ProbeFamily = (typeof PROBE_FAMILIES)[number];

export interface ProbeItem {
  readonly family: ProbeFamily;
  readonly scene: Scene;
  readonly truth: Spec;
  readonly distractors: readonly { readonly kind: EditKind; readonly spec: Spec }[];
}

export interface ProbeResult {
  overall: number; // share of pairs ranked right, over all families
  pairs: number;
  perFamily: Record<ProbeFamily, { correct: number; total: number; accuracy: number }>;
}

const randomObject = (rng: Rng, cell: number, shapes: readonly SceneObject['shape'][] = SHAPES): SceneObject =>
  ({ shape: pick(rng, shapes), colour: pick(rng, COLOURS), size: pick(rng, SIZES), cell });

function crowded(rng: Rng): { scene: Scene; truth: Spec } {
  const n = 6 + Math.floor(rng() * 3);
  const cells = shuffled(rng, Array.from({ length: CELL_COUNT }, (_, c) => c)).slice(0, n);
  const objects = cells.map((c) => randomObject(rng, c));
  const o = pick(rng, objects);
  return { scene: { objects }, truth: buildSpec('colors', [{ class: o.shape, count: 1, color: o.colour }]) };
}

function counts(rng: Rng): { scene: Scene; truth: Spec } {
  const k = 3 + Math.floor(rng() * 2);
  const others = 2 + Math.floor(rng() * 2);
  const cells = shuffled(rng, Array.from({ length: CELL_COUNT }, (_, c) => c)).slice(0, k + others);
  const shape = pick(rng, SHAPES);
  const colour = pick(rng, COLOURS);
  const otherShapes = SHAPES.filter((s) => s !== shape);
  const objects = cells.map((cell, i): SceneObject =>
    i < k ? { shape, colour, size: pick(rng, SIZES), cell } : randomObject(rng, cell, otherShapes));
  return { scene: { objects }, truth: buildSpec('color_count', [{ class: shape, count: k, color: colour }]) };
}

function smallRelations(rng: Rng): { scene: Scene; truth: Spec } | null {
  const others = 2 + Math.floor(rng() * 3);
  const cells = shuffled(rng, Array.from({ length: CELL_COUNT }, (_, c) => c)).slice(0, 2 + others);
  const [targetShape, subjectShape] = shuffled(rng, [...SHAPES]).slice(0, 2);
  const target: SceneObject = { shape: targetShape, colour: pick(rng, COLOURS), size: 'small', cell: cells[0] };
  const subject: SceneObject = { shape: subjectShape, colour: pick(rng, COLOURS), size: 'small', cell: cells[1] };
  const [placedSubject, placedTarget] = placeObjects({ objects: [subject, target] });
  const holding = relationsBetween(placedSubject, placedTarget);
  if (holding.length === 0) return null;
  const objects = [target, subject, ...cells.slice(2).map((c) => randomObject(rng, c))];
  const include: SpecInclude[] = [
    { class: target.shape, count: 1, color: target.colour, size: 'small' },
    { class: subject.shape, count: 1, color: subject.colour, size: 'small', position: [pick(rng, holding), 0] },
  ];
  return { scene: { objects }, truth: buildSpec('pos_size', include) };
}

const MAKERS: Record<ProbeFamily, (rng: Rng) => { scene: Scene; truth: Spec } | null> = {
  crowded, counts, small_relations: smallRelations,
};

/** `perFamily` items of each family, deterministic in `seed`; items whose truth fails its own scene or has no false edit are redrawn. */
export function buildProbe(perFamily: number, seed: number): ProbeItem[] {
  const rng = mulberry32(seed);
  const items: ProbeItem[] = [];
  for (const family of PROBE_FAMILIES) {
    let made = 0;
    for (let attempt = 0; made < perFamily; attempt++) {
      if (attempt > perFamily * 100) throw new Error(`probe family ${family}: only ${made} of ${perFamily} items in ${attempt} draws`);
      const drawn = MAKERS[family](rng);
      if (!drawn) continue;
      const placed: PlacedObject[] = placeObjects(drawn.scene);
      if (!checkSpec(placed, drawn.truth).pass) continue;
      const distractors = minimalEdits(drawn.truth).filter((e) => !checkSpec(placed, e.spec).pass).map((e) => ({ kind: e.kind, spec: e.spec }));
      if (distractors.length === 0) continue;
      items.push({ family, scene: drawn.scene, truth: drawn.truth, distractors });
      made++;
    }
  }
  return items;
}

export async function measureProbe(cfg: ModelConfig, weights: Weights, scorer: ModelSession, items: readonly ProbeItem[]): Promise<ProbeResult> {
  const rows: { image: Uint8Array; text: string }[] = [];
  const pairs: { truth: number; edit: number; family: ProbeFamily }[] = [];
  for (const item of items) {
    const image = renderScene(item.scene);
    const truth = rows.push({ image, text: item.truth.prompt }) - 1;
    for (const d of item.distractors) pairs.push({ truth, edit: rows.push({ image, text: d.spec.prompt }) - 1, family: item.family });
  }
  const ll = await captionLogLikelihoods(cfg, weights, scorer, rows);
  const perFamily = Object.fromEntries(PROBE_FAMILIES.map((f) => [f, { correct: 0, total: 0, accuracy: NaN }])) as ProbeResult['perFamily'];
  for (const p of pairs) {
    perFamily[p.family].total++;
    if (ll[p.truth] > ll[p.edit]) perFamily[p.family].correct++;
  }
  for (const f of PROBE_FAMILIES) perFamily[f].accuracy = perFamily[f].total ? perFamily[f].correct / perFamily[f].total : NaN;
  const correct = PROBE_FAMILIES.reduce((a, f) => a + perFamily[f].correct, 0);
  return { overall: correct / Math.max(1, pairs.length), pairs: pairs.length, perFamily };
}

