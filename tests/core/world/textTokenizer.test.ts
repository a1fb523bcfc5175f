import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.ts';
import { makePromptSets } from '../../../src/core/world/promptSets.ts';
import { BOS_ID, DESCRIBE_INSTRUCTION, EOS_ID, IMG_ID, PAD_ID, TEXT_VOCABULARY, UnknownWordError, decode, encode, wordGroupOf } from '../../../src/core/world/textTokenizer.ts';

describe('text tokenizer', () => {
  it('has fixed special ids and no repeated word', () => {
    expect([PAD_ID, BOS_ID, EOS_ID, IMG_ID].map((i) => TEXT_VOCABULARY[i])).toEqual(['<pad>', '<bos>', '<eos>', '<img>']);
    expect(new Set(TEXT_VOCABULARY).size).toBe(TEXT_VOCABULARY.length);
    expect(wordGroupOf('circles')).toBe('shapes');
    expect(wordGroupOf('left')).toBe('relations');
    expect(wordGroupOf('<eos>')).toBe('special');
  });

  it('round-trips every prompt of every split and the instruction', () => {
    const sets = makePromptSets();
    for (const spec of [...sets.train, ...sets.val, ...sets.test]) expect(decode(encode(spec.prompt))).toBe(spec.prompt);
    expect(decode(encode(`<img> ${DESCRIBE_INSTRUCTION}`))).toBe('<img> describe the image');
  });

  it('lowercases and splits on any whitespace', () => {
    expect(encode('  A Photo\tof\nTWO circles ')).toEqual(encode('a photo of two circles'));
  });

  it('names an unknown word, its position and the vocabulary by group, as an InputError', () => {
    let error: unknown;
    try {
      encode('a photo of a red hexagon');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownWordError);
    expect(error).toBeInstanceOf(InputError);
    const e = error as UnknownWordError;
    expect(e.name).toBe('InputError');
    expect([e.word, e.position]).toEqual(['hexagon', 5]);
    expect(e.message).toMatch(/unknown word "hexagon" at position 5/);
    expect(e.message).toMatch(/shapes: circle, square, triangle, circles, squares, triangles/);
    expect(e.message).toMatch(/colours: red, green, blue, yellow, purple, orange/);
    expect(e.message).toMatch(/numbers: two, three, four/);
    expect(e.message).toMatch(/relations: left, right, above, below/);
    expect(e.message).toMatch(/sizes: small, large/);
    expect(e.message).toMatch(/other: a, an, photo, of, and/);
  });

  it('rejects ids outside the vocabulary on decode', () => {
    expect(() => decode([1, TEXT_VOCABULARY.length])).toThrow(/id \d+ at position 1 is outside the vocabulary/);
  });
});
