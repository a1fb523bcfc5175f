// float16 Janus graphs (fp16 / q4f16 exports): the fixture's fp16 variant (onnx/*_fp16.onnx: float16
// inputs, outputs, KV cache and weights) loads with dtype fp16, its metadata says float16, the KV
// cache stays float16 between decode steps, and generation and scoring agree with the fp32 graphs
// within float16 precision (weights and every graph edge rounded to 11 significant bits).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJanus } from '../../../src/cli/janusFolder.ts';
import { writeJanusFixture } from '../../../src/cli/janusFixture/writeFixture.ts';
import type { RgbImage } from '../../../src/core/families/family.ts';
import { textEmbeds } from '../../../src/core/families/janus/embeds.ts';
import { generateImages } from '../../../src/core/families/janus/generate.ts';
import { emptyState, runLanguageModel } from '../../../src/core/families/janus/languageModel.ts';
import type { JanusModel } from '../../../src/core/families/janus/load.ts';
import { understandingIds, textToImageIds } from '../../../src/core/families/janus/prompts.ts';
import { answerLogits, scoreImage } from '../../../src/core/families/janus/score.ts';
import { NO_FILTER } from '../../../src/core/gvu/sampleToken.ts';

const PROMPT = 'a red cube on the left of a blue sphere';
let fp32: JanusModel;
let fp16: JanusModel;

function bands(size: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set([(x * 8) % 256, (y * 8) % 256, ((x + y) * 4) % 256], (y * size + x) * 3);
  return { width: size, height: size, data };
}

beforeAll(async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'janus-fp16-')), 'janus-tiny');
  writeJanusFixture(dir, undefined, { fp16: true });
  fp32 = await openJanus(dir, { dtype: 'fp32' });
  fp16 = await openJanus(dir, { dtype: 'fp16' });
});
afterAll(async () => {
  await fp32?.release();
  await fp16?.release();
});

describe('Janus fp16 graphs', () => {
  it('load at dtype fp16: every graph file is *_fp16.onnx and its float edges are float16', () => {
    expect(Object.values(fp16.files).map((f) => f.path).sort()).toEqual([
      'onnx/gen_head_fp16.onnx', 'onnx/gen_img_embeds_fp16.onnx', 'onnx/image_decode_fp16.onnx',
      'onnx/language_model_fp16.onnx', 'onnx/lm_head_fp16.onnx', 'onnx/prepare_inputs_embeds_fp16.onnx',
    ]);
    const type = (m: typeof fp16.sessions.lm_head.inputMetadata, n: string) => m?.find((x) => x.name === n)?.type;
    expect(type(fp16.sessions.language_model.inputMetadata, 'past_key_values.0.key')).toBe('float16');
    expect(type(fp16.sessions.language_model.outputMetadata, 'present.1.value')).toBe('float16');
    expect(type(fp16.sessions.lm_head.outputMetadata, 'logits')).toBe('float16');
    expect(type(fp16.sessions.prepare_inputs_embeds.inputMetadata, 'pixel_values')).toBe('float16');
  });

  it('the KV cache stays float16 between decode steps; hidden states come back float32', async () => {
    const ids = textToImageIds(fp16.tokenizer, PROMPT);
    const embeds = await textEmbeds(fp16.sessions.prepare_inputs_embeds, fp16.cfg, fp16.io, [ids]);
    expect(embeds.dtype).toBe('float32');
    const step = await runLanguageModel(fp16.sessions.language_model, fp16.io, embeds, emptyState(fp16.cfg, fp16.io, 1), { keep: 1, withCache: true });
    expect(step.hidden.dtype).toBe('float32');
    expect(Object.values(step.state.past).map((t) => t.dtype)).toEqual(Array(2 * fp16.cfg.layers).fill('float16'));
    const next = await runLanguageModel(fp16.sessions.language_model, fp16.io, embeds, step.state, { keep: 1, withCache: true });
    expect(next.state.length).toBe(2 * ids.length);
  });

  it('understanding logits and the reward agree with fp32 within float16 precision', async () => {
    const image = bands(fp16.cfg.imageSize);
    const u = understandingIds(fp16.tokenizer, fp16.cfg, PROMPT);
    const [a, b] = [await answerLogits(fp32, u, image), await answerLogits(fp16, u, image)];
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < a.data.length; i++) {
      diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
      scale = Math.max(scale, Math.abs(a.data[i]));
    }
    console.log(`fp16 vs fp32 understanding logits: max |diff| ${diff.toExponential(2)} (max |logit| ${scale.toFixed(3)})`);
    expect(diff).toBeGreaterThan(0); // a different file really ran
    expect(diff).toBeLessThan(1e-2 * Math.max(1, scale));
    const [s32, s16] = [await scoreImage(fp32, PROMPT, image), await scoreImage(fp16, PROMPT, image)];
    expect(Math.abs(Math.log(s16.reward) - Math.log(s32.reward))).toBeLessThan(1e-2);
  });

  it('generates a group of 32 x 32 images with seeds; a seed names the same image again', async () => {
    const opts = { ...NO_FILTER, cfgScale: 5, seeds: [3, 4] };
    const [x, y] = [await generateImages(fp16, PROMPT, opts), await generateImages(fp16, PROMPT, opts)];
    expect(x.map((im) => [im.image.width, im.image.height])).toEqual([[32, 32], [32, 32]]);
    x.forEach((im, i) => expect(Buffer.from(im.image.data).equals(Buffer.from(y[i].image.data))).toBe(true));
    const ref = await generateImages(fp32, PROMPT, opts);
    const same = x.reduce((n, im, i) => n + im.codes.filter((c, k) => c === ref[i].codes[k]).length, 0);
    console.log(`fp16 vs fp32 sampled codes (CFG 5, seeds 3 and 4): ${same} of ${2 * fp16.cfg.genImageTokens} equal`);
  });
});
