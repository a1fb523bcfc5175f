import { describe, expect, it } from 'vitest';
import { occludeCell } from '../../../src/core/gvu/attribution.ts';
import { BACKGROUND, renderScene } from '../../../src/core/world/index.ts';

describe('occludeCell', () => {
  it('blanks exactly one grid cell and leaves the image otherwise intact', () => {
    const scene = { objects: [{ shape: 'circle', colour: 'red', size: 'large', cell: 5 }, { shape: 'square', colour: 'blue', size: 'small', cell: 6 }] } as const;
    const image = renderScene(scene as never);
    const out = occludeCell(image, 5);
    const only6 = renderScene({ objects: [scene.objects[1]] } as never);
    expect(Array.from(out)).toEqual(Array.from(only6));
    expect(Array.from(out.subarray(0, 3))).toEqual([...BACKGROUND]);
    expect(Array.from(image)).not.toEqual(Array.from(out)); // the input is not modified in place
  });
});
