// The site's headers (src/server/headers.ts) as served: the production build under vite preview
// sends the strict CSP, nosniff and the referrer policy on the page, the worker script and the ORT
// files, and the app still loads its model and generates a group with no CSP violation, while an
// injected inline script, eval and a fetch to another host are refused. The dev server sends its
// relaxed policy and the model still loads under it.
import type { Page, Response } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { DEV_HEADERS, PRODUCTION_HEADERS } from '../../src/server/headers.ts';
import { type BrowserApp, recentLogs, startApp } from './harness.ts';
import { generateGroup, waitForModel } from './playground.ts';

interface Violation { directive: string; blocked: string }

// Chromium logs every refusal in the page's console ("Refused to ... Content Security Policy").
const VIOLATION_LOG = /Content Security Policy|Refused to/i;

/** Open the app again with a listener for securitypolicyviolation installed before any page script. */
async function reloadWatchingViolations(app: BrowserApp, responses: Response[]): Promise<Response> {
  await app.page.addInitScript(() => {
    const seen: { directive: string; blocked: string }[] = [];
    Object.assign(window, { cspViolations: seen });
    document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
  });
  app.page.on('response', (r) => responses.push(r));
  const page = await app.page.reload();
  if (!page) throw new Error('reload gave no response');
  return page;
}

const violations = (page: Page) => page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations);
const violationLogs = (app: BrowserApp) => app.logs.filter((l) => VIOLATION_LOG.test(l));

/**
 * `work`, failing as soon as the console shows a refusal: a refusal inside a worker (ORT's WASM
 * compile, say) is logged there but can leave the app waiting forever instead of failing.
 */
async function failOnViolation<T>(app: BrowserApp, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setInterval> | undefined;
  const watch = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const seen = violationLogs(app);
      if (seen.length > 0) reject(new Error(`CSP violation:\n${seen.join('\n')}`));
    }, 250);
  });
  try {
    return await Promise.race([work, watch]);
  } finally {
    clearInterval(timer);
  }
}

function expectHeaders(h: Record<string, string>, want: Record<string, string>, what: string) {
  for (const [k, v] of Object.entries(want)) expect(h[k.toLowerCase()], `${k} on ${what}`).toBe(v);
}

describe('preview server (production build)', () => {
  test('sends the strict CSP, nosniff and referrer policy; the model loads and a group generates with no violation', async () => {
    const app = await startApp({ server: 'preview', waitForEngine: false, path: '/?view=inspect&backend=wasm' });
    try {
      const responses: Response[] = [];
      const page = await reloadWatchingViolations(app, responses);
      expect(page.headers()['content-security-policy']).toBe(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
        + "connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co; img-src 'self' data: blob:; "
        + "style-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
        + "frame-ancestors 'none'; object-src 'none'",
      );
      expectHeaders(page.headers(), PRODUCTION_HEADERS, 'index.html');
      expect(page.headers()['x-content-type-options']).toBe('nosniff');
      expect(page.headers()['referrer-policy']).toBe('no-referrer');

      const rewards = await failOnViolation(app, waitForModel(app.page).then(() => generateGroup(app, 'a photo of a red circle', 2)));
      expect(rewards, recentLogs(app)).toHaveLength(2);
      expect(await violations(app.page)).toEqual([]);
      // The test hooks (window.__gvu with crash/exitSilently) are not in the production bundle.
      expect(await app.page.evaluate(() => '__gvu' in window)).toBe(false);
      expect(violationLogs(app)).toEqual([]);

      // A worker runs under the CSP of its own script, so the worker and ORT's files carry it too.
      const served = responses.filter((r) => /engine\.worker|\/ort\/.*\.(mjs|wasm)$/.test(r.url()));
      expect(served.some((r) => /engine\.worker/.test(r.url())), 'engine worker fetched').toBe(true);
      expect(served.some((r) => /\/ort\/.*\.wasm$/.test(r.url())), 'ORT wasm fetched').toBe(true);
      for (const r of served) expectHeaders(r.headers(), PRODUCTION_HEADERS, r.url());
    } finally {
      await app.close();
    }
  });

  test('refuses an injected inline script, eval and a fetch to another host', async () => {
    const app = await startApp({ server: 'preview', waitForEngine: false, path: '/?view=inspect' });
    try {
      await reloadWatchingViolations(app, []);
      const outcome = await app.page.evaluate(async () => {
        const s = document.createElement('script');
        s.textContent = 'window.inlineRan = true';
        document.head.append(s);
        // Code evaluated by the test driver is exempt from the CSP's eval rule; a later task is not.
        const evalResult = await new Promise<string>((resolve) => setTimeout(() => {
          try {
            resolve(String((0, eval)('"eval ran"')));
          } catch (e) {
            resolve((e as Error).name);
          }
        }));
        const fetchResult = await fetch('https://example.com/').then(() => 'fetched', (e: Error) => e.name);
        // Violation events are queued as tasks: let them arrive.
        await new Promise((r) => setTimeout(r, 200));
        return { inlineRan: 'inlineRan' in window, evalResult, fetchResult };
      });
      expect(outcome).toEqual({ inlineRan: false, evalResult: 'EvalError', fetchResult: 'TypeError' });
      const seen = await violations(app.page);
      expect(seen.map((v) => v.directive).sort()).toEqual(['connect-src', 'script-src', 'script-src-elem']);
      expect(seen.find((v) => v.directive === 'connect-src')?.blocked).toBe('https://example.com/');
      // and each refusal is logged, which is what the no-violation checks above also read
      expect(violationLogs(app).length, recentLogs(app)).toBeGreaterThanOrEqual(3);
    } finally {
      await app.close();
    }
  });
});

describe('dev server', () => {
  test('sends the relaxed dev CSP and the model loads with no violation', async () => {
    const app = await startApp({ server: 'dev', waitForEngine: false, path: '/?view=inspect&backend=wasm' });
    try {
      const page = await reloadWatchingViolations(app, []);
      expectHeaders(page.headers(), DEV_HEADERS, 'index.html');
      await failOnViolation(app, waitForModel(app.page));
      expect(await violations(app.page)).toEqual([]);
      expect(violationLogs(app)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
