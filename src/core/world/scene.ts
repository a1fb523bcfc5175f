// A ShapesWorld scene: objects on a 4x4 grid of 12x12-pixel cells, at most one object per cell,
// each centred in its cell. The grid is what makes scenes exactly tokenisable (one token per cell)
// and exactly judgeable from pixels (objects never touch: the largest shape leaves a 2-pixel gap).
import { InputError } from '../errors.ts';
import { type Colour, type Shape, type Size, isColour, isShape, isSize } from './vocabulary.ts';

export const IMAGE_SIZE = 48; // pixels per side; images are RGB, HWC, Uint8Array
export const GRID_SIZE = 4; // cells per side
export const CELL_SIZE = IMAGE_SIZE / GRID_SIZE; // 12 pixels
export const CELL_COUNT = GRID_SIZE * GRID_SIZE; // 16 cells = 16 image tokens

export interface SceneObject {
  readonly shape: Shape;
  readonly colour: Colour;
  readonly size: Size;
  readonly cell: number; // row * GRID_SIZE + col, row 0 at the top
}

export interface Scene {
  readonly objects: readonly SceneObject[];
}

/** An object as the rules of a spec see it: attributes plus a centre in pixels (x right, y down). */
export interface PlacedObject {
  readonly shape: Shape | null; // null: a blob the judge could not name (never in a clean render)
  readonly colour: Colour | null;
  readonly size: Size;
  readonly cx: number;
  readonly cy: number;
}

export function cellRow(cell: number): number {
  return Math.floor(cell / GRID_SIZE);
}

export function cellCol(cell: number): number {
  return cell % GRID_SIZE;
}

/** The centre of a cell in continuous pixel coordinates (the cell spans [12c, 12c + 12)). */
export function cellCentre(cell: number): { cx: number; cy: number } {
  return { cx: (cellCol(cell) + 0.5) * CELL_SIZE, cy: (cellRow(cell) + 0.5) * CELL_SIZE };
}

export function placeObjects(scene: Scene): PlacedObject[] {
  return scene.objects.map((o) => ({ shape: o.shape, colour: o.colour, size: o.size, ...cellCentre(o.cell) }));
}

/** Throws an InputError naming the first object at fault (bad attribute, cell out of range, shared cell). */
export function validateScene(scene: Scene): void {
  const used = new Set<number>();
  scene.objects.forEach((o, i) => {
    const at = `scene.objects[${i}]`;
    if (!isShape(o.shape)) throw new InputError(`${at}.shape: unknown shape ${JSON.stringify(o.shape)}`);
    if (!isColour(o.colour)) throw new InputError(`${at}.colour: unknown colour ${JSON.stringify(o.colour)}`);
    if (!isSize(o.size)) throw new InputError(`${at}.size: unknown size ${JSON.stringify(o.size)}`);
    if (!Number.isInteger(o.cell) || o.cell < 0 || o.cell >= CELL_COUNT) {
      throw new InputError(`${at}.cell: ${o.cell} is not a cell index 0..${CELL_COUNT - 1}`);
    }
    if (used.has(o.cell)) throw new InputError(`${at}.cell: cell ${o.cell} already holds another object`);
    used.add(o.cell);
  });
}
