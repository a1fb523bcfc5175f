// Fetching model files into Cache Storage with progress. Each response body is streamed through a
// byte counter straight into cache.put, so a 2 GB chunk is never held in memory; the counter fails
// the stream when the bytes do not add up to the listed size, and a failed or aborted stream makes
// cache.put reject without writing anything. So an entry exists only for a file that arrived whole,
// and a restart finds exactly the files still missing.
import { AbortError, InputError } from '../errors.ts';
import { SIZE_HEADER, openModelCache, storageEstimate } from './cache.ts';
import { fetchOrName } from './net.ts';
import { formatBytes } from './progress.ts';

export interface DownloadFile {
  readonly path: string;
  readonly url: string;
  readonly size: number;
}

export interface DownloadOptions {
  readonly signal?: AbortSignal;
  /** Bytes of `path` received so far (called per network chunk). */
  readonly onBytes?: (path: string, received: number) => void;
  /** `path` is stored whole in the cache. */
  readonly onStored?: (path: string) => void;
  /** Files fetched at once: two keep the pipe full without starving the big file of bandwidth. */
  readonly parallel?: number;
}

const isAbort = (err: unknown) => (err as Error)?.name === 'AbortError';
const isQuota = (err: unknown) => (err as Error)?.name === 'QuotaExceededError';

/** One file into the cache, or an error naming it; nothing is stored unless all `size` bytes arrived. */
export async function downloadFile(cache: Cache, file: DownloadFile, opts: DownloadOptions = {}): Promise<void> {
  const { path, url, size } = file;
  // no-store: the bytes go to Cache Storage; a second copy in the HTTP cache would double the disk used.
  const r = await fetchOrName(globalThis.fetch.bind(globalThis), url, { signal: opts.signal, cache: 'no-store' }, `fetching ${path}`);
  if (r.status === 404) throw new InputError(`missing file ${path}: 404 Not Found at ${url}`);
  if (!r.ok || !r.body) throw new InputError(`fetching ${path} failed: ${r.status} ${r.statusText} at ${url}`);
  let received = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      received += chunk.byteLength;
      if (received > size) ctl.error(new InputError(`${path} is larger than its listed ${size} bytes (${url}); the file changed on the server, list the files again`));
      else {
        opts.onBytes?.(path, received);
        ctl.enqueue(chunk);
      }
    },
    flush(ctl) {
      if (received !== size) ctl.error(new InputError(`${path} arrived cut short: ${received} of ${size} bytes from ${url}`));
    },
  });
  const headers = { 'Content-Type': r.headers.get('content-type') ?? 'application/octet-stream', [SIZE_HEADER]: String(size) };
  try {
    await cache.put(url, new Response(r.body.pipeThrough(counter), { headers }));
  } catch (err) {
    if (isAbort(err) || opts.signal?.aborted) throw new AbortError(`fetching ${path} cancelled at ${received} of ${size} bytes; nothing of it was stored`);
    if (isQuota(err)) {
      const e = await storageEstimate();
      throw new InputError(`no room to store ${path} (${formatBytes(size)}): the browser's storage quota is used up${e ? ` (${formatBytes(e.usage)} of ${formatBytes(e.quota)})` : ''}; forget a model or free disk space`);
    }
    if (err instanceof InputError) throw err;
    // A dropped connection mid-body surfaces here as a bare TypeError ('network error').
    throw new InputError(`fetching ${path} failed at ${received} of ${size} bytes (${(err as Error)?.message ?? err}); nothing of it was stored, fetch again to resume`);
  }
  opts.onStored?.(path);
}

/**
 * Every file into the cache, a few at a time; first checks the quota has room for all of them.
 * The first failure cancels the rest (files already stored stay: a restart skips them).
 */
export async function downloadAll(files: readonly DownloadFile[], opts: DownloadOptions = {}): Promise<void> {
  const need = files.reduce((a, f) => a + f.size, 0);
  const est = await storageEstimate();
  if (est && est.quota > 0 && need > est.quota - est.usage) {
    throw new InputError(`not enough browser storage: the files need ${formatBytes(need)}, ${formatBytes(Math.max(0, est.quota - est.usage))} is free (${formatBytes(est.usage)} of ${formatBytes(est.quota)} used); forget a model or free disk space`);
  }
  const cache = await openModelCache();
  const inner = new AbortController();
  const stop = () => inner.abort();
  opts.signal?.addEventListener('abort', stop);
  const queue = [...files];
  let failure: unknown = null;
  const worker = async () => {
    for (let f = queue.shift(); f && !failure; f = queue.shift()) {
      try {
        await downloadFile(cache, f, { ...opts, signal: inner.signal });
      } catch (err) {
        // Keep the first cause: the others are the aborts it triggered.
        failure ??= err;
        inner.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.parallel ?? 2 }, worker));
  } finally {
    opts.signal?.removeEventListener('abort', stop);
  }
  if (failure) throw failure;
}
