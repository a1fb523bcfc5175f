// The tiny Janus fixture against its interface facts (../shared/notes/janus-onnx.md) and against
// transformers.js, which loads the same folder from disk as an independent oracle. What is proved:
// the fixture is byte-for-byte reproducible; each graph has the names, dtypes and dims transformers.js
// feeds; language_model's weights are external data; transformers.js' processor builds both
// prompt formats as upstream Janus does; its understanding forward and its greedy image loop run,
// and their numbers agree with the graphs run directly (all positions recomputed, no KV cache).
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { freshJanusFixture } from './fixtureFolder.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { JANUS_GRAPHS, writeJanusFixture } from '../../../src/cli/janusFixture/writeFixture.ts';
import { JANUS_TINY, numGenTokens, numImageTokens } from '../../../src/cli/janusFixture/sizes.ts';
import { JANUS_SYSTEM_PROMPT, specialTokenIds } from '../../../src/cli/janusFixture/tokenizer.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { ModelSession, Results } from '../../../src/core/runtime/session.ts';
import { type TensorData, tensor } from '../../../src/core/tensor.ts';
import { loadOracle, oracleGreedyImageTokens, oracleTextToImageInputs, oracleUnderstandingLogits } from '../../../src/cli/janusOracle.ts';

const S = JANUS_TINY;
const ids = specialTokenIds();
const N = numImageTokens();
const PROMPT = 'a red cube on the left of a blue sphere';

/** A fixed 32x32 RGB test image (diagonal bands), so the vision path sees structure. */
function testImage(): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(S.imageSize * S.imageSize * 3);
  for (let y = 0; y < S.imageSize; y++) for (let x = 0; x < S.imageSize; x++) {
    const o = (y * S.imageSize + x) * 3;
    data.set([(x * 8) % 256, (y * 8) % 256, ((x + y) * 4) % 256], o);
  }
  return { width: S.imageSize, height: S.imageSize, data };
}

let dir = '';
const sessions = {} as Record<(typeof JANUS_GRAPHS)[number], ModelSession>;

beforeAll(async () => {
  dir = freshJanusFixture('janus-oracle-');
  for (const name of JANUS_GRAPHS) sessions[name] = await createNodeSession(join(dir, 'onnx', `${name}.onnx`));
});

describe('the fixture files', () => {
  it('are identical when written twice (seeded weights, deterministic tokenizer training)', () => {
    const again = join(mkdtempSync(join(tmpdir(), 'janus-oracle-')), 'janus-tiny');
    const files = writeJanusFixture(again);
    expect(files.length).toBe(14);
    for (const f of files) expect(readFileSync(join(again, f)).equals(readFileSync(join(dir, f))), f).toBe(true);
  });

  it('keep language_model weights in onnx/language_model.onnx_data, named by the config', () => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config['transformers.js_config'].use_external_data_format).toEqual({ 'language_model.onnx': 1 });
    expect(readdirSync(join(dir, 'onnx')).filter((f) => f.endsWith('.onnx_data'))).toEqual(['language_model.onnx_data']);
    const model = onnxProto.onnx.ModelProto.decode(readFileSync(join(dir, 'onnx', 'language_model.onnx')));
    const dataBytes = readFileSync(join(dir, 'onnx', 'language_model.onnx_data')).length;
    const external = model.graph!.initializer!.filter((t) => t.dataLocation === onnxProto.onnx.TensorProto.DataLocation.EXTERNAL);
    expect(external.length).toBeGreaterThanOrEqual(S.layers * 7); // q, k, v, o, gate, up, down per layer
    for (const t of external) {
      const kv = Object.fromEntries(t.externalData!.map((e) => [e.key, e.value]));
      expect(kv.location).toBe('language_model.onnx_data');
      expect(Number(kv.offset) % 64).toBe(0);
      expect(Number(kv.offset) + Number(kv.length)).toBeLessThanOrEqual(dataBytes);
    }
  });
});

describe('the six graphs (onnxruntime-node)', () => {
  const meta = (s: ModelSession, which: 'inputMetadata' | 'outputMetadata') => Object.fromEntries((s[which] ?? []).map((m) => [m.name, [m.type, ...m.shape]]));
  const cache = (prefix: string, len: string) =>
    Object.fromEntries(Array.from({ length: S.layers }, (_, i) => ['key', 'value'].map((k) => [`${prefix}.${i}.${k}`, ['float32', 'batch_size', S.kvHeads, len, S.headDim]])).flat());

  it('have the names, dtypes and dims transformers.js feeds (notes sections 3-4)', () => {
    expect(meta(sessions.prepare_inputs_embeds, 'inputMetadata')).toEqual({
      input_ids: ['int64', 'batch_size', 'sequence_length'],
      pixel_values: ['float32', 'batch_size', 'num_images', 3, 'height', 'width'],
      images_seq_mask: ['bool', 'batch_size', 'sequence_length'],
      images_emb_mask: ['bool', 'batch_size', 'num_images', 'num_image_tokens'],
    });
    expect(meta(sessions.prepare_inputs_embeds, 'outputMetadata')).toEqual({ inputs_embeds: ['float32', 'batch_size', 'sequence_length', S.hidden] });
    expect(meta(sessions.language_model, 'inputMetadata')).toEqual({
      inputs_embeds: ['float32', 'batch_size', 'sequence_length', S.hidden],
      attention_mask: ['int64', 'batch_size', 'total_sequence_length'],
      position_ids: ['int64', 'batch_size', 'sequence_length'],
      ...cache('past_key_values', 'past_sequence_length'),
    });
    expect(meta(sessions.language_model, 'outputMetadata')).toEqual({
      hidden_states: ['float32', 'batch_size', 'sequence_length', S.hidden],
      ...cache('present', 'total_sequence_length'),
    });
    const hidden = { hidden_states: ['float32', 'batch_size', 'sequence_length', S.hidden] };
    expect(meta(sessions.lm_head, 'inputMetadata')).toEqual(hidden);
    expect(meta(sessions.lm_head, 'outputMetadata')).toEqual({ logits: ['float32', 'batch_size', 'sequence_length', S.vocab] });
    expect(meta(sessions.gen_head, 'inputMetadata')).toEqual(hidden);
    expect(meta(sessions.gen_head, 'outputMetadata')).toEqual({ logits: ['float32', 'batch_size', 'sequence_length', S.codebook] });
    expect(meta(sessions.gen_img_embeds, 'inputMetadata')).toEqual({ image_ids: ['int64', 'batch_size', 'sequence_length'] });
    expect(meta(sessions.gen_img_embeds, 'outputMetadata')).toEqual({ inputs_embeds: ['float32', 'batch_size', 'sequence_length', S.hidden] });
    expect(meta(sessions.image_decode, 'inputMetadata')).toEqual({ generated_tokens: ['int64', 'batch_size', numGenTokens()] });
    expect(meta(sessions.image_decode, 'outputMetadata')).toEqual({ decoded_image: ['float32', 'batch_size', 3, S.imageSize, S.imageSize] });
  });
});

/** Run the graphs directly over a whole sequence with an empty cache: hidden states [1, T, D]. */
async function hiddenStates(embeds: TensorData): Promise<TensorData> {
  const t = embeds.dims[1];
  const empty = Object.fromEntries(Array.from({ length: S.layers }, (_, i) => ['key', 'value'].map((k) => [`past_key_values.${i}.${k}`, tensor('float32', [1, S.kvHeads, 0, S.headDim], [])])).flat());
  const out: Results = await sessions.language_model.run({
    inputs_embeds: embeds,
    attention_mask: tensor('int64', [1, t], Array<number>(t).fill(1)),
    position_ids: tensor('int64', [1, t], Array.from({ length: t }, (_, i) => i)),
    ...empty,
  });
  return out.hidden_states;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('transformers.js on the fixture (the oracle)', () => {
  it('loads the folder from disk as a MultiModalityCausalLM with its VLChatProcessor', async () => {
    const { model, processor } = await loadOracle(dir);
    expect(model.constructor.name).toBe('MultiModalityCausalLM');
    expect(processor.constructor.name).toBe('VLChatProcessor');
    expect(Object.keys(model.sessions).sort()).toEqual(['gen_head', 'gen_img_embeds', 'image_decode', 'lm_head', 'model', 'prepare_inputs_embeds']);
  });

  it('builds the text-to-image prompt as upstream: <bos> "<|User|>: {prompt}\\n\\n<|Assistant|>:" <begin_of_image>', async () => {
    const { processor } = await loadOracle(dir);
    const t2i = await oracleTextToImageInputs(dir, `  ${PROMPT} `);
    const tok = processor.tokenizer!;
    const body = Array.from(tok.encode(`<|User|>: ${PROMPT}\n\n<|Assistant|>:`, { add_special_tokens: false }));
    expect(t2i.inputIds).toEqual([ids.bos, ...body, ids.imageStart]);
    expect(body[0]).toBe(ids.user);
    expect(tok.decode(t2i.inputIds)).toBe(`<｜begin▁of▁sentence｜><|User|>: ${PROMPT}\n\n<|Assistant|>:<begin_of_image>`);
    expect(t2i.attentionMask).toEqual(t2i.inputIds.map(() => 1));
    expect(t2i.imagesSeqMask).toEqual(t2i.inputIds.map(() => 0));
  });

  it('builds the understanding sequence as upstream: system, the image expanded to N tokens, the prompt teacher-forced, <eos>', async () => {
    const { processor } = await loadOracle(dir);
    const u = await oracleUnderstandingLogits(dir, testImage(), PROMPT);
    const tok = processor.tokenizer!;
    const image = `<begin_of_image>${'<image_placeholder>'.repeat(N)}<end_of_image>`;
    expect(tok.decode(u.inputIds)).toBe(
      `<｜begin▁of▁sentence｜>${JANUS_SYSTEM_PROMPT}\n\n<|User|>: ${image}\nDescribe the image in detail.\n\n<|Assistant|>: ${PROMPT}<｜end▁of▁sentence｜>`,
    );
    const first = u.inputIds.indexOf(ids.imageStart) + 1;
    expect(u.imagesSeqMask.map((m, i) => (m ? i : -1)).filter((i) => i >= 0)).toEqual(Array.from({ length: N }, (_, k) => first + k));
    expect(u.inputIds.slice(first, first + N)).toEqual(Array<number>(N).fill(ids.imagePlaceholder));
    expect(tok.decode(u.inputIds.slice(u.answerStart, -1))).toBe(` ${PROMPT}`);
    expect(u.inputIds.at(-1)).toBe(ids.eos);
    // Pixels: [1 batch, 1 image, 3, 32, 32], normalised (x/255 - 0.5) / 0.5; a 32x32 input needs no resize or pad.
    expect(u.pixelDims).toEqual([1, 1, 3, S.imageSize, S.imageSize]);
    const img = testImage();
    expect(u.pixelValues[0]).toBeCloseTo((img.data[0] / 255 - 0.5) / 0.5, 5); // red at (0, 0)
    expect(u.pixelValues[S.imageSize * S.imageSize + 5]).toBeCloseTo((img.data[5 * 3 + 1] / 255 - 0.5) / 0.5, 5); // green at (0, 5)
  });

  it('gives understanding logits [1, T, V] equal to the graphs run directly with positions 0..T-1 and no cache', async () => {
    const u = await oracleUnderstandingLogits(dir, testImage(), PROMPT);
    const t = u.inputIds.length;
    expect(u.dims).toEqual([1, t, S.vocab]);
    const embeds = (await sessions.prepare_inputs_embeds.run({
      input_ids: tensor('int64', [1, t], u.inputIds),
      pixel_values: tensor('float32', u.pixelDims, u.pixelValues),
      images_seq_mask: tensor('bool', [1, t], u.imagesSeqMask),
      images_emb_mask: tensor('bool', [1, 1, N], Array<number>(N).fill(1)),
    })).inputs_embeds;
    const logits = (await sessions.lm_head.run({ hidden_states: await hiddenStates(embeds) })).logits;
    expect(maxAbsDiff(u.logits, logits.data as Float32Array)).toBeLessThan(1e-5);
    // The image reaches the logits: another image changes the answer positions' logits.
    const other = testImage();
    other.data.reverse();
    const v = await oracleUnderstandingLogits(dir, other, PROMPT);
    expect(maxAbsDiff(u.logits.slice(u.answerStart * S.vocab), v.logits.slice(u.answerStart * S.vocab))).toBeGreaterThan(1e-3);
  });

  it('generates greedy image tokens (no CFG) that equal the argmax of gen_head over the whole sequence recomputed without a cache', async () => {
    const n = numGenTokens();
    const g = await oracleGreedyImageTokens(dir, PROMPT, n);
    expect(g.tokens).toHaveLength(n);
    expect(g.tokens.every((c) => Number.isInteger(c) && c >= 0 && c < S.codebook)).toBe(true);
    expect(new Set(g.tokens).size).toBeGreaterThan(2); // random weights, yet not one code repeated
    // Teacher-force prompt + codes through the graphs: the code at step k is the argmax at position L-1+k.
    const l = g.promptIds.length;
    const textEmb = (await sessions.prepare_inputs_embeds.run({
      input_ids: tensor('int64', [1, l], g.promptIds),
      pixel_values: tensor('float32', [0, 0, 3, 384, 384], []), // what transformers.js feeds with no image
      images_seq_mask: tensor('bool', [1, l], Array<number>(l).fill(0)),
      images_emb_mask: tensor('bool', [1, 0, N], []),
    })).inputs_embeds;
    const codeEmb = (await sessions.gen_img_embeds.run({ image_ids: tensor('int64', [1, n], g.tokens) })).inputs_embeds;
    const all = new Float32Array([...(textEmb.data as Float32Array), ...(codeEmb.data as Float32Array)]);
    const logits = (await sessions.gen_head.run({ hidden_states: await hiddenStates(tensor('float32', [1, l + n, S.hidden], all)) })).logits.data as Float32Array;
    const argmax = Array.from({ length: n }, (_, k) => {
      const row = logits.subarray((l - 1 + k) * S.codebook, (l + k) * S.codebook);
      return row.indexOf(Math.max(...row));
    });
    expect(g.tokens).toEqual(argmax);
    // image_decode: [1, 3, 32, 32] in [-1, 1], which transformers.js maps to a 32x32 RGB image.
    const decoded = (await sessions.image_decode.run({ generated_tokens: tensor('int64', [1, n], g.tokens) })).decoded_image;
    expect(decoded.dims).toEqual([1, 3, S.imageSize, S.imageSize]);
    expect(Math.max(...Array.from(decoded.data as Float32Array, Math.abs))).toBeLessThanOrEqual(1);
    expect([g.image.width, g.image.height, g.image.channels]).toEqual([S.imageSize, S.imageSize, 3]);
    const dec = decoded.data as Float32Array;
    const hw = S.imageSize * S.imageSize;
    let worst = 0; // CHW floats -> HWC bytes through (x + 1) * 127.5, clamped, truncated
    for (let c = 0; c < 3; c++) for (let i = 0; i < hw; i++) {
      worst = Math.max(worst, Math.abs(g.image.data[i * 3 + c] - Math.min(255, Math.max(0, (dec[c * hw + i] + 1) * 127.5))));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("runs its own CFG (batch 2: the unconditional row all pad ids, attention mask 0; not upstream's rows) on the fixture", async () => {
    const g = await oracleGreedyImageTokens(dir, PROMPT, numGenTokens(), 3);
    expect(g.tokens).toHaveLength(numGenTokens());
    expect(g.tokens.every((c) => c >= 0 && c < S.codebook)).toBe(true);
  });
});
