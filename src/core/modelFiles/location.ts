// Where a model's files live: a Hugging Face repository (by id or its page URL) or any folder URL
// in the same layout. The hub gives every size in one API call; any other server is asked with
// HEAD requests, which is how tests serve a fixture folder from the dev server itself.
import { InputError } from '../errors.ts';

export const HUB = 'https://huggingface.co';
export const SUGGESTED_MODEL = 'onnx-community/Janus-Pro-1B-ONNX';
// Only main: a pinned revision would also need its own cache keys, and nothing asks for one yet.
const REVISION = 'main';

export interface ModelLocation {
  readonly kind: 'hub' | 'url';
  /** The id ('onnx-community/Janus-Pro-1B-ONNX') or the folder URL, as shown and kept in `?model=`. */
  readonly label: string;
  /** Absolute, ending in '/': a file's URL is base + its path. Also the prefix of its Cache Storage keys. */
  readonly base: string;
  /** Hub only: the repository id. */
  readonly id?: string;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
// https://huggingface.co/owner/name, optionally followed by /tree/main, /resolve/main/... or '/'.
const HUB_PAGE = /^https:\/\/huggingface\.co\/([\w.-]+\/[\w.-]+)(\/.*)?$/;

function hub(id: string): ModelLocation {
  return { kind: 'hub', id, label: id, base: `${HUB}/${id}/resolve/${REVISION}/` };
}

/**
 * A typed id or URL as a location. `origin` resolves a site-relative URL ('/fixtures/janus-tiny/');
 * anything that is neither an id nor an http(s) URL is refused with what was expected.
 */
export function parseModelLocation(input: string, origin: string): ModelLocation {
  const text = input.trim();
  if (text === '') throw new InputError('give a Hugging Face id (owner/name) or the URL of a model folder');
  const page = HUB_PAGE.exec(text);
  if (page && !page[1].startsWith('api/')) return hub(page[1]);
  if (HUB_ID.test(text)) return hub(text);
  let url: URL;
  try {
    url = new URL(text, origin);
  } catch {
    throw new InputError(`"${text}" is neither a Hugging Face id (owner/name) nor a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`"${text}": only http(s) URLs can be fetched`);
  if (!/^(https?:|\/|\.\/|\.\.\/)/.test(text)) throw new InputError(`"${text}" is neither a Hugging Face id (owner/name) nor a URL (start a site path with /)`);
  url.search = '';
  url.hash = '';
  const base = url.href.endsWith('/') ? url.href : `${url.href}/`;
  // A site-relative folder keeps its short form in the address bar and the label.
  const label = base.startsWith(`${origin}/`) ? base.slice(origin.length) : base;
  return { kind: 'url', label, base };
}

export const fileUrl = (loc: ModelLocation, path: string): string => loc.base + path.split('/').map(encodeURIComponent).join('/');

/** The hub's listing of every file with its size, in one request (paged past 1000 files with a Link header). */
export const hubTreeUrl = (id: string): string => `${HUB}/api/models/${id}/tree/${REVISION}?recursive=true`;
