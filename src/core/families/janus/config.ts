// The folder's four config files, read into one validated JanusConfig (../shared/notes/janus-onnx.md
// section 1). Only what the runtime uses is required; every error names the file and the field.
// Graph shapes (heads, head size, vocabularies) are checked again against each session's metadata
// at load (contract.ts), since a config and its graphs can disagree.
import { InputError } from '../../errors.ts';
import { JsonFields, type ModelFolder, filePath, readJsonObject } from './folder.ts';

/** transformers.js's `use_external_data_format`: true, a chunk count, or either keyed by file name. */
export type ExternalDataFormat = boolean | number | Readonly<Record<string, boolean | number>>;

export interface JanusConfig {
  // config.json: language_config (Llama), the KV cache geometry
  readonly layers: number; // num_hidden_layers
  readonly kvHeads: number; // num_key_value_heads (else num_attention_heads)
  readonly headDim: number; // head_dim (else hidden_size / num_attention_heads)
  readonly hidden: number; // hidden_size
  readonly textVocab: number | null; // vocab_size, when given
  readonly imageVocab: number | null; // gen_head_config.params.image_token_size, when given
  // config.json: transformers.js_config
  readonly externalData: ExternalDataFormat;
  readonly dtypeHint: string | Readonly<Record<string, string>> | null; // the export's own dtype choice
  // processor_config.json
  readonly imageTag: string; // <image_placeholder>
  readonly imageStartTag: string; // <begin_of_image>
  readonly imageEndTag: string; // <end_of_image>
  readonly imageTokens: number; // num_image_tokens: 576 = 24 x 24 placeholders per understood image
  // generation_config.json num_image_tokens (else the processor's): codes per generated image
  readonly genImageTokens: number; // 576
  readonly genGrid: number; // sqrt(genImageTokens): codes per image row, 24
  // preprocessor_config.json
  readonly imageSize: number; // 384: the understanding encoder's square input
  readonly minSize: number; // 14: a resized side never goes below it
  readonly imageMean: readonly [number, number, number];
  readonly imageStd: readonly [number, number, number];
  readonly rescaleFactor: number; // 1/255
  readonly doNormalize: boolean;
  readonly backgroundColor: readonly [number, number, number]; // (127,127,127): the square padding, in 0..255
  // generation_config.json (optional file): the export's sampling defaults and its pad id
  readonly generation: {
    readonly padTokenId: number | null;
    readonly temperature: number | null;
    readonly topP: number | null;
    readonly topK: number | null;
    readonly guidanceScale: number | null;
  };
}

export const CONFIG_FILES = {
  model: 'config.json',
  processor: 'processor_config.json',
  preprocessor: 'preprocessor_config.json',
  generation: 'generation_config.json',
} as const;

export async function readJanusConfig(folder: ModelFolder): Promise<JanusConfig> {
  const modelFile = filePath(folder, CONFIG_FILES.model);
  const model = new JsonFields(modelFile, await readJsonObject(folder, CONFIG_FILES.model));
  model.equals('model_type', 'multi_modality');
  const lang = model.object('language_config');
  const layers = lang.positiveInt('num_hidden_layers');
  const heads = lang.positiveInt('num_attention_heads');
  const hidden = lang.positiveInt('hidden_size');
  const kvHeads = lang.has('num_key_value_heads') ? lang.positiveInt('num_key_value_heads') : heads;
  if (!lang.has('head_dim') && hidden % heads !== 0) {
    throw new InputError(`${modelFile}: language_config.hidden_size ${hidden} is not divisible by num_attention_heads ${heads}, and head_dim is not given`);
  }
  const headDim = lang.has('head_dim') ? lang.positiveInt('head_dim') : hidden / heads;
  const textVocab = lang.has('vocab_size') ? lang.positiveInt('vocab_size') : null;
  const genHead = model.has('gen_head_config') ? model.object('gen_head_config') : null;
  const genParams = genHead?.has('params') ? genHead.object('params') : null;
  const imageVocab = genParams?.has('image_token_size') ? genParams.positiveInt('image_token_size') : null;
  const tjs = model.has('transformers.js_config') ? model.object('transformers.js_config') : null;
  const externalData = tjs?.has('use_external_data_format') ? externalDataField(modelFile, tjs.raw('use_external_data_format')) : false;
  const dtypeHint = tjs?.has('dtype') ? dtypeField(modelFile, tjs.raw('dtype')) : null;

  const proc = new JsonFields(filePath(folder, CONFIG_FILES.processor), await readJsonObject(folder, CONFIG_FILES.processor));
  const imageTokens = proc.positiveInt('num_image_tokens');

  const pre = new JsonFields(filePath(folder, CONFIG_FILES.preprocessor), await readJsonObject(folder, CONFIG_FILES.preprocessor));
  const rgb = (key: string) => pre.numbers(key, 3) as unknown as readonly [number, number, number];

  const generation = (await folder.exists(CONFIG_FILES.generation))
    ? new JsonFields(filePath(folder, CONFIG_FILES.generation), await readJsonObject(folder, CONFIG_FILES.generation))
    : null;
  const optional = (key: string, read: (g: JsonFields, k: string) => number) => (generation?.has(key) ? read(generation, key) : null);
  const genImageTokens = optional('num_image_tokens', (g, k) => g.positiveInt(k)) ?? imageTokens;
  const genGrid = Math.round(Math.sqrt(genImageTokens));
  if (genGrid * genGrid !== genImageTokens) {
    throw new InputError(`${filePath(folder, CONFIG_FILES.generation)}: num_image_tokens must be a square number (a grid of codes); got ${genImageTokens}`);
  }

  return {
    layers, kvHeads, headDim, hidden, textVocab, imageVocab, externalData, dtypeHint,
    imageTag: proc.string('image_tag'),
    imageStartTag: proc.string('image_start_tag'),
    imageEndTag: proc.string('image_end_tag'),
    imageTokens,
    genImageTokens,
    genGrid,
    imageSize: pre.positiveInt('image_size'),
    minSize: pre.has('min_size') ? pre.positiveInt('min_size') : 1,
    imageMean: rgb('image_mean'),
    imageStd: rgb('image_std'),
    rescaleFactor: pre.number('rescale_factor'),
    doNormalize: pre.has('do_normalize') ? pre.boolean('do_normalize') : true,
    backgroundColor: rgb('background_color'),
    generation: {
      padTokenId: optional('pad_token_id', (g, k) => g.nonNegativeInt(k)),
      temperature: optional('temperature', (g, k) => g.number(k)),
      topP: optional('top_p', (g, k) => g.number(k)),
      topK: optional('top_k', (g, k) => g.nonNegativeInt(k)),
      guidanceScale: optional('guidance_scale', (g, k) => g.number(k)),
    },
  };
}

function externalDataField(file: string, v: unknown): ExternalDataFormat {
  const ok = (x: unknown) => typeof x === 'boolean' || (Number.isInteger(x) && (x as number) >= 0);
  if (ok(v)) return v as boolean | number;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(ok)) return v as Record<string, boolean | number>;
  throw new InputError(
    `${file}: transformers.js_config.use_external_data_format must be true/false, a chunk count, or an object of those keyed by file name; got ${JSON.stringify(v)}`,
  );
}

function dtypeField(file: string, v: unknown): string | Record<string, string> {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')) return v as Record<string, string>;
  throw new InputError(`${file}: transformers.js_config.dtype must be a dtype name or an object of them keyed by graph; got ${JSON.stringify(v)}`);
}
