// The rules of the pretraining data, one by one: object counts drawn by weight, random scenes that
// do or do not avoid the held-out colour-shape pairs, true captions that may leave colour or size
// unsaid, and batches (prompt dropout, caption layout, every image's pixels, texts that exactly fit).
// Scripted randomness where the rule is about one draw; seeded randomness where it is about many.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../src/core/model/config.ts';
import { caption, drawCount, makePretrainBatcher, randomScene, stepRng } from '../../../src/core/model/pretrainData.ts';
import { mulberry32, toNumbers } from '../../../src/core/tensor.ts';
import { COLOURS, HELD_OUT_BINDINGS, NUMBER_WORDS, SHAPES, type Scene, decode, parseSpecJsonl } from '../../../src/core/world/index.ts';
import { WORLD_UMM } from './testModels.ts';

const CFG: ModelConfig = WORLD_UMM;
const load = (s: string) => parseSpecJsonl(readFileSync(`public/data/prompts/${s}.jsonl`, 'utf8'), s);
const SETS = { train: load('train'), val: load('val'), test: load('test') };
const MIX = { genBatch: 32, undBatch: 8, promptDropout: 0, seed: 0 };
const [BOS, EOS, IMG] = [1, 2, 3];

/** An Rng that returns the given values in order and fails loudly when asked for one more. */
function script(...values: number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error(`script exhausted after ${values.length} draws`);
    return values[i++];
  };
}

/** Rows of an [B, L] int tensor as arrays. */
function rows(t: { dims: readonly number[]; data: ArrayLike<number | bigint> }): number[][] {
  const [b, l] = t.dims;
  const all = toNumbers(t as never);
  return Array.from({ length: b }, (_, i) => all.slice(i * l, (i + 1) * l));
}

/** The text part of each generation row (maxText ids, prompts left-padded). */
const promptRows = (ids: { dims: readonly number[]; data: ArrayLike<number | bigint> }, maxText: number) => rows(ids).map((r) => r.slice(0, maxText));
const words = (r: number[]) => decode(r.filter((x) => x > IMG));
/** Objects a caption names: "a"/"an" is one, a number word its number. */
const objectCount = (text: string) =>
  text.replace(/^a photo of /, '').split(' ').reduce((n, w) => n + (w === 'a' || w === 'an' ? 1 : Number(Object.entries(NUMBER_WORDS).find(([, word]) => word === w)?.[0] ?? 0)), 0);

const SCENE_RED_CIRCLE: Scene = { objects: [{ shape: 'circle', colour: 'red', size: 'large', cell: 0 }] };

describe('drawCount', () => {
  it('draws each count with its weight: the draw falls in the count whose cumulative weight first passes it', () => {
    const w = [1, 1, 2]; // total 4: count 0 for u in [0, 1), 1 for [1, 2), 2 for [2, 4)
    expect(drawCount(script(0), w)).toBe(0);
    expect(drawCount(script(0.2), w)).toBe(0);
    expect(drawCount(script(0.25), w)).toBe(1); // u = 1 exactly: the boundary belongs to the next count
    expect(drawCount(script(0.49), w)).toBe(1);
    expect(drawCount(script(0.5), w)).toBe(2);
    expect(drawCount(script(0.6), w)).toBe(2);
    expect(drawCount(script(0.999), w)).toBe(2);
    expect(drawCount(script(0.3), [0, 0, 5, 5])).toBe(2); // zero weights are never drawn
  });

  it('a draw at the very top whose subtractions round to zero falls to the last count, never past it', () => {
    // 0.1 + 0.2 + 0.3 rounds up to 0.6000000000000001, so u - 0.1 - 0.2 - 0.3 is exactly 0, not below.
    expect(drawCount(script(1 - 2 ** -53), [0.1, 0.2, 0.3])).toBe(2);
  });
});

describe('randomScene', () => {
  const pairs = (avoidHeldOut: boolean) => {
    const rng = mulberry32(11);
    const seen = new Set<string>();
    for (let k = 0; k < 60; k++) {
      const scene = randomScene(rng, 16, avoidHeldOut);
      expect(new Set(scene.objects.map((o) => o.cell)).size).toBe(16); // one object per cell
      for (const o of scene.objects) seen.add(`${o.colour} ${o.shape}`);
    }
    return seen;
  };
  const all = COLOURS.flatMap((c) => SHAPES.map((s) => `${c} ${s}`));
  const heldOut = new Set(HELD_OUT_BINDINGS.map(([c, s]) => `${c} ${s}`));

  it('holds n objects in distinct cells', () => {
    const rng = mulberry32(3);
    for (const n of [0, 1, 5, 16]) {
      const scene = randomScene(rng, n, false);
      expect(scene.objects).toHaveLength(n);
      expect(new Set(scene.objects.map((o) => o.cell)).size).toBe(n);
    }
  });

  it('without avoidHeldOut draws every colour-shape pair, held-out ones included', () => {
    expect([...pairs(false)].sort()).toEqual([...all].sort());
  });

  it('with avoidHeldOut draws every pair except exactly the held-out ones', () => {
    expect([...pairs(true)].sort()).toEqual(all.filter((p) => !heldOut.has(p)).sort());
  });
});

describe('caption', () => {
  it('an empty scene is "a photo of nothing"', () => {
    expect(caption({ objects: [] }, script())).toBe('a photo of nothing');
  });

  it('one object: colour and size are each left unsaid when their draw is under one half', () => {
    expect(caption(SCENE_RED_CIRCLE, script(0.9, 0.9))).toBe('a photo of a large red circle');
    expect(caption(SCENE_RED_CIRCLE, script(0.5, 0.5))).toBe('a photo of a large red circle'); // 0.5 keeps both
    expect(caption(SCENE_RED_CIRCLE, script(0.1, 0.9))).toBe('a photo of a large circle');
    expect(caption(SCENE_RED_CIRCLE, script(0.9, 0.1))).toBe('a photo of a red circle');
    expect(caption(SCENE_RED_CIRCLE, script(0.4999, 0.4999))).toBe('a photo of a circle');
  });

  it('groups of different shapes may drop colour, still joined with "and"', () => {
    const scene: Scene = {
      objects: [
        { shape: 'circle', colour: 'red', size: 'large', cell: 0 },
        { shape: 'square', colour: 'blue', size: 'small', cell: 15 },
        { shape: 'square', colour: 'blue', size: 'small', cell: 10 },
      ],
    };
    // shuffle keeps the order (0.9), no relation (0.9), drop colour (0.1), keep size (0.9)
    expect(caption(scene, script(0.9, 0.9, 0.1, 0.9))).toBe('a photo of a large circle and two small squares');
    expect(caption(scene, script(0.9, 0.9, 0.9, 0.1))).toBe('a photo of a red circle and two blue squares');
  });

  it('groups of one shape keep colour and size (else they could not be told apart) and draw nothing more', () => {
    const scene: Scene = {
      objects: [
        { shape: 'circle', colour: 'red', size: 'large', cell: 0 },
        { shape: 'circle', colour: 'blue', size: 'small', cell: 15 },
      ],
    };
    // shuffle keeps the order (0.9), no relation (0.9); a drop draw would exhaust the script
    expect(caption(scene, script(0.9, 0.9))).toBe('a photo of a large red circle and a small blue circle');
  });

  it('a relation puts the second group first: "<subject> <relation> <target>"', () => {
    const scene: Scene = {
      objects: [
        { shape: 'circle', colour: 'red', size: 'large', cell: 0 },
        { shape: 'square', colour: 'blue', size: 'small', cell: 3 },
      ],
    };
    // shuffle keeps the order (0.9), relation (0.1), the only one that holds (0), keep colour and size
    expect(caption(scene, script(0.9, 0.1, 0, 0.9, 0.9))).toBe('a photo of a small blue square right of a large red circle');
    expect(caption(scene, script(0.9, 0.1, 0, 0.1, 0.1))).toBe('a photo of a square right of a circle');
  });
});

describe('pretraining batches', () => {
  it('the step seed depends on the run seed: seeds 0 to 3 start different streams, and different batches', () => {
    const firsts = [0, 1, 2, 3].map((s) => stepRng(s, 0)());
    expect(new Set(firsts).size).toBe(4);
    const a = makePretrainBatcher(CFG, SETS, { ...MIX, genBatch: 4, undBatch: 1, seed: 0 })(5);
    const b = makePretrainBatcher(CFG, SETS, { ...MIX, genBatch: 4, undBatch: 1, seed: 1 })(5);
    expect(toNumbers(a.gen_ids)).not.toEqual(toNumbers(b.gen_ids));
  });

  it('the data of (seed 0, step 0) is pinned: a resumed or reproduced run sees exactly these texts', () => {
    const b = makePretrainBatcher(CFG, SETS, { genBatch: 4, undBatch: 3, promptDropout: 0, seed: 0 })(0);
    expect(promptRows(b.gen_ids, CFG.maxText).map(words)).toEqual([
      'a photo of a yellow triangle above a red square',
      'a photo of a small yellow circle and a small orange triangle and a large orange square',
      'a photo of a large square below a large triangle',
      'a photo of a square and a triangle',
    ]);
    expect(rows(b.und_ids).map(words)).toEqual([
      'a photo of a large yellow triangle',
      'a photo of a small blue triangle',
      'a photo of a yellow square and a red circle',
    ]);
  });

  it('generation sees train prompts and captions of random scenes of one to three objects, held-out pairs included', () => {
    const train = new Set(SETS.train.map((s) => s.prompt));
    const heldOut = HELD_OUT_BINDINGS.map(([c, s]) => new RegExp(`\\b${c} ${s}`));
    const batcher = makePretrainBatcher(CFG, SETS, MIX);
    let fromTrain = 0;
    const captions: string[] = [];
    for (let step = 0; step < 8; step++) {
      for (const r of promptRows(batcher(step).gen_ids, CFG.maxText)) {
        const text = words(r);
        if (train.has(text)) fromTrain++;
        else captions.push(text);
      }
    }
    expect(fromTrain).toBeGreaterThan(64); // about half of 256
    expect(captions.length).toBeGreaterThan(64);
    expect(captions).not.toContain('a photo of nothing');
    const counts = new Set(captions.map(objectCount));
    expect([...counts].sort()).toEqual([1, 2, 3]);
    expect(captions.some((t) => heldOut.some((re) => re.test(t)))).toBe(true);
  });

  it('a kept prompt is <bos> words <img>, left-padded to maxText', () => {
    const batcher = makePretrainBatcher(CFG, SETS, MIX);
    for (const r of promptRows(batcher(0).gen_ids, CFG.maxText)) {
      const start = r.indexOf(BOS);
      expect(start).toBeGreaterThan(0);
      expect(r.slice(0, start).every((x) => x === 0)).toBe(true);
      expect(r[CFG.maxText - 1]).toBe(IMG);
      expect(r.slice(start + 1, CFG.maxText - 1).every((x) => x > IMG)).toBe(true);
    }
  });

  it('prompt dropout blanks that fraction of prompts to exactly <bos> <img>', () => {
    const uncond = [...new Array(CFG.maxText - 2).fill(0), BOS, IMG];
    const all = promptRows(makePretrainBatcher(CFG, SETS, { ...MIX, promptDropout: 1 })(0).gen_ids, CFG.maxText);
    for (const r of all) expect(r).toEqual(uncond);
    const batcher = makePretrainBatcher(CFG, SETS, { ...MIX, promptDropout: 0.25, undBatch: 1 });
    let blank = 0;
    let total = 0;
    for (let step = 0; step < 16; step++) {
      for (const r of promptRows(batcher(step).gen_ids, CFG.maxText)) {
        total++;
        if (r.join() === uncond.join()) blank++;
      }
    }
    expect(blank / total).toBeGreaterThan(0.17);
    expect(blank / total).toBeLessThan(0.33);
  });

  it('a caption is <bos> words <eos>, right-padded, and every image gets its own pixels', () => {
    const undBatch = 6;
    const batch = makePretrainBatcher(CFG, SETS, { ...MIX, genBatch: 1, undBatch })(2);
    for (const r of rows(batch.und_ids)) {
      expect(r[0]).toBe(BOS);
      const end = r.indexOf(EOS);
      expect(end).toBeGreaterThan(3);
      expect(r.slice(1, end).every((x) => x > IMG)).toBe(true);
      expect(r.slice(end + 1).every((x) => x === 0)).toBe(true);
      expect(words(r).startsWith('a photo of')).toBe(true);
    }
    const px = batch.und_pixels.data as Float32Array;
    const block = CFG.imageTokens * CFG.patchDim;
    expect(px.length).toBe(undBatch * block);
    for (let i = 0; i < undBatch; i++) {
      const img = px.subarray(i * block, (i + 1) * block);
      // pixels are value / 255 - 0.5: a rendered image is never all zero, and its first cell is background
      expect(img.some((v) => v !== 0), `image ${i}`).toBe(true);
      expect(img.every((v) => v >= -0.5 && v <= 0.5), `image ${i}`).toBe(true);
    }
  });

  it('a text that exactly fills maxText (with <bos> and <img>/<eos>) is kept', () => {
    const cfg = { ...CFG, maxText: 8 }; // at most six words: "a photo of a red circle"
    const batcher = makePretrainBatcher(cfg, SETS, { ...MIX, genBatch: 16, undBatch: 16 });
    let fullGen = 0;
    let fullUnd = 0;
    for (let step = 0; step < 4; step++) {
      const b = batcher(step);
      for (const r of promptRows(b.gen_ids, cfg.maxText)) if (r[0] === BOS) fullGen++;
      for (const r of rows(b.und_ids)) if (r[cfg.maxText - 1] === EOS) fullUnd++;
    }
    expect(fullGen).toBeGreaterThan(0);
    expect(fullUnd).toBeGreaterThan(0);
  });
});
