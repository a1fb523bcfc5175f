import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/tensor.ts';
import { judge } from '../../../src/core/eval/judge.ts';
import { type EditKind, minimalEdits } from '../../../src/core/world/minimalEdits.ts';
import { renderScene } from '../../../src/core/world/render.ts';
import { sampleSceneForSpec } from '../../../src/core/world/sampleScene.ts';
import { placeObjects } from '../../../src/core/world/scene.ts';
import { buildSpec, parseSpecJsonl } from '../../../src/core/world/spec.ts';
import { checkSpec } from '../../../src/core/world/specCheck.ts';
import { addNoise } from './addNoise.ts';

const testSet = parseSpecJsonl(readFileSync(new URL('../../../public/data/prompts/test.jsonl', import.meta.url), 'utf8'), 'test.jsonl');
const SCENES_PER_PROMPT = 8;

describe('judge on ground-truth renders', () => {
  it('passes >= 99% of renders of every test prompt, clean and noisy (measured: 100%)', () => {
    const rng = mulberry32(11);
    let images = 0, pass = 0, strict = 0, noisyStrict = 0;
    const failures: string[] = [];
    for (const spec of testSet) {
      for (let k = 0; k < SCENES_PER_PROMPT; k++) {
        const image = renderScene(sampleSceneForSpec(spec, rng));
        const v = judge(image, spec);
        images++;
        pass += +v.pass;
        strict += +v.strictPass;
        noisyStrict += +judge(addNoise(image, 20, images), spec).strictPass;
        if (!v.strictPass) failures.push(`${spec.prompt}: ${v.reasons.join('; ')}`);
      }
    }
    console.log(`ground truth: ${images} images, pass ${pass / images}, strictPass ${strict / images}, noisy (sigma 20) strictPass ${noisyStrict / images}`);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(strict / images).toBeGreaterThanOrEqual(0.99);
    expect(noisyStrict / images).toBeGreaterThanOrEqual(0.99);
  });

  it('explains a failure in words', () => {
    const spec = buildSpec('color_count', [{ class: 'circle', count: 2, color: 'red' }]);
    const image = renderScene({ objects: [{ shape: 'circle', colour: 'red', size: 'small', cell: 0 }, { shape: 'square', colour: 'blue', size: 'large', cell: 5 }] });
    const v = judge(image, spec);
    expect(v).toMatchObject({ pass: false, strictPass: false });
    expect(v.reasons).toEqual(['expected 2 red circle, found 1', 'not asked for: large blue square at (18.0, 18.0)']);
    expect(v.detections).toHaveLength(2);
  });
});

describe('judge on renders of minimally edited prompts', () => {
  // Each edited spec is rendered and judged against the ORIGINAL spec: the judge must say no.
  it('rejects >= 99% of them (strictPass), agreeing with the scene truth on every one', () => {
    const rng = mulberry32(12);
    const tally: Record<string, { edits: number; strictRejected: number; passRejected: number; acceptedByGenEvalRules: number }> = {};
    let disagreements = 0, total = 0;
    for (const spec of testSet) {
      for (const edit of minimalEdits(spec)) {
        // `unlike` keeps "a circle above a square" from also landing left of it, which would make
        // it a true render of the original "a circle left of a square".
        const scene = sampleSceneForSpec(edit.spec, rng, { unlike: spec });
        const v = judge(renderScene(scene), spec);
        const truth = checkSpec(placeObjects(scene), spec);
        const t = (tally[edit.kind] ??= { edits: 0, strictRejected: 0, passRejected: 0, acceptedByGenEvalRules: 0 });
        t.edits++;
        t.strictRejected += +!v.strictPass;
        t.passRejected += +!v.pass;
        t.acceptedByGenEvalRules += +truth.pass; // "a circle" accepts two circles; only strictPass rejects
        disagreements += +(v.pass !== truth.pass || v.strictPass !== truth.strictPass);
        total++;
      }
    }
    console.log('minimal-edit renders judged against the original prompt, by edit kind:', tally);
    const sum = (f: (t: (typeof tally)[EditKind]) => number) => Object.values(tally).reduce((n, t) => n + f(t), 0);
    expect(disagreements).toBe(0);
    expect(sum((t) => t.strictRejected) / total).toBeGreaterThanOrEqual(0.99);
    // Under GenEval's own rules, every edit the rules do not accept by design is rejected.
    expect(sum((t) => t.passRejected) / (total - sum((t) => t.acceptedByGenEvalRules))).toBeGreaterThanOrEqual(0.99);
    expect(Object.keys(tally).sort()).toEqual(['colour', 'count', 'relation', 'shape', 'size']);
  });

  it('without `unlike`, counts how often an edited render still truly satisfies the original', () => {
    const rng = mulberry32(13);
    let total = 0, coincidental = 0, judgedRight = 0;
    for (const spec of testSet) {
      for (const edit of minimalEdits(spec)) {
        const scene = sampleSceneForSpec(edit.spec, rng);
        const truth = checkSpec(placeObjects(scene), spec).strictPass;
        total++;
        coincidental += +truth;
        judgedRight += +(judge(renderScene(scene), spec).strictPass === truth);
      }
    }
    console.log(`plain edit renders: ${total}, truly still satisfying the original (relation edits across axes): ${coincidental}, judge right on ${judgedRight}`);
    expect(judgedRight).toBe(total);
    expect(coincidental / total).toBeLessThan(0.05);
  });
});
