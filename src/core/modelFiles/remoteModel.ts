// A model at an id or URL: what it needs for the chosen dtypes, how big each file is and which are
// already cached (the plan, made before anything big is fetched), then a source over the cache
// once all are. A model whose files are all cached is planned without touching the network.
import { InputError } from '../errors.ts';
import { cachedSize, openModelCache } from './cache.ts';
import { type DownloadOptions, downloadAll } from './download.ts';
import { parseConfig, resolveFileList } from './fileList.ts';
import type { GraphDtypes } from './layout.ts';
import { type ModelLocation, fileUrl } from './location.ts';
import { fetchOrName } from './net.ts';
import { remoteSizes } from './sizes.ts';
import type { ModelFileSource } from './source.ts';

export interface PlannedFile {
  readonly path: string;
  readonly url: string;
  readonly size: number;
  readonly cached: boolean;
}

export interface RemotePlan {
  readonly location: ModelLocation;
  readonly dtypes: GraphDtypes;
  readonly files: readonly PlannedFile[];
}

/** config.json from the cache when it is there, else from the network (small; it is not stored until the fetch). */
async function readConfig(loc: ModelLocation, cache: Cache, fetchFn: typeof fetch, signal?: AbortSignal): Promise<unknown> {
  const url = fileUrl(loc, 'config.json');
  const cached = await cache.match(url);
  if (cached) return parseConfig(await cached.text(), url);
  const r = await fetchOrName(fetchFn, url, { signal, cache: 'no-store' }, 'config.json');
  if (r.status === 404) throw new InputError(`missing file config.json: 404 Not Found at ${url}; is ${loc.label} a model folder in the onnx-community layout?`);
  if (!r.ok) throw new InputError(`cannot fetch config.json: ${r.status} ${r.statusText} at ${url}`);
  return parseConfig(await r.text(), url);
}

export async function planRemoteModel(loc: ModelLocation, dtypes: GraphDtypes, opts: { fetch?: typeof fetch; signal?: AbortSignal } = {}): Promise<RemotePlan> {
  const fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const cache = await openModelCache();
  const paths = resolveFileList(await readConfig(loc, cache, fetchFn, opts.signal), dtypes);
  const cachedSizes = await Promise.all(paths.map((p) => cachedSize(cache, fileUrl(loc, p))));
  const sizes = await remoteSizes(loc, paths.filter((_, i) => cachedSizes[i] === null), { fetch: fetchFn, signal: opts.signal });
  const files = paths.map((path, i) => {
    const c = cachedSizes[i];
    return { path, url: fileUrl(loc, path), size: c ?? sizes.get(path)!, cached: c !== null };
  });
  return { location: loc, dtypes, files };
}

/** Fetch what the plan lacks; files already cached are not requested again. */
export async function fetchMissing(plan: RemotePlan, opts: DownloadOptions = {}): Promise<void> {
  await downloadAll(plan.files.filter((f) => !f.cached), opts);
}

/** The plan's files read from the cache; an entry gone since (forgotten in another tab) is named. */
export function cachedSource(plan: RemotePlan): ModelFileSource {
  const byPath = new Map(plan.files.map((f) => [f.path, f]));
  const entries = plan.files.map(({ path, size }) => ({ path, size }));
  return {
    label: plan.location.label,
    dtypes: plan.dtypes,
    list: async () => entries,
    async read(path) {
      const f = byPath.get(path);
      if (!f) throw new InputError(`${plan.location.label} has no file ${path} among the files opened`);
      const r = await (await openModelCache()).match(f.url);
      if (!r) throw new InputError(`${path} of ${plan.location.label} is no longer in the browser's cache (forgotten?); fetch the model again`);
      return new Uint8Array(await r.arrayBuffer());
    },
  };
}
