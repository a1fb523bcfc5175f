import { describe, expect, it } from 'vitest';
import { minimalEdits } from '../../../src/core/world/minimalEdits.ts';
import { makePromptSets } from '../../../src/core/world/promptSets.ts';
import { buildSpec, parseSpec, specToJson } from '../../../src/core/world/spec.ts';

describe('minimalEdits', () => {
  it('lists every one-word edit of a colour-position prompt, each tagged with its kind', () => {
    const spec = buildSpec('color_pos', [{ class: 'square', count: 1, color: 'blue' }, { class: 'circle', count: 1, color: 'red', position: ['above', 0] }]);
    const edits = minimalEdits(spec);
    const byKind = (k: string) => edits.filter((e) => e.kind === k).map((e) => e.prompt);
    expect(byKind('relation')).toEqual([
      'a photo of a red circle left of a blue square',
      'a photo of a red circle right of a blue square',
      'a photo of a red circle below a blue square',
    ]);
    expect(byKind('colour')).toHaveLength(10);
    expect(byKind('colour')).toContain('a photo of an orange circle above a blue square');
    expect(byKind('shape')).toEqual(['a photo of a red circle above a blue triangle', 'a photo of a red triangle above a blue square']);
    expect(byKind('count')).toContain('a photo of three red circles above a blue square');
    expect(byKind('count')).not.toContain('a photo of four red circles above a blue square'); // 5 objects
    expect(byKind('size')).toEqual([]);
  });

  it('moves the exclude with the count and keeps the tag', () => {
    const edits = minimalEdits(buildSpec('counting', [{ class: 'circle', count: 2 }]));
    const three = edits.find((e) => e.to === 'three')!;
    expect(three.spec).toEqual({ tag: 'counting', include: [{ class: 'circle', count: 3 }], exclude: [{ class: 'circle', count: 4 }], prompt: 'a photo of three circles' });
    expect(edits.find((e) => e.to === 'a')!.spec.exclude).toEqual([]);
  });

  it('gives only valid specs that differ from the original, for every prompt of every split', () => {
    const sets = makePromptSets();
    for (const spec of [...sets.train, ...sets.val, ...sets.test]) {
      const edits = minimalEdits(spec);
      expect(edits.length).toBeGreaterThan(0);
      const prompts = new Set(edits.map((e) => e.prompt));
      expect(prompts.size).toBe(edits.length); // no duplicates
      expect(prompts.has(spec.prompt)).toBe(false);
      for (const e of edits) {
        expect(e.from).not.toBe(e.to);
        expect(specToJson(parseSpec(JSON.parse(specToJson(e.spec))))).toBe(specToJson(e.spec));
      }
    }
  });
});
