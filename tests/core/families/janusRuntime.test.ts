// The project's Janus runtime (src/core/families/janus) on the tiny fixture, against transformers.js
// loading the same folder (src/cli/janusOracle.ts). Proved: both prompt formats give
// the oracle processor's ids; understanding logits at the caption positions and greedy image codes
// without CFG equal the oracle's (1e-4); the decoded image matches; seeds name images; CFG mixes
// upstream's rows as u + s (c - u); a cancel stops generation; the reward is the geometric mean of
// the answer tokens' p, and the word strip multiplies each word's pieces.
import { freshJanusFixture } from './fixtureFolder.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJanus } from '../../../src/cli/janusFolder.ts';
import { decodeCodes } from '../../../src/core/families/janus/decodeImage.ts';
import { textEmbeds } from '../../../src/core/families/janus/embeds.ts';
import { generateCodes, generateImages } from '../../../src/core/families/janus/generate.ts';
import { emptyState, runLanguageModel } from '../../../src/core/families/janus/languageModel.ts';
import type { JanusModel } from '../../../src/core/families/janus/load.ts';
import { preprocessImage } from '../../../src/core/families/janus/preprocess.ts';
import { textToImageIds, understandingIds, unconditionalIds } from '../../../src/core/families/janus/prompts.ts';
import { answerLogits, scoreImage } from '../../../src/core/families/janus/score.ts';
import type { RgbImage } from '../../../src/core/families/family.ts';
import { AbortError } from '../../../src/core/errors.ts';
import { NO_FILTER } from '../../../src/core/gvu/sampleToken.ts';
import type { TensorData } from '../../../src/core/tensor.ts';
import { oracleGreedyImageTokens, oracleTextToImageInputs, oracleUnderstandingInputs, oracleUnderstandingLogits } from '../../../src/cli/janusOracle.ts';

const PROMPT = 'a red cube on the left of a blue sphere';
const GREEDY = { ...NO_FILTER, temperature: 0, cfgScale: 1 };

let dir = '';
let model: JanusModel;

/** A 32x32 image (the fixture's understanding size, so neither side resizes or pads): diagonal bands. */
function bands(size: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set([(x * 8) % 256, (y * 8) % 256, ((x + y) * 4) % 256], (y * size + x) * 3);
  return { width: size, height: size, data };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

beforeAll(async () => {
  dir = freshJanusFixture('janus-runtime-');
  model = await openJanus(dir);
});
afterAll(() => model?.release());

describe('Janus prompts', () => {
  it('text-to-image ids equal the oracle processor\'s (chat template text_to_image)', async () => {
    const oracle = await oracleTextToImageInputs(dir, PROMPT);
    expect(textToImageIds(model.tokenizer, PROMPT)).toEqual(oracle.inputIds);
  });

  it('understanding ids, image mask and answer start equal the oracle processor\'s (chat template default)', async () => {
    const image = bands(model.cfg.imageSize);
    const oracle = await oracleUnderstandingInputs(dir, image, PROMPT);
    const u = understandingIds(model.tokenizer, model.cfg, PROMPT);
    expect(u.ids).toEqual(oracle.inputIds);
    expect(Array.from(u.imageMask)).toEqual(oracle.imagesSeqMask);
    expect(u.answerStart).toBe(oracle.answerStart);
    expect(u.imageMask.reduce((a, b) => a + b, 0)).toBe(model.cfg.imageTokens);
    // a square image of the encoder's size is neither resized nor padded, so both preprocessors agree
    expect(maxDiff(preprocessImage(model.cfg, image).data, oracle.pixelValues)).toBeLessThan(1e-6);
  });

  it('the unconditional CFG row keeps <bos> and <begin_of_image> and pads the rest (upstream)', () => {
    const cond = textToImageIds(model.tokenizer, PROMPT);
    const s = model.tokenizer.special;
    expect(unconditionalIds(model.tokenizer, cond)).toEqual([s.bos, ...Array(cond.length - 2).fill(s.pad), s.imageStart]);
  });

  it('refuses a prompt holding a special token', () => {
    expect(() => textToImageIds(model.tokenizer, 'a cat <begin_of_image>')).toThrow(/special token "<begin_of_image>"/);
  });
});

describe('Janus understanding', () => {
  it('logits at the caption positions equal the oracle\'s within 1e-4, with hidden states cut before lm_head', async () => {
    const image = bands(model.cfg.imageSize);
    const oracle = await oracleUnderstandingLogits(dir, image, PROMPT);
    const u = understandingIds(model.tokenizer, model.cfg, PROMPT);
    const mine = await answerLogits(model, u, image); // [A + 1, V]
    const [rows, v] = mine.dims;
    expect(rows).toBe(u.answerIds.length + 1);
    expect(oracle.dims).toEqual([1, u.ids.length, v]);
    const theirs = oracle.logits.subarray((u.answerStart - 1) * v, (u.answerStart - 1 + rows) * v);
    const diff = maxDiff(mine.data, theirs);
    console.log(`understanding logits: max |diff| vs transformers.js = ${diff.toExponential(2)} over ${rows} x ${v}`);
    expect(diff).toBeLessThan(1e-4);
  });

  it('the reward is the geometric mean of the answer tokens\' p; each word\'s p is its pieces\' product', async () => {
    const image = bands(model.cfg.imageSize);
    const s = await scoreImage(model, PROMPT, image);
    const counted = s.tokens.filter((t) => t.word !== '<eos>');
    expect(counted.length).toBe(understandingIds(model.tokenizer, model.cfg, PROMPT).answerIds.length);
    expect(s.reward).toBeCloseTo(Math.exp(counted.reduce((a, t) => a + t.logp, 0) / counted.length), 12);
    expect(s.words.map((w) => w.word)).toEqual(PROMPT.split(' '));
    for (const w of s.words) expect(w.p).toBeCloseTo(w.pieces.reduce((a, k) => a * counted[k].p, 1), 12);
    expect(s.lowestWord.p).toBe(Math.min(...s.words.map((w) => w.p)));
    const withEos = await scoreImage(model, PROMPT, image, { includeEos: true });
    expect(withEos.reward).toBeCloseTo(Math.exp((counted.reduce((a, t) => a + t.logp, 0) + s.eosLogp) / (counted.length + 1)), 12);
  });
});

describe('Janus generation', () => {
  it('greedy codes without CFG equal the oracle\'s, and image_decode gives the oracle\'s pixels', async () => {
    const n = model.cfg.genImageTokens;
    const oracle = await oracleGreedyImageTokens(dir, PROMPT, n);
    const [mine] = await generateCodes(model, PROMPT, { ...GREEDY, seeds: [0] });
    expect(Array.from(mine.codes)).toEqual(oracle.tokens);
    const image = await decodeCodes(model, mine.codes);
    expect([image.width, image.height, oracle.image.channels]).toEqual([oracle.image.width, oracle.image.height, 3]);
    const pixelDiff = maxDiff(image.data, oracle.image.data);
    console.log(`greedy: ${n} of ${n} codes equal transformers.js'; decoded pixels max |diff| = ${pixelDiff}`);
    expect(pixelDiff).toBeLessThanOrEqual(1); // a float at an integer boundary may truncate either way
  });

  it('a seed names an image: the same seed gives the same codes alone or in a group', async () => {
    const opts = { ...NO_FILTER, cfgScale: 1 };
    const alone = await generateImages(model, PROMPT, { ...opts, seeds: [7] });
    const group = await generateImages(model, PROMPT, { ...opts, seeds: [3, 7, 7] });
    expect(Array.from(group[1].codes)).toEqual(Array.from(alone[0].codes));
    expect(group[1].image.data).toEqual(alone[0].image.data);
    expect(Array.from(group[2].codes)).toEqual(Array.from(group[1].codes));
    expect(Array.from(group[0].codes)).not.toEqual(Array.from(group[1].codes));
    expect(alone[0].image.width).toBe(model.cfg.imageSize);
  });

  it('CFG samples from u + s (c - u) of upstream\'s rows (first code, checked against separate cond and uncond runs)', async () => {
    const scale = 5;
    const cond = textToImageIds(model.tokenizer, PROMPT);
    const lastLogits = async (ids: number[]) => {
      const embeds = await textEmbeds(model.sessions.prepare_inputs_embeds, model.cfg, model.io, [ids]);
      const lm = await runLanguageModel(model.sessions.language_model, model.io, embeds, emptyState(model.cfg, model.io, 1), { keep: 0, withCache: false });
      const [, t, d] = lm.hidden.dims;
      const last: TensorData = { dtype: 'float32', dims: [1, 1, d], data: lm.hidden.data.slice((t - 1) * d, t * d) };
      return (await model.sessions.gen_head.run({ [model.io.hidden]: last })).logits.data as Float32Array;
    };
    const c = await lastLogits(cond);
    const u = await lastLogits(unconditionalIds(model.tokenizer, cond));
    const guided = Array.from(c, (x, i) => u[i] + scale * (x - u[i]));
    const logSoftmax = (xs: ArrayLike<number>, k: number) => {
      const m = Math.max(...Array.from(xs));
      return xs[k] - m - Math.log(Array.from(xs).reduce((a, x) => a + Math.exp(x - m), 0));
    };
    const [g] = await generateCodes(model, PROMPT, { ...NO_FILTER, cfgScale: scale, seeds: [11], codes: 1 });
    const code = g.codes[0];
    expect(g.policyLogp[0]).toBeCloseTo(logSoftmax(guided, code), 4); // sampled from the guided distribution
    expect(g.modelLogp[0]).toBeCloseTo(logSoftmax(c, code), 4); // the conditional model's own log p
    expect(Math.abs(logSoftmax(guided, code) - logSoftmax(c, code))).toBeGreaterThan(0.01); // guidance moved it
  });

  it('stops with an AbortError between steps when its signal fires', async () => {
    const signal = { aborted: false };
    const seen: number[] = [];
    const run = generateImages(model, PROMPT, {
      ...NO_FILTER, cfgScale: 1, seeds: [1, 2], signal,
      onProgress: (done) => { seen.push(done); if (done === 3) signal.aborted = true; },
    });
    await expect(run).rejects.toThrow(AbortError);
    await expect(run).rejects.toThrow(`generation aborted after 3 of ${model.cfg.genImageTokens} image codes`);
    expect(seen).toEqual([1, 2, 3]);
  });
});
