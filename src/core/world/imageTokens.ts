// Semantic image tokens: one token per grid cell, row-major, naming what is drawn there.
// Code 0 is an empty cell; otherwise 1 + ((shape * 6 + colour) * 2 + size), 37 codes in all.
// The model generates these 16 tokens and renderTokens (the image decoder) draws them, so a
// scene -> tokens -> image round trip is exactly the scene's own render.
import { InputError } from '../errors.ts';
import { CELL_COUNT, type Scene, type SceneObject, validateScene } from './scene.ts';
import { renderScene } from './render.ts';
import { COLOURS, SHAPES, SIZES } from './vocabulary.ts';

export const IMAGE_TOKENS_PER_IMAGE = CELL_COUNT; // 16
export const EMPTY_CELL_TOKEN = 0;
export const IMAGE_TOKEN_CODES = 1 + SHAPES.length * COLOURS.length * SIZES.length; // 37

export function objectToken(o: Pick<SceneObject, 'shape' | 'colour' | 'size'>): number {
  const shape = SHAPES.indexOf(o.shape);
  const colour = COLOURS.indexOf(o.colour);
  const size = SIZES.indexOf(o.size);
  return 1 + (shape * COLOURS.length + colour) * SIZES.length + size;
}

export function sceneToTokens(scene: Scene): Int32Array {
  validateScene(scene);
  const tokens = new Int32Array(CELL_COUNT); // all EMPTY_CELL_TOKEN
  for (const o of scene.objects) tokens[o.cell] = objectToken(o);
  return tokens;
}

/** Objects come back in cell order, whatever order the original scene listed them in. */
export function tokensToScene(tokens: ArrayLike<number>): Scene {
  if (tokens.length !== CELL_COUNT) {
    throw new InputError(`image tokens: expected ${CELL_COUNT} tokens (one per cell), got ${tokens.length}`);
  }
  const objects: SceneObject[] = [];
  for (let cell = 0; cell < CELL_COUNT; cell++) {
    const t = tokens[cell];
    if (!Number.isInteger(t) || t < 0 || t >= IMAGE_TOKEN_CODES) {
      throw new InputError(`image tokens[${cell}]: ${t} is not a code 0..${IMAGE_TOKEN_CODES - 1}`);
    }
    if (t === EMPTY_CELL_TOKEN) continue;
    const code = t - 1;
    const size = SIZES[code % SIZES.length];
    const colour = COLOURS[Math.floor(code / SIZES.length) % COLOURS.length];
    const shape = SHAPES[Math.floor(code / (SIZES.length * COLOURS.length))];
    objects.push({ shape, colour, size, cell });
  }
  return { objects };
}

/** The image decoder: 16 tokens to a 48x48 RGB image. */
export function renderTokens(tokens: ArrayLike<number>): Uint8Array {
  return renderScene(tokensToScene(tokens));
}
