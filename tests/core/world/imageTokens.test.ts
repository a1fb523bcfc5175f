import { describe, expect, it } from 'vitest';
import { EMPTY_CELL_TOKEN, IMAGE_TOKEN_CODES, objectToken, renderTokens, sceneToTokens, tokensToScene } from '../../../src/core/world/imageTokens.ts';
import { renderScene } from '../../../src/core/world/render.ts';
import { COLOURS, SHAPES, SIZES } from '../../../src/core/world/vocabulary.ts';
import { randomScene } from './randomScene.ts';

describe('image tokens', () => {
  it('use 37 codes: 0 empty, then 1 + ((shape * 6 + colour) * 2 + size)', () => {
    expect(IMAGE_TOKEN_CODES).toBe(37);
    expect(objectToken({ shape: 'circle', colour: 'red', size: 'small' })).toBe(1);
    expect(objectToken({ shape: 'circle', colour: 'red', size: 'large' })).toBe(2);
    expect(objectToken({ shape: 'square', colour: 'green', size: 'large' })).toBe(1 + (1 * 6 + 1) * 2 + 1);
    expect(objectToken({ shape: 'triangle', colour: 'orange', size: 'large' })).toBe(36);
    const all = SHAPES.flatMap((shape) => COLOURS.flatMap((colour) => SIZES.map((size) => objectToken({ shape, colour, size }))));
    expect(new Set(all).size).toBe(36);
  });

  it('round trip scene -> tokens -> render equals the scene render exactly', () => {
    for (let seed = 0; seed < 200; seed++) {
      const scene = randomScene(seed, seed % 17);
      const tokens = sceneToTokens(scene);
      expect(tokens.length).toBe(16);
      expect(tokens.filter((t) => t !== EMPTY_CELL_TOKEN).length).toBe(scene.objects.length);
      expect(Buffer.from(renderTokens(tokens)).equals(Buffer.from(renderScene(scene)))).toBe(true);
    }
  });

  it('round trip tokens -> scene -> tokens is the identity for every token sequence', () => {
    for (let seed = 0; seed < 200; seed++) {
      const tokens = Array.from({ length: 16 }, (_, i) => (seed * 7 + i * 13) % IMAGE_TOKEN_CODES);
      expect(Array.from(sceneToTokens(tokensToScene(tokens)))).toEqual(tokens);
    }
  });

  it('rejects token sequences of the wrong length or with codes out of range, naming the cell', () => {
    expect(() => tokensToScene(new Array(15).fill(0))).toThrow(/expected 16 tokens/);
    const bad = new Array(16).fill(0);
    bad[5] = 37;
    expect(() => tokensToScene(bad)).toThrow(/image tokens\[5\]: 37 is not a code 0..36/);
  });
});
