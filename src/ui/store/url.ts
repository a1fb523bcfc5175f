// The URL holds what makes a view reproducible:
// ?view=inspect&prompt=...&seed=...&g=...&t=...&topk=...&topp=...&minp=...&cfg=...&backend=wasm.
// What a link may hold is checked in link.ts (readLink); this file only touches the address bar.
import { type LinkReading, readLink } from './link.ts';

export { VIEWS, type View } from './link.ts';

export function readUrl(): URLSearchParams {
  return new URLSearchParams(globalThis.location?.search ?? '');
}

let opened: LinkReading | null = null;

/**
 * The link the page was opened with, read and checked once. Read once because the first call
 * also rewrites the values it could not use, and a second reading would no longer see them
 * (the notices must still name them).
 */
export function initialLink(): LinkReading {
  if (!opened) {
    opened = readLink(readUrl());
    if (Object.keys(opened.fixes).length > 0) writeUrl(opened.fixes);
  }
  return opened;
}

export const initialView = () => initialLink().view;

/** Merge params into the address bar without a history entry per keystroke. */
export function writeUrl(params: Record<string, string | number | null>): void {
  if (!globalThis.location) return; // Node (tests, CLI): no address bar
  const q = readUrl();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  history.replaceState(null, '', `${location.pathname}?${q.toString()}`);
}
