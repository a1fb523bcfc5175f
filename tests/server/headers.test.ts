// The header source (src/server/headers.ts) and the file static hosts read (public/_headers) agree,
// and the production policy is as strict as issue 10 asks: nothing inline, no JS eval, connections
// only to the site and the model hosts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY, HEADERS_FILE, PRODUCTION_HEADERS, renderHeadersFile,
} from '../../src/server/headers.ts';

/** "a b c; d e" -> { a: ['b', 'c'], d: ['e'] } */
const directives = (csp: string) => Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe('public/_headers', () => {
  it('is renderHeadersFile() to the byte', () => {
    expect(readFileSync(HEADERS_FILE, 'utf8')).toBe(renderHeadersFile());
  });

  it('sends every production header, cross-origin isolation included, on every path', () => {
    const lines = readFileSync(HEADERS_FILE, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toBe('/*');
    const sent = Object.fromEntries(lines.slice(1).map((l) => {
      const colon = l.indexOf(':');
      return [l.slice(0, colon).trim(), l.slice(colon + 1).trim()];
    }));
    expect(sent).toEqual(PRODUCTION_HEADERS);
    expect(sent['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(sent['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    expect(sent['X-Content-Type-Options']).toBe('nosniff');
    expect(sent['Referrer-Policy']).toBe('no-referrer');
  });
});

describe('content security policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('allows no inline code and no JS eval; WASM compiles', () => {
    for (const [name, values] of Object.entries(csp)) {
      expect(values, name).not.toContain("'unsafe-inline'");
      expect(values, name).not.toContain("'unsafe-eval'");
    }
    expect(csp['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
  });

  it('connects only to the site and the Hugging Face model hosts', () => {
    expect(csp['connect-src']).toEqual(["'self'", 'https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co']);
  });

  it('relaxes only inline script and style on the dev server', () => {
    const dev = directives(DEV_CONTENT_SECURITY_POLICY);
    expect(dev['script-src']).toEqual([...csp['script-src'], "'unsafe-inline'"]);
    expect(dev['style-src']).toEqual([...csp['style-src'], "'unsafe-inline'"]);
    expect({ ...dev, 'script-src': null, 'style-src': null }).toEqual({ ...csp, 'script-src': null, 'style-src': null });
  });
});
