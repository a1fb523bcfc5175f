import { describe, expect, it } from 'vitest';
import { scorePromptSet } from '../../../src/core/eval/scorePromptSet.ts';

describe('scorePromptSet', () => {
  it('averages over categories, not images, as GenEval reports overall', () => {
    const results = [
      ...Array.from({ length: 4 }, (_, i) => ({ tag: 'single_object' as const, pass: true, strictPass: i < 2 })),
      ...Array.from({ length: 10 }, (_, i) => ({ tag: 'counting' as const, pass: i < 2, strictPass: i < 1 })),
      { tag: 'color_count' as const, pass: false, strictPass: false },
    ];
    const s = scorePromptSet(results);
    expect(s.byCategory.single_object).toEqual({ images: 4, accuracy: 1, strictAccuracy: 0.5 });
    expect(s.byCategory.counting).toEqual({ images: 10, accuracy: 0.2, strictAccuracy: 0.1 });
    expect(s.geneval).toEqual({ overall: 0.6, strictOverall: 0.3, categories: 2 });
    expect(s.genevalPlus).toEqual({ overall: 0, strictOverall: 0, categories: 1 });
    expect(s.overall).toBeCloseTo(0.4, 12);
    expect(s.strictOverall).toBeCloseTo(0.2, 12);
    expect(s.categories).toBe(3);
  });

  it('reports no tier that has no images', () => {
    const s = scorePromptSet([{ tag: 'colors', pass: true, strictPass: true }]);
    expect(s.genevalPlus).toBeNull();
    expect(scorePromptSet([])).toMatchObject({ overall: 0, categories: 0, geneval: null });
  });
});
