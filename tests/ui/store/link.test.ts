// Which links name a group the page samples again on open (readLink's `regenerate`).
import { expect, test } from 'vitest';
import { readLink } from '../../../src/ui/store/link.ts';

const regenerates = (query: string) => readLink(new URLSearchParams(query)).regenerate;

test('a seed on the Inspect view names a group; without a seed, on another view or with a refused setting it does not', () => {
  expect(regenerates('view=inspect&prompt=a+photo+of+a+red+circle&seed=5&g=4')).toBe(true);
  expect(regenerates('seed=5')).toBe(true); // the Inspect view is the default
  expect(regenerates('seed=5&backend=gpu')).toBe(true); // a refused backend does not change the group
  expect(regenerates('view=inspect&prompt=a+photo+of+a+red+circle&g=4')).toBe(false);
  expect(regenerates('view=batch&seed=5')).toBe(false);
  expect(regenerates('seed=5&g=100')).toBe(false);
  expect(regenerates('seed=-1')).toBe(false);
  expect(regenerates('seed=5&prompt=a+photo+of+a+hexagon')).toBe(false);
  expect(regenerates('seed=5&reward=min_p&eos=1&teacher=policy')).toBe(true);
  expect(regenerates('seed=5&reward=best')).toBe(false); // the rewards would not be the sender's
});
