// Occlusion heatmaps on the shipped model, against what the picture says: a red circle drawn alone
// in one cell. Blanking an empty cell leaves the image unchanged, so its heat is exactly 0 for every
// word; blanking the circle's cell removes the evidence for "red" and "circle", so their log p
// falls there: heat = log p(intact) - log p(occluded) is positive at that cell (a sign flip or an
// off-by-one cell shows).
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/cli/modelFiles.ts';
import { serializeModel } from '../../../src/core/graph/index.ts';
import { occlusionHeatmaps } from '../../../src/core/gvu/attribution.ts';
import { buildUnderstandingScoreGraph } from '../../../src/core/model/umm.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { renderScene } from '../../../src/core/world/render.ts';
import { CELL_COUNT } from '../../../src/core/world/scene.ts';

const CELL = 9; // row 2, column 1

describe('occlusionHeatmaps', async () => {
  const { cfg, weights } = loadModel('public/models/tiny-umm');
  const scorer = await createNodeSession(serializeModel(buildUnderstandingScoreGraph(cfg)));
  const image = renderScene({ objects: [{ shape: 'circle', colour: 'red', size: 'large', cell: CELL }] });
  const maps = await occlusionHeatmaps(cfg, weights, scorer, image, 'a photo of a red circle');
  await scorer.release();
  const heat = (word: string) => Array.from(maps.find((m) => m.word === word)!.heat);

  it('gives one map per prompt word and <eos>, each over the 4 x 4 cells', () => {
    expect(maps.map((m) => m.word)).toEqual(['a', 'photo', 'of', 'a', 'red', 'circle', '<eos>']);
    for (const m of maps) expect(m.heat).toHaveLength(CELL_COUNT);
  });

  it('is exactly zero at every empty cell (blanking it changes no pixel)', () => {
    for (const m of maps) {
      Array.from(m.heat).forEach((h, c) => {
        if (c !== CELL) expect(h, `${m.word} at cell ${c}`).toBe(0);
      });
    }
  });

  it('is positive for "red" and "circle" at the circle\'s cell: removing it removes their evidence', () => {
    expect(heat('red')[CELL]).toBeGreaterThan(0.5);
    expect(heat('circle')[CELL]).toBeGreaterThan(0.5);
  });
});
