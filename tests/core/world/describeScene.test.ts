import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/tensor.ts';
import { EMPTY_SCENE_CAPTION, describeScene, describeSceneEntries } from '../../../src/core/world/describeScene.ts';
import { placeObjects } from '../../../src/core/world/scene.ts';
import { checkSpec } from '../../../src/core/world/specCheck.ts';
import { encode } from '../../../src/core/world/textTokenizer.ts';
import { randomScene } from './randomScene.ts';

describe('describeScene', () => {
  it('is true and complete: its entries strictly match the scene (every object, exact counts)', () => {
    const rng = mulberry32(3);
    let withRelation = 0;
    for (let seed = 0; seed < 400; seed++) {
      const scene = randomScene(seed, 1 + (seed % 8));
      const entries = describeSceneEntries(scene, rng);
      expect(checkSpec(placeObjects(scene), { tag: 'two_object', include: entries, exclude: [], prompt: '' }).strictPass).toBe(true);
      if (entries.some((e) => e.position)) withRelation++;
    }
    expect(withRelation).toBeGreaterThan(20);
  });

  it('speaks the prompt vocabulary, with sizes and colours for every group', () => {
    const scene = { objects: [
      { shape: 'circle', colour: 'red', size: 'small', cell: 0 },
      { shape: 'square', colour: 'blue', size: 'large', cell: 1 },
    ] } as const;
    const seen = new Set<string>();
    const rng = mulberry32(0);
    for (let i = 0; i < 40; i++) seen.add(describeScene(scene, rng));
    expect([...seen].sort()).toEqual([
      'a photo of a large blue square and a small red circle',
      'a photo of a large blue square right of a small red circle',
      'a photo of a small red circle and a large blue square',
      'a photo of a small red circle left of a large blue square',
    ]);
    const many = randomScene(9, 16);
    for (let i = 0; i < 20; i++) expect(() => encode(describeScene(randomScene(i, i % 17), rng))).not.toThrow();
    expect(describeScene(many, rng)).toMatch(/^a photo of /);
    expect(describeScene({ objects: [] }, rng)).toBe(EMPTY_SCENE_CAPTION);
  });
});
