// The Train view's uPlot charts and runs list under the production build's strict CSP (no inline
// style, style-src 'self'): uPlot's stylesheet comes bundled from the site and its inline sizes go
// through the CSSOM, so the charts draw and nothing is refused.
import { expect, test } from 'vitest';
import { recentLogs, screenshot, startApp } from './harness.ts';
import { waitForModel } from './playground.ts';

test('the Train charts and runs list draw under the production CSP with no violation', async () => {
  const app = await startApp({ server: 'preview', waitForEngine: false, path: '/?view=train&backend=wasm' });
  try {
    const { page } = app;
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { cspViolations: seen });
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    await page.reload();
    await waitForModel(page);
    await page.waitForFunction(() => document.querySelectorAll('.charts .uplot canvas').length === 5, null, { timeout: 30_000 });
    // uPlot's own stylesheet applied (uPlot.min.css positions the plot area; unstyled it is static).
    const position = await page.locator('[data-testid="chart-reward"] .u-wrap').evaluate((el) => getComputedStyle(el).position);
    expect(position).toBe('relative');
    await page.getByTestId('runs-import-files').waitFor({ state: 'attached' });
    const seen = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    expect(seen, recentLogs(app)).toEqual([]);
    expect(app.logs.filter((l) => /Content Security Policy|Refused to/i.test(l))).toEqual([]);
    await screenshot(app, 'train-production-csp', { fullPage: false });
  } finally {
    await app.close();
  }
});
