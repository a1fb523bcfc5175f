// Rate over a sliding window, time left, and the sizes as the panel prints them.
import { expect, test } from 'vitest';
import { RateMeter, formatBytes, formatEta } from '../../../src/core/modelFiles/progress.ts';

test('the rate follows the last window, so a stall shows', () => {
  const m = new RateMeter(3000);
  expect(m.rate()).toBe(0);
  m.add(0, 0);
  m.add(50, 1000);
  expect(m.rate()).toBe(0); // under 100 ms: no estimate yet
  for (let t = 1000; t <= 5000; t += 1000) m.add(t, t * 1000); // 1 MB/s
  expect(m.rate()).toBeCloseTo(1e6, 0);
  expect(m.eta(5e6)).toBeCloseTo(5, 6);
  for (let t = 6000; t <= 9000; t += 1000) m.add(t, 5e6); // stalled for 4 s
  expect(m.rate()).toBe(0);
  expect(m.eta(1)).toBeNull();
});

test('formatting', () => {
  expect(formatBytes(999)).toBe('999 B');
  expect(formatBytes(1536)).toBe('1.54 KB');
  expect(formatBytes(20_000_000)).toBe('20.0 MB');
  expect(formatBytes(999_999)).toBe('1.00 MB');
  expect(formatBytes(999_400)).toBe('999 KB');
  expect(formatBytes(2_079_238_052)).toBe('2.08 GB');
  expect(formatEta(null)).toBe('…');
  expect(formatEta(4.2)).toBe('5 s');
  expect(formatEta(75)).toBe('1 min 15 s');
  expect(formatEta(3 * 3600 + 120)).toBe('3 h 2 min');
});
