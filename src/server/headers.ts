// The HTTP headers the site is served with: one source for the vite dev and preview servers
// (vite.config.ts) and for static hosts (public/_headers, which a test and the build compare
// against renderHeadersFile()). Every response carries them, worker scripts and /ort/ files
// included, because a worker's CSP is the one delivered with its own script.

// Cross-origin isolation (COOP + COEP) unlocks SharedArrayBuffer, hence WASM threads in ORT.
// Without it ORT silently drops to one thread (notes/runtime-facts.md).
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

// Hugging Face and its file CDNs (huggingface.co redirects downloads to *.hf.co and
// *.huggingface.co): the only hosts outside the site, for a model a user opens on purpose.
const MODEL_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

/**
 * Nothing inline and no JS eval. 'wasm-unsafe-eval' lets onnxruntime compile its WebAssembly and
 * is not JS eval. Workers (the engine, ORT's threads) are module scripts from the site. Images are
 * the site's own or data:/blob: URLs made in the page, which fetch nothing from elsewhere. React's
 * style props go through the CSSOM, which style-src does not restrict, so no 'unsafe-inline'.
 */
const CSP_DIRECTIVES: readonly (readonly string[])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'", "'wasm-unsafe-eval'"],
  ['worker-src', "'self'"],
  ['connect-src', "'self'", ...MODEL_HOSTS],
  ['img-src', "'self'", 'data:', 'blob:'],
  ['style-src', "'self'"],
  ['font-src', "'self'"],
  ['manifest-src', "'self'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
  ['object-src', "'none'"],
];

const render = (directives: readonly (readonly string[])[]) => directives.map((d) => d.join(' ')).join('; ');

/** The production policy: vite preview and static hosts. */
export const CONTENT_SECURITY_POLICY = render(CSP_DIRECTIVES);

/**
 * The dev server's policy is relaxed on purpose: vite's dev page carries an inline script (the
 * React refresh preamble) and injects CSS as <style> elements, so script-src and style-src add
 * 'unsafe-inline'. Everything else is the production policy, so a new host or a worker from
 * elsewhere shows up as a violation while developing, not first in production.
 */
export const DEV_CONTENT_SECURITY_POLICY = render(CSP_DIRECTIVES.map((d) =>
  d[0] === 'script-src' || d[0] === 'style-src' ? [...d, "'unsafe-inline'"] : d));

// The site uses none of these powerful features; say so, so an injected frame or script cannot ask.
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

function siteHeaders(csp: string): Record<string, string> {
  return {
    ...ISOLATION_HEADERS,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': PERMISSIONS_POLICY,
  };
}

export const PRODUCTION_HEADERS = siteHeaders(CONTENT_SECURITY_POLICY);
export const DEV_HEADERS = siteHeaders(DEV_CONTENT_SECURITY_POLICY);

export const HEADERS_FILE = 'public/_headers';

/** public/_headers in the Netlify / Cloudflare Pages format: the production headers on every path. */
export function renderHeadersFile(): string {
  const lines = Object.entries(PRODUCTION_HEADERS).map(([k, v]) => `  ${k}: ${v}`);
  return [
    '# Headers for static hosts (Netlify, Cloudflare Pages). Generated from src/server/headers.ts:',
    '# edit that file and copy renderHeadersFile() here; the build and tests/server/headers.test.ts check it.',
    '/*',
    ...lines,
    '',
  ].join('\n');
}
