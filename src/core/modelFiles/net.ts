// fetch with failures a user can act on: a request the network or the browser refused (offline,
// a host the site's CSP does not allow, CORS) is an InputError naming the URL, instead of the bare
// "Failed to fetch"; a cancel is this project's AbortError, whatever stage it hit.
import { AbortError, InputError } from '../errors.ts';

export async function fetchOrName(fetchFn: typeof fetch, url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (err) {
    if (init.signal?.aborted || (err as Error)?.name === 'AbortError') throw new AbortError(`${what} cancelled`);
    throw new InputError(`cannot reach ${url} (${what}): the network failed or the browser refused the request; this site fetches only from itself and Hugging Face`);
  }
}
