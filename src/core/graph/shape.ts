// Symbolic shapes: a dim is a number or a name ('B', 'T', or a product like '4*B*T').
// Shapes are inferred when a node is built, so gradient rules can tell broadcast axes statically.

export type Dim = number | string;
export type Shape = readonly Dim[];

let unknownCounter = 0;
/** A fresh symbol for a dim the builder cannot infer (a data-dependent size). */
export const unknownDim = (): string => `?${++unknownCounter}`;

export const isStatic = (s: Shape): s is readonly number[] => s.every((d) => typeof d === 'number');

export const fmtShape = (s: Shape): string => `[${s.join(', ')}]`;

export const dimsEqual = (a: Dim, b: Dim): boolean => a === b;

/** Numpy broadcasting of two shapes. Differently named symbols are taken to be equal (left wins). */
export function broadcastShapes(a: Shape, b: Shape, where: string): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else if (typeof da === 'number' && typeof db === 'number') {
      throw new Error(`${where}: cannot broadcast ${fmtShape(a)} with ${fmtShape(b)}`);
    } else out.push(typeof da === 'number' ? da : typeof db === 'number' ? db : da);
  }
  return out;
}

/** Product of dims as a canonical dim: a number, or 'k*A*B' with sorted symbols. */
export function productDim(dims: Shape): Dim {
  let k = 1;
  const syms: string[] = [];
  for (const d of dims) {
    const part = splitProduct(d);
    k *= part.k;
    syms.push(...part.syms);
  }
  return joinProduct(k, syms);
}

/** Divide a product dim by a number, or return null when it does not divide cleanly. */
export function divideDim(total: Dim, by: Dim): Dim | null {
  const t = splitProduct(total);
  const b = typeof by === 'number' ? { k: by, syms: [] as string[] } : splitProduct(by);
  if (b.k === 0 || t.k % b.k !== 0) return null;
  const syms = [...t.syms];
  for (const s of b.syms) {
    const i = syms.indexOf(s);
    if (i < 0) return null;
    syms.splice(i, 1);
  }
  return joinProduct(t.k / b.k, syms);
}

function splitProduct(d: Dim): { k: number; syms: string[] } {
  if (typeof d === 'number') return { k: d, syms: [] };
  let k = 1;
  const syms: string[] = [];
  for (const part of d.split('*')) {
    if (/^\d+$/.test(part)) k *= Number(part);
    else syms.push(part);
  }
  return { k, syms };
}

function joinProduct(k: number, syms: string[]): Dim {
  if (syms.length === 0) return k;
  const s = [...syms].sort().join('*');
  return k === 1 ? s : `${k}*${s}`;
}

/** Normalise a possibly negative axis against a rank. */
export function normAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`${where}: axis ${axis} out of range for rank ${rank}`);
  return a;
}
