import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/tensor.ts';
import { makePromptSets } from '../../../src/core/world/promptSets.ts';
import { sampleSceneForSpec } from '../../../src/core/world/sampleScene.ts';
import { placeObjects } from '../../../src/core/world/scene.ts';
import { buildSpec } from '../../../src/core/world/spec.ts';
import { checkSpec } from '../../../src/core/world/specCheck.ts';

const sets = makePromptSets();
const allSpecs = [...sets.train, ...sets.val, ...sets.test];

describe('sampleSceneForSpec', () => {
  it('places exactly what every prompt of every split asks for (strictPass on the scene)', () => {
    const rng = mulberry32(1);
    for (const spec of allSpecs) {
      const scene = sampleSceneForSpec(spec, rng);
      expect(scene.objects.length).toBe(spec.include.reduce((n, e) => n + e.count, 0));
      expect(checkSpec(placeObjects(scene), spec).strictPass, spec.prompt).toBe(true);
    }
  });

  it('is reproducible from the seed and varies the attributes the spec leaves open', () => {
    const spec = buildSpec('counting', [{ class: 'circle', count: 4 }]);
    const a = sampleSceneForSpec(spec, mulberry32(5));
    expect(sampleSceneForSpec(spec, mulberry32(5))).toEqual(a);
    const rng = mulberry32(6);
    const colours = new Set<string>();
    const sizes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      for (const o of sampleSceneForSpec(spec, rng).objects) {
        colours.add(o.colour);
        sizes.add(o.size);
      }
    }
    expect(colours.size).toBe(6);
    expect(sizes.size).toBe(2);
  });

  it('with `unlike`, avoids scenes that also satisfy the other spec', () => {
    const above = buildSpec('position', [{ class: 'square', count: 1 }, { class: 'circle', count: 1, position: ['above', 0] }]);
    const left = buildSpec('position', [{ class: 'square', count: 1 }, { class: 'circle', count: 1, position: ['left of', 0] }]);
    const rng = mulberry32(2);
    for (let i = 0; i < 50; i++) {
      const placed = placeObjects(sampleSceneForSpec(above, rng, { unlike: left }));
      expect(checkSpec(placed, above).strictPass).toBe(true);
      expect(checkSpec(placed, left).pass).toBe(false);
    }
    expect(() => sampleSceneForSpec(above, rng, { unlike: above })).toThrow(/no scene found for "a photo of a circle above a square" unlike/);
  });
});
