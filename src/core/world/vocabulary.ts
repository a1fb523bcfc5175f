// The words of ShapesWorld: every attribute an object can have, the relations between objects,
// and how each is spoken in a prompt. Everything else in the world indexes into these tables, so
// their order is part of the image-token format (see imageTokens.ts) and must never change.

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export type Shape = (typeof SHAPES)[number];

export const SHAPE_PLURALS: Readonly<Record<Shape, string>> = {
  circle: 'circles',
  square: 'squares',
  triangle: 'triangles',
};

export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export type Colour = (typeof COLOURS)[number];

export const SIZES = ['small', 'large'] as const;
export type Size = (typeof SIZES)[number];

export const RELATIONS = ['left of', 'right of', 'above', 'below'] as const;
export type Relation = (typeof RELATIONS)[number];

/**
 * Count 1 is spoken with an article ("a circle"); larger counts with a number word. Prompts count
 * to four; captions of over-drawn images may need up to sixteen (one object in every cell).
 */
export const NUMBER_WORDS: Readonly<Record<number, string>> = {
  2: 'two', 3: 'three', 4: 'four', 5: 'five', 6: 'six', 7: 'seven', 8: 'eight', 9: 'nine',
  10: 'ten', 11: 'eleven', 12: 'twelve', 13: 'thirteen', 14: 'fourteen', 15: 'fifteen', 16: 'sixteen',
};

/** No prompt asks for more objects than this, so every prompt fits the 4x4 grid with room to spare. */
export const MAX_PROMPT_OBJECTS = 4;

/** Seeded uniform randomness in [0, 1), e.g. mulberry32 from core/tensor.ts. */
export type Rng = () => number;

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export const isShape = (v: unknown): v is Shape => (SHAPES as readonly unknown[]).includes(v);
export const isColour = (v: unknown): v is Colour => (COLOURS as readonly unknown[]).includes(v);
export const isSize = (v: unknown): v is Size => (SIZES as readonly unknown[]).includes(v);
export const isRelation = (v: unknown): v is Relation => (RELATIONS as readonly unknown[]).includes(v);

/** "a" or "an" before a word, as GenEval writes it ("an orange circle"). */
export function article(nextWord: string): 'a' | 'an' {
  return /^[aeiou]/.test(nextWord) ? 'an' : 'a';
}
