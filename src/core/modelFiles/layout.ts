// The onnx-community MultiModality layout (Janus-Pro-1B-ONNX, Janus-1.3B-ONNX): which files a
// folder holds and how a dtype names a graph file. Sources: ../shared/notes/janus-onnx.md
// section 1 (transformers.js utils/dtypes.js, models/session_config.js; the official
// janus-pro-webgpu demo for the per-graph dtype sets).
import { InputError } from '../errors.ts';

/** The json files at the folder root, all fetched whatever the dtype (tokenizer.json is the big one, 4.7 MB). */
export const ROOT_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'processor_config.json',
  'special_tokens_map.json',
  'tokenizer.json',
  'tokenizer_config.json',
] as const;

/** The six graphs transformers.js' MultiModality loads, each at `onnx/{graph}{suffix}.onnx`. */
export const JANUS_GRAPHS = ['prepare_inputs_embeds', 'language_model', 'lm_head', 'gen_head', 'gen_img_embeds', 'image_decode'] as const;
export type JanusGraph = (typeof JANUS_GRAPHS)[number];

/** transformers.js' dtype names and their file suffixes; q8 is the one whose suffix is not its name. */
export const DTYPE_SUFFIX = {
  fp32: '',
  fp16: '_fp16',
  q4: '_q4',
  q4f16: '_q4f16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  bnb4: '_bnb4',
} as const;
export type Dtype = keyof typeof DTYPE_SUFFIX;
export const DTYPES = Object.keys(DTYPE_SUFFIX) as Dtype[];

/** A dtype for every graph (a uniform choice is expanded into one). */
export type GraphDtypes = Readonly<Record<JanusGraph, Dtype>>;

const uniform = (d: Dtype): GraphDtypes => Object.fromEntries(JANUS_GRAPHS.map((g) => [g, d])) as Record<JanusGraph, Dtype>;

/**
 * The official demo's sets (transformers.js-examples janus-pro-webgpu): with the WebGPU feature
 * shader-f16, 4-bit language model with fp16 heads; without it, fp32 except the 4-bit language
 * model. image_decode stays fp32 in both.
 */
export const DTYPE_PRESETS = {
  'demo-f16': { prepare_inputs_embeds: 'q4', language_model: 'q4f16', lm_head: 'fp16', gen_head: 'fp16', gen_img_embeds: 'fp16', image_decode: 'fp32' },
  demo: { ...uniform('fp32'), language_model: 'q4' },
} as const satisfies Record<string, GraphDtypes>;
export type DtypePreset = keyof typeof DTYPE_PRESETS;

/** What a user picks: a preset or one dtype for all graphs (its name goes in the URL as `dtype=`). */
export type DtypeChoice = DtypePreset | Dtype;
export const DTYPE_CHOICES: readonly DtypeChoice[] = [...(Object.keys(DTYPE_PRESETS) as DtypePreset[]), ...DTYPES];

export const isDtypeChoice = (s: string): s is DtypeChoice => (DTYPE_CHOICES as readonly string[]).includes(s);

/** A choice, or a per-graph map (e.g. from code), as a dtype per graph; an unknown name or a missing graph is named. */
export function graphDtypes(choice: DtypeChoice | Partial<Record<string, string>>): GraphDtypes {
  if (typeof choice === 'string') {
    if (choice in DTYPE_PRESETS) return DTYPE_PRESETS[choice as DtypePreset];
    if (choice in DTYPE_SUFFIX) return uniform(choice as Dtype);
    throw new InputError(`unknown dtype "${choice}"; use one of ${DTYPE_CHOICES.join(', ')}`);
  }
  const out = {} as Record<JanusGraph, Dtype>;
  for (const g of JANUS_GRAPHS) {
    const d = choice[g];
    if (d === undefined) throw new InputError(`dtype map has no entry for graph ${g}; it needs all of ${JANUS_GRAPHS.join(', ')}`);
    if (!(d in DTYPE_SUFFIX)) throw new InputError(`dtype map: unknown dtype "${d}" for ${g}; use one of ${DTYPES.join(', ')}`);
    out[g] = d as Dtype;
  }
  const extra = Object.keys(choice).filter((k) => !(JANUS_GRAPHS as readonly string[]).includes(k));
  if (extra.length) throw new InputError(`dtype map names unknown graph ${extra.join(', ')}; the graphs are ${JANUS_GRAPHS.join(', ')}`);
  return out;
}

/** `onnx/language_model_q4f16.onnx` */
export const graphFile = (graph: JanusGraph, dtype: Dtype): string => `onnx/${graph}${DTYPE_SUFFIX[dtype]}.onnx`;
