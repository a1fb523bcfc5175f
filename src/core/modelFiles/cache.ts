// Cache Storage for model files: one cache, each file keyed by the URL it was fetched from, so
// every model and dtype shares it and a file fetched once is never fetched again. An entry is
// written only by download.ts, only once its bytes have all arrived, so an entry here is whole.

export const MODEL_CACHE = 'gvu-models-v1';
/** The entry's byte count, set when it was stored: sizes come from the cache without reading bodies. */
export const SIZE_HEADER = 'X-Gvu-Bytes';

export const openModelCache = (): Promise<Cache> => caches.open(MODEL_CACHE);

/** The stored size of a cached file, or null when it is not cached. */
export async function cachedSize(cache: Cache, url: string): Promise<number | null> {
  const r = await cache.match(url);
  if (!r) return null;
  const n = Number(r.headers.get(SIZE_HEADER));
  // An entry without the header was not written by download.ts: count its body instead.
  return Number.isInteger(n) && r.headers.has(SIZE_HEADER) ? n : (await r.arrayBuffer()).byteLength;
}

/** Every cached file under a model's base URL (all its dtypes) with its size. */
export async function cachedUnder(base: string): Promise<{ url: string; size: number }[]> {
  const cache = await openModelCache();
  const out: { url: string; size: number }[] = [];
  for (const req of await cache.keys()) {
    if (!req.url.startsWith(base)) continue;
    out.push({ url: req.url, size: (await cachedSize(cache, req.url)) ?? 0 });
  }
  return out;
}

/** "Forget this model": delete every cached file under its base URL; returns the bytes freed. */
export async function forgetModel(base: string): Promise<number> {
  const cache = await openModelCache();
  let freed = 0;
  for (const { url, size } of await cachedUnder(base)) {
    if (await cache.delete(url)) freed += size;
  }
  return freed;
}

export interface StorageEstimateInfo {
  readonly usage: number;
  readonly quota: number;
}

/** What the browser says this origin uses and may use (null where navigator.storage is absent). */
export async function storageEstimate(): Promise<StorageEstimateInfo | null> {
  const s = globalThis.navigator?.storage;
  if (!s?.estimate) return null;
  const e = await s.estimate();
  return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
}
