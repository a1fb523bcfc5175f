// Writes the whole tiny Janus fixture into a folder, in the onnx-community layout:
//   config.json generation_config.json preprocessor_config.json processor_config.json
//   special_tokens_map.json tokenizer.json tokenizer_config.json
//   onnx/{prepare_inputs_embeds,language_model,lm_head,gen_head,gen_img_embeds,image_decode}.onnx
//   onnx/language_model.onnx_data (external weights)
//   and, when asked, onnx/{graph}_fp16.onnx (float16 inputs, outputs and weights; fp16Variant.ts)
// Everything is seeded, so two runs give identical bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Graph, serializeModel } from '../../core/graph/index.ts';
import { configJson, EXTERNAL_DATA_GRAPHS, generationConfigJson, preprocessorConfigJson, processorConfigJson, specialTokensMapJson, tokenizerConfigJson } from './configs.ts';
import { buildLanguageModelGraph } from './decoder.ts';
import { buildGenImgEmbedsGraph, buildPrepareInputsEmbedsGraph } from './embedGraphs.ts';
import { serializeWithExternalData } from './externalData.ts';
import { fp16Variant } from './fp16Variant.ts';
import { q4Variant } from './q4Variant.ts';
import { float32ToHalf } from '../../core/float16.ts';
import { buildGenHeadGraph, buildImageDecodeGraph, buildLmHeadGraph } from './headGraphs.ts';
import { JANUS_TINY, type JanusTiny } from './sizes.ts';
import { tokenizerJson } from './tokenizer.ts';

/** The six graphs transformers.js' MultiModality loads, by file name (models/session_config.js). */
export const JANUS_GRAPHS = ['prepare_inputs_embeds', 'language_model', 'lm_head', 'gen_head', 'gen_img_embeds', 'image_decode'] as const;
export type JanusGraphName = (typeof JANUS_GRAPHS)[number];

const BUILDERS: Record<JanusGraphName, (s: JanusTiny) => Graph> = {
  prepare_inputs_embeds: buildPrepareInputsEmbedsGraph,
  language_model: buildLanguageModelGraph,
  lm_head: buildLmHeadGraph,
  gen_head: buildGenHeadGraph,
  gen_img_embeds: buildGenImgEmbedsGraph,
  image_decode: buildImageDecodeGraph,
};

/**
 * Write the fixture into `dir` (created if needed); returns the files written, relative to dir.
 * `fp16` adds onnx/{graph}_fp16.onnx beside the fp32 graphs (fp16Variant.ts). `q4` adds
 * onnx/{graph}_q4.onnx (MatMulNBits, q4Variant.ts); `q4: 'dequantised'` writes there instead the
 * same graphs with plain MatMuls on the dequantised weights, the reference the q4 files are checked against.
 */
export function writeJanusFixture(dir: string, s: JanusTiny = JANUS_TINY, opts: { fp16?: boolean; q4?: boolean | 'dequantised' } = {}): string[] {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const files: [string, string | Uint8Array][] = [
    ['config.json', configJson(s)],
    ['generation_config.json', generationConfigJson(s)],
    ['preprocessor_config.json', preprocessorConfigJson(s)],
    ['processor_config.json', processorConfigJson(s)],
    ['special_tokens_map.json', specialTokensMapJson()],
    ['tokenizer.json', tokenizerJson(s)],
    ['tokenizer_config.json', tokenizerConfigJson(s)],
  ].map(([name, json]) => [name as string, `${JSON.stringify(json, null, 2)}\n`]);
  for (const name of JANUS_GRAPHS) {
    const graph = BUILDERS[name](s);
    const doc = `tiny random-weight Janus fixture (gvu-playground), graph ${name}`;
    if ((EXTERNAL_DATA_GRAPHS as readonly string[]).includes(name)) {
      const { model, data } = serializeWithExternalData(graph, `${name}.onnx_data`, doc);
      files.push([`onnx/${name}.onnx`, model], [`onnx/${name}.onnx_data`, data]);
    } else {
      files.push([`onnx/${name}.onnx`, serializeModel(graph, doc)]);
    }
    if (opts.fp16) files.push([`onnx/${name}_fp16.onnx`, fp16Variant(serializeModel(graph, `${doc}, fp16`), float32ToHalf)]);
    if (opts.q4) {
      const v = q4Variant(serializeModel(graph, `${doc}, q4`));
      files.push([`onnx/${name}_q4.onnx`, opts.q4 === 'dequantised' ? v.dequantised : v.q4]);
    }
  }
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return files.map(([name]) => name);
}
