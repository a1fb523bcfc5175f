// GenEval's rules, applied to a list of placed objects: the judge's detections (eval/judge.ts) or
// a scene's own objects (to sample scenes that satisfy a spec, and to know the truth in tests).
//   include: at least `count` objects of the class with the asked colour/size, as GenEval;
//   position: every chosen object of the entry stands in the relation to every chosen object of
//     its target entry. GenEval picks the most confident detections; we have no confidences, so
//     an entry passes if *some* choice of `count` matching objects works;
//   exclude: fewer than `count` objects of the class, whatever their colour.
// Relations follow GenEval's relative_position by default; `relationRule: 'cell_margin'` is this
// project's first rule, which also accepts diagonals GenEval fails (world/relations.ts).
// strictPass also fails when any object was not asked for (the exact object set), which catches
// the over-drawing GenEval's rules let through ("a photo of a circle" with five circles).
import type { PlacedObject } from './scene.ts';
import type { Spec, SpecInclude } from './spec.ts';
import { DEFAULT_RELATION_RULE, type RelationObject, type RelationRule, relationHolds, relationsBetween } from './relations.ts';

/** A placed object, with its bounding box when it is a detection (GenEval's relations use it). */
export type CheckedObject = PlacedObject & Pick<RelationObject, 'box'>;

export interface SpecCheckOptions {
  readonly relationRule?: RelationRule; // default: GenEval's relative_position
}

export interface SpecVerdict {
  readonly pass: boolean;
  readonly strictPass: boolean;
  /** Why pass or strictPass failed, one line each; empty when strictPass. */
  readonly reasons: readonly string[];
  /** Indices into the objects chosen for each include entry, when pass. */
  readonly chosen: readonly (readonly number[])[] | null;
}

// Far beyond any real image (4 objects asked of at most 16 cells); stops a pathological input.
const MAX_SEARCH_STEPS = 100_000;

export function checkSpec(objects: readonly CheckedObject[], spec: Spec, options: SpecCheckOptions = {}): SpecVerdict {
  const rule = options.relationRule ?? DEFAULT_RELATION_RULE;
  const reasons: string[] = [];
  const candidates = spec.include.map((e) => objects.flatMap((o, k) => (matches(o, e) ? [k] : [])));
  spec.include.forEach((e, i) => {
    if (candidates[i].length < e.count) reasons.push(`expected ${e.count} ${describeEntry(e)}, found ${candidates[i].length}`);
  });
  for (const x of spec.exclude) {
    const n = objects.filter((o) => o.shape === x.class).length;
    if (n >= x.count) reasons.push(`expected fewer than ${x.count} ${x.class}, found ${n}`);
  }
  let chosen: number[][] | null = null;
  if (reasons.length === 0) {
    chosen = chooseObjects(objects, spec.include, candidates, rule);
    if (chosen === null) reasons.push(relationFailure(objects, spec.include, candidates, rule));
  }
  const pass = reasons.length === 0;
  const used = new Set(chosen?.flat() ?? []);
  const asked = new Set(spec.include.map((e) => e.class));
  objects.forEach((o, k) => {
    // Without a passing choice, only objects of shapes nobody asked for are surely unrequested.
    const unrequested = pass ? !used.has(k) : o.shape === null || !asked.has(o.shape);
    if (unrequested) reasons.push(`not asked for: ${describeObject(o)}`);
  });
  return { pass, strictPass: pass && reasons.length === 0, reasons, chosen };
}

/** "red circle", "large circle", "circle": the entry's class with the attributes it fixes. */
export function describeEntry(e: Pick<SpecInclude, 'class' | 'color' | 'size'>): string {
  return [e.size, e.color, e.class].filter((w) => w !== undefined).join(' ');
}

function describeObject(o: PlacedObject): string {
  return `${o.size} ${o.colour ?? 'unknown-colour'} ${o.shape ?? 'unknown shape'} at (${o.cx.toFixed(1)}, ${o.cy.toFixed(1)})`;
}

function matches(o: PlacedObject, e: SpecInclude): boolean {
  return o.shape === e.class && (e.color === undefined || o.colour === e.color) && (e.size === undefined || o.size === e.size);
}

// Depth-first over entries: pick `count` unused candidates for each, keeping only picks whose
// relations to the already-picked target entry hold.
function chooseObjects(
  objects: readonly CheckedObject[], include: readonly SpecInclude[], candidates: readonly number[][], rule: RelationRule,
): number[][] | null {
  const chosen: number[][] = [];
  const used = new Set<number>();
  let steps = 0;
  const visit = (i: number): boolean => {
    if (i === include.length) return true;
    const e = include[i];
    for (const pick of combinations(candidates[i].filter((k) => !used.has(k)), e.count)) {
      if (++steps > MAX_SEARCH_STEPS) return false;
      if (e.position) {
        const [relation, target] = e.position;
        const ok = pick.every((s) => chosen[target].every((t) => relationHolds(relation, objects[s], objects[t], rule)));
        if (!ok) continue;
      }
      chosen.push(pick);
      pick.forEach((k) => used.add(k));
      if (visit(i + 1)) return true;
      chosen.pop();
      pick.forEach((k) => used.delete(k));
    }
    return false;
  };
  return visit(0) ? chosen : null;
}

function* combinations(items: readonly number[], k: number, start = 0): Generator<number[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - k; i++) {
    for (const rest of combinations(items, k - 1, i + 1)) yield [items[i], ...rest];
  }
}

// Counts were fine, so a relation failed: show the first pair of objects for which it does not hold.
function relationFailure(objects: readonly CheckedObject[], include: readonly SpecInclude[], candidates: readonly number[][], rule: RelationRule): string {
  for (const [i, e] of include.entries()) {
    if (!e.position) continue;
    const [relation, target] = e.position;
    for (const s of candidates[i]) {
      for (const t of candidates[target]) {
        if (relationHolds(relation, objects[s], objects[t], rule)) continue;
        const seen = relationsBetween(objects[s], objects[t], rule);
        const count = e.count > 1 ? `${e.count} ` : '';
        return `expected ${count}${describeEntry(e)} ${relation} ${describeEntry(include[target])}, ` +
          `found a ${describeEntry(e)} ${seen.length > 0 ? seen.join(' and ') : 'on top of'} a ${describeEntry(include[target])}`;
      }
    }
  }
  return 'no choice of distinct objects satisfies every entry at once';
}
