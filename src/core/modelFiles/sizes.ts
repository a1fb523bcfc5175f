// Every file's size before anything big is fetched: the hub lists a whole repository with sizes in
// one API call; any other server answers a HEAD per file with its Content-Length. A file that is
// not there is named with the URL asked, so a user can see which dtype or chunk is missing.
import { InputError } from '../errors.ts';
import { DTYPE_SUFFIX, DTYPES } from './layout.ts';
import { type ModelLocation, fileUrl, hubTreeUrl } from './location.ts';
import { fetchOrName } from './net.ts';

/** 'onnx/lm_head_q4.onnx' -> the dtypes the repository holds that graph in, for a missing-file message. */
function variantsOf(path: string, present: ReadonlySet<string>): string {
  const m = /^onnx\/(.+?)(_fp16|_q4f16|_q4|_quantized|_int8|_uint8|_bnb4)?\.onnx$/.exec(path);
  if (!m) return '';
  const have = DTYPES.filter((d) => present.has(`onnx/${m[1]}${DTYPE_SUFFIX[d]}.onnx`));
  return have.length ? ` (it holds ${m[1]} as ${have.join(', ')})` : ` (it holds no ${m[1]} graph)`;
}

/**
 * Sizes of `paths` from the hub's tree listing ([{type, path, size, lfs?: {size}}]); every path
 * the listing lacks is named in one error, with the dtypes the repository has for that graph.
 */
export function sizesFromHubTree(tree: unknown, paths: readonly string[], id: string): Map<string, number> {
  if (!Array.isArray(tree)) throw new InputError(`the hub's file listing for ${id} is not a list`);
  const listed = new Map<string, number>();
  for (const e of tree as { type?: unknown; path?: unknown; size?: unknown; lfs?: { size?: unknown } }[]) {
    if (e?.type !== 'file' || typeof e.path !== 'string') continue;
    // An LFS file's `size` has long been the real size, and `lfs.size` says the same; prefer the latter when given.
    const size = typeof e.lfs?.size === 'number' ? e.lfs.size : e.size;
    if (typeof size === 'number') listed.set(e.path, size);
  }
  const missing = paths.filter((p) => !listed.has(p));
  if (missing.length) {
    const present = new Set(listed.keys());
    throw new InputError(`${id} has no ${missing.map((p) => `${p}${variantsOf(p, present)}`).join('; no ')}`);
  }
  return new Map(paths.map((p) => [p, listed.get(p)!]));
}

/** The hub's whole listing, following its Link: rel="next" pages. */
async function hubTree(id: string, fetchFn: typeof fetch, signal?: AbortSignal): Promise<unknown[]> {
  const all: unknown[] = [];
  let url: string | null = hubTreeUrl(id);
  while (url) {
    const r: Response = await fetchOrName(fetchFn, url, { signal }, `the file listing of ${id}`);
    if (r.status === 401 || r.status === 404) throw new InputError(`${id} was not found on huggingface.co (${r.status} at ${url}); check the id, or the repository is private or gated`);
    if (!r.ok) throw new InputError(`the hub's file listing for ${id} failed: ${r.status} ${r.statusText} at ${url}`);
    const page: unknown = await r.json();
    if (!Array.isArray(page)) throw new InputError(`the hub's file listing for ${id} is not a list (${url})`);
    all.push(...page);
    url = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('link') ?? '')?.[1] ?? null;
  }
  return all;
}

/** One file's size from a HEAD request; 404 and a missing Content-Length are named with the URL. */
async function headSize(url: string, path: string, fetchFn: typeof fetch, signal?: AbortSignal): Promise<number> {
  const r = await fetchOrName(fetchFn, url, { method: 'HEAD', signal, cache: 'no-store' }, `the size of ${path}`);
  if (r.status === 404) throw new InputError(`missing file ${path}: 404 Not Found at ${url}`);
  if (!r.ok) throw new InputError(`cannot reach ${path}: ${r.status} ${r.statusText} at ${url}`);
  const size = Number(r.headers.get('content-length'));
  if (!r.headers.has('content-length') || !Number.isInteger(size) || size < 0) {
    throw new InputError(`the server did not give the size of ${path} (no Content-Length on HEAD ${url}); sizes are needed before fetching`);
  }
  return size;
}

/** Sizes of `paths` at a location: one hub API call, or HEAD requests (a few at a time). */
export async function remoteSizes(loc: ModelLocation, paths: readonly string[], opts: { fetch?: typeof fetch; signal?: AbortSignal } = {}): Promise<Map<string, number>> {
  const fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
  if (paths.length === 0) return new Map();
  if (loc.kind === 'hub') return sizesFromHubTree(await hubTree(loc.id!, fetchFn, opts.signal), paths, loc.id!);
  const sizes = new Map<string, number>();
  const errors: string[] = [];
  const queue = [...paths];
  const worker = async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      try {
        sizes.set(p, await headSize(fileUrl(loc, p), p, fetchFn, opts.signal));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        errors.push(err.message);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  // Every missing file at once: a folder lacking a dtype usually lacks several.
  if (errors.length) throw new InputError(errors.sort().join('\n'));
  return new Map(paths.map((p) => [p, sizes.get(p)!]));
}
