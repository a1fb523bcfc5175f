// A broken Janus folder is refused at load with one sentence naming the file and the field, graph
// or tensor at fault: each case copies the tiny fixture, breaks one thing, and checks the message.
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeJanusFixture } from '../../../src/cli/janusFixture/writeFixture.ts';
import { openJanus } from '../../../src/cli/janusFolder.ts';
import { InputError } from '../../../src/core/errors.ts';
import type { JanusLoadOptions } from '../../../src/core/families/janus/load.ts';

const { onnx } = onnxProto;
let fixture = '';
let n = 0;

beforeAll(() => {
  fixture = join(mkdtempSync(join(tmpdir(), 'janus-broken-')), 'fixture');
  writeJanusFixture(fixture);
});

/** A fresh copy of the fixture, broken by `breakIt`. */
function broken(breakIt: (dir: string) => void): string {
  const dir = join(fixture, '..', `case${n++}`);
  cpSync(fixture, dir, { recursive: true });
  breakIt(dir);
  return dir;
}

const editJson = (dir: string, file: string, edit: (j: Record<string, unknown>) => void) => {
  const j = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  edit(j);
  writeFileSync(join(dir, file), JSON.stringify(j));
};

/** Rewrite one graph file (its proto). */
const editGraph = (dir: string, graph: string, edit: (m: InstanceType<typeof onnx.ModelProto>) => void) => {
  const file = join(dir, 'onnx', `${graph}.onnx`);
  const m = onnx.ModelProto.decode(readFileSync(file));
  edit(m);
  writeFileSync(file, onnx.ModelProto.encode(m).finish());
};

/** Rename a graph input and every node that reads it, so the graph stays valid. */
const renameInput = (m: InstanceType<typeof onnx.ModelProto>, from: string, to: string) => {
  for (const i of m.graph!.input!) if (i.name === from) i.name = to;
  for (const node of m.graph!.node!) node.input = node.input!.map((x) => (x === from ? to : x));
};

async function refusal(dir: string, opts?: JanusLoadOptions): Promise<string> {
  try {
    const m = await openJanus(dir, opts);
    await m.release();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error(`${dir} loaded`);
}

describe('a broken Janus folder', () => {
  it('loads when intact (the cases below break one thing each)', async () => {
    const m = await openJanus(fixture);
    expect(m.io.hidden).toBe('hidden_states');
    await m.release();
  });

  it('missing graph: names the file, the dtype and what the folder has', async () => {
    const dir = broken((d) => rmSync(join(d, 'onnx', 'gen_head.onnx')));
    expect(await refusal(dir)).toBe(`${dir}/onnx/gen_head.onnx is missing: the gen_head graph at dtype fp32 (this folder has no gen_head graph at any dtype)`);
    expect(await refusal(fixture, { dtype: 'q4' })).toBe(
      `${fixture}/onnx/prepare_inputs_embeds_q4.onnx is missing: the prepare_inputs_embeds graph at dtype q4 (this folder has prepare_inputs_embeds as fp32)`,
    );
  });

  it('missing external data chunk: names the chunk and the config field that asks for it', async () => {
    const dir = broken((d) => rmSync(join(d, 'onnx', 'language_model.onnx_data')));
    expect(await refusal(dir)).toBe(
      `${dir}/onnx/language_model.onnx_data is missing: config.json's transformers.js_config.use_external_data_format says language_model.onnx keeps its weights in 1 data file(s)`,
    );
  });

  it('renamed input: names the graph, its file and the tensor the runtime feeds', async () => {
    const dir = broken((d) => editGraph(d, 'gen_img_embeds', (m) => renameInput(m, 'image_ids', 'codes')));
    expect(await refusal(dir)).toBe('gen_img_embeds (onnx/gen_img_embeds.onnx): has no input "image_ids" (its inputs: codes)');
    const lm = broken((d) => editGraph(d, 'language_model', (m) => renameInput(m, 'attention_mask', 'mask')));
    expect(await refusal(lm)).toBe(
      'language_model (onnx/language_model.onnx): has no input "attention_mask" (its inputs: inputs_embeds, mask, position_ids, past_key_values.0.key, past_key_values.0.value, past_key_values.1.key, past_key_values.1.value)',
    );
  });

  it('renamed output: the heads must give "logits"', async () => {
    const dir = broken((d) => editGraph(d, 'lm_head', (m) => {
      for (const o of m.graph!.output!) if (o.name === 'logits') o.name = 'scores';
      for (const node of m.graph!.node!) node.output = node.output!.map((x) => (x === 'logits' ? 'scores' : x));
    }));
    expect(await refusal(dir)).toBe('lm_head (onnx/lm_head.onnx): has no output "logits" (its outputs: scores)');
  });

  it('an integer output where a float is read: names the tensor and the float types the runtime reads', async () => {
    const dir = broken((d) => editGraph(d, 'gen_head', (m) => {
      const g = m.graph!;
      for (const node of g.node!) node.output = node.output!.map((x) => (x === 'logits' ? 'logits_f32' : x));
      g.node!.push(onnx.NodeProto.create({ opType: 'Cast', input: ['logits_f32'], output: ['logits'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.INT32 }] }));
      g.output![0].type!.tensorType!.elemType = onnx.TensorProto.DataType.INT32;
    }));
    expect(await refusal(dir)).toBe('gen_head (onnx/gen_head.onnx): output "logits" is int32, the runtime reads float32 or float16');
  });

  it('tokenizer without image tokens: names tokenizer.json, the token and the config field it comes from', async () => {
    const dir = broken((d) => editJson(d, 'tokenizer.json', (j) => {
      j.added_tokens = (j.added_tokens as { content: string }[]).filter((t) => t.content !== '<begin_of_image>');
    }));
    expect(await refusal(dir)).toBe(`${dir}/tokenizer.json: no added token "<begin_of_image>" (processor_config.json image_start_tag); this tokenizer cannot mark images for Janus`);
  });

  it('truncated files: tokenizer.json as not JSON with its size, a graph and its external data as unopenable', async () => {
    const tok = broken((d) => truncateSync(join(d, 'tokenizer.json'), 5000));
    expect(await refusal(tok)).toMatch(new RegExp(`^${tok}/tokenizer.json: not valid JSON \\(.*; 5000 bytes; a truncated download\\?\\)$`));
    const graph = broken((d) => truncateSync(join(d, 'onnx', 'prepare_inputs_embeds.onnx'), 3000));
    expect(await refusal(graph)).toMatch(new RegExp(`^${graph}/onnx/prepare_inputs_embeds.onnx: cannot open the prepare_inputs_embeds graph: `));
    const data = broken((d) => truncateSync(join(d, 'onnx', 'language_model.onnx_data'), 1000));
    expect(await refusal(data)).toMatch(new RegExp(`^${data}/onnx/language_model.onnx: cannot open the language_model graph: `));
  });

  it('config fields: names the file and the field', async () => {
    const type = broken((d) => editJson(d, 'config.json', (j) => { j.model_type = 'llama'; }));
    expect(await refusal(type)).toBe(`${type}/config.json: model_type must be "multi_modality"; got "llama"`);
    const tokens = broken((d) => editJson(d, 'processor_config.json', (j) => { delete j.num_image_tokens; }));
    expect(await refusal(tokens)).toBe(`${tokens}/processor_config.json: num_image_tokens must be a positive integer; it is missing`);
    const layers = broken((d) => editJson(d, 'config.json', (j) => { (j.language_config as Record<string, unknown>).num_hidden_layers = 1; }));
    expect(await refusal(layers)).toBe('language_model (onnx/language_model.onnx): has input "past_key_values.1.key" but config.json language_config.num_hidden_layers is 1');
    const heads = broken((d) => editJson(d, 'config.json', (j) => { (j.language_config as Record<string, unknown>).num_key_value_heads = 4; }));
    expect(await refusal(heads)).toBe('language_model (onnx/language_model.onnx): input "past_key_values.0.key" has 2 heads but config.json language_config gives 4 key/value heads');
    const ext = broken((d) => editJson(d, 'config.json', (j) => { j['transformers.js_config'] = { use_external_data_format: 'yes' }; }));
    expect(await refusal(ext)).toBe(`${ext}/config.json: transformers.js_config.use_external_data_format must be true/false, a chunk count, or an object of those keyed by file name; got "yes"`);
  });
});
