import { describe, expect, it } from 'vitest';
import { buildSpec, parseSpec, parseSpecJsonl, specToJson } from '../../../src/core/world/spec.ts';
import { entryPhrase, specToPrompt } from '../../../src/core/world/promptText.ts';

const positionSpec = {
  tag: 'position',
  include: [{ class: 'square', count: 1 }, { class: 'circle', count: 1, position: ['left of', 0] }],
  prompt: 'a photo of a circle left of a square',
};

describe('prompt grammar', () => {
  it('speaks entries GenEval-style: article or number word, size before colour, plurals', () => {
    expect(entryPhrase({ class: 'circle', count: 1 })).toBe('a circle');
    expect(entryPhrase({ class: 'circle', count: 1, color: 'orange' })).toBe('an orange circle');
    expect(entryPhrase({ class: 'triangle', count: 3, color: 'red', size: 'large' })).toBe('three large red triangles');
    expect(specToPrompt({ include: [{ class: 'circle', count: 2 }, { class: 'square', count: 1 }] })).toBe('a photo of two circles and a square');
    expect(specToPrompt(positionSpec as never)).toBe('a photo of a circle left of a square');
  });

  it('gives numbered entries an exclude at count + 1 and count-1 entries none, as GenEval', () => {
    expect(buildSpec('counting', [{ class: 'circle', count: 3 }]).exclude).toEqual([{ class: 'circle', count: 4 }]);
    expect(buildSpec('single_object', [{ class: 'circle', count: 1 }]).exclude).toEqual([]);
  });
});

describe('parseSpec', () => {
  it('accepts GenEval metadata and writes it back in the same key order', () => {
    const spec = parseSpec(positionSpec);
    expect(spec.include[1].position).toEqual(['left of', 0]);
    expect(specToJson(spec)).toBe(JSON.stringify(positionSpec));
    const counting = buildSpec('counting', [{ class: 'square', count: 2 }]);
    expect(specToJson(counting)).toBe('{"tag":"counting","include":[{"class":"square","count":2}],"exclude":[{"class":"square","count":3}],"prompt":"a photo of two squares"}');
  });

  it('names the field at fault', () => {
    const bad = (patch: object) => () => parseSpec({ ...positionSpec, ...patch });
    expect(bad({ tag: 'colour' })).toThrow(/spec.tag: "colour" is not one of single_object, two_object/);
    expect(bad({ include: [] })).toThrow(/spec.include: expected a non-empty array/);
    expect(bad({ include: [{ class: 'hexagon', count: 1 }] })).toThrow(/spec.include\[0\].class: "hexagon" is not one of circle, square, triangle/);
    expect(bad({ include: [{ class: 'circle', count: 5 }] })).toThrow(/include\[0\].count: 5 is not an integer 1..4/);
    expect(bad({ include: [{ class: 'circle', count: 1, color: 'pink' }] })).toThrow(/include\[0\].color: "pink"/);
    expect(bad({ include: [{ class: 'circle', count: 1, position: ['left of', 0] }] })).toThrow(/include\[0\].position\[1\]: 0 must index an earlier include entry/);
    expect(bad({ include: [{ class: 'circle', count: 1 }, { class: 'circle', count: 1 }] })).toThrow(/class circle appears twice/);
    expect(bad({ include: [{ class: 'circle', count: 3 }, { class: 'square', count: 2 }] })).toThrow(/asks for 5 objects; at most 4/);
    expect(bad({ exclude: [{ class: 'circle', count: 1 }] })).toThrow(/exclude\[0\]: excludes 1 or more circle but include asks for 1/);
    expect(bad({ prompt: 'a photo of a circle right of a square' })).toThrow(/does not say what the entries ask; expected "a photo of a circle left of a square"/);
    expect(bad({ colour: 'red' })).toThrow(/spec: unknown key "colour"/);
  });

  it('reads JSONL, naming file and line on error', () => {
    const good = JSON.stringify(positionSpec);
    expect(parseSpecJsonl(`${good}\n\n${good}\n`, 'x.jsonl')).toHaveLength(2);
    expect(() => parseSpecJsonl(`${good}\n{oops`, 'x.jsonl')).toThrow(/x.jsonl:2: not JSON/);
    expect(() => parseSpecJsonl(`${good}\n{"tag":"nope"}`, 'x.jsonl')).toThrow(/x.jsonl:2.tag/);
  });
});
