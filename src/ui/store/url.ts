// The URL holds what makes a view reproducible:
// ?view=inspect&prompt=...&seed=...&g=...&t=...&topk=...&topp=...&minp=...&cfg=...&backend=wasm.
export const VIEWS = ['inspect', 'train', 'batch', 'model'] as const;
export type View = (typeof VIEWS)[number];

export function readUrl(): URLSearchParams {
  return new URLSearchParams(globalThis.location?.search ?? '');
}

export function initialView(): View {
  const v = readUrl().get('view');
  return (VIEWS as readonly string[]).includes(v ?? '') ? (v as View) : 'inspect';
}

/** Merge params into the address bar without a history entry per keystroke. */
export function writeUrl(params: Record<string, string | number | null>): void {
  const q = readUrl();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  history.replaceState(null, '', `${location.pathname}?${q.toString()}`);
}

export function numberParam(name: string, fallback: number, min: number, max: number): number {
  const raw = readUrl().get(name);
  const n = raw === null ? NaN : Number(raw);
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}
