// The committed model (public/models/tiny-umm) loads, and on a small fixed subset with fixed seeds
// reproduces the numbers its model card recorded (docs/results/model.json, "smoke"). The stated
// tolerance (0.03) allows a few samples to flip under other CPUs' float rounding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { smokeNumbers } from '../../src/cli/modelReport.ts';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { loadPromptSet } from '../../src/cli/promptSets.ts';
import { countParams } from '../../src/core/model/weights.ts';

describe('the shipped tiny UMM', () => {
  it('loads and reproduces its documented understanding and generation numbers', async () => {
    const doc = JSON.parse(readFileSync('docs/results/model.json', 'utf8'));
    const { cfg, weights } = loadModel('public/models/tiny-umm');
    expect(countParams(weights)).toBe(doc.params);
    const got = await smokeNumbers(cfg, weights, loadPromptSet('test'));
    expect(got.understanding_pairs).toBe(doc.smoke.understanding_pairs);
    expect(Math.abs(got.understanding - doc.smoke.understanding)).toBeLessThanOrEqual(doc.smoke.tolerance);
    expect(Math.abs(got.generation - doc.smoke.generation)).toBeLessThanOrEqual(doc.smoke.tolerance);
  });
});
