// The Janus text tokenizer: tokenizer.json run by @huggingface/tokenizers (the BPE transformers.js
// uses), plus the special-token ids the prompts need, all looked up by their strings in the
// folder's own files; no id is hard-coded. Strings come from tokenizer_config.json (bos/eos),
// processor_config.json (image tags) and upstream Janus (the pad tag, processing_vlm.py).
import { Tokenizer } from '@huggingface/tokenizers';
import { InputError } from '../../errors.ts';
import type { JanusConfig } from './config.ts';
import { type ModelFolder, filePath, readJsonObject } from './folder.ts';

/** Upstream's pad tag (JAN processing_vlm.py `pad_tag`); the CFG unconditional rows are made of it. */
export const UPSTREAM_PAD_TAG = '<｜▁pad▁｜>';

export interface SpecialIds {
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
  readonly imagePlaceholder: number; // <image_placeholder>: one per image code in understanding prompts
  readonly imageStart: number; // <begin_of_image>
  readonly imageEnd: number; // <end_of_image>
}

export interface JanusTokenizer {
  readonly special: SpecialIds;
  /** Where the pad id came from, and any disagreement between the folder's files about it. */
  readonly padSource: string;
  readonly warnings: readonly string[];
  /** Ids of `text`; special-token strings in it become their ids; no BOS is added. */
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** The piece as stored in the vocabulary ('Ġred'), for word grouping. */
  piece(id: number): string;
  /** Whether `id` is an added special token (BOS, image tags, ...). */
  isSpecial(id: number): boolean;
}

export const TOKENIZER_FILES = { tokenizer: 'tokenizer.json', config: 'tokenizer_config.json' } as const;

export async function loadJanusTokenizer(folder: ModelFolder, cfg: JanusConfig): Promise<JanusTokenizer> {
  const tokFile = filePath(folder, TOKENIZER_FILES.tokenizer);
  const json = await readJsonObject(folder, TOKENIZER_FILES.tokenizer);
  const config = (await folder.exists(TOKENIZER_FILES.config)) ? await readJsonObject(folder, TOKENIZER_FILES.config) : {};
  if (!Array.isArray(json.added_tokens)) throw new InputError(`${tokFile}: added_tokens must be a list; it is ${json.added_tokens === undefined ? 'missing' : 'not a list'}`);
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(json, config);
  } catch (e) {
    throw new InputError(`${tokFile}: @huggingface/tokenizers cannot build a tokenizer from it: ${(e as Error).message}`);
  }
  const added = new Map<string, { id: number; special: boolean }>();
  for (const t of json.added_tokens as { content?: unknown; id?: unknown; special?: unknown }[]) {
    if (typeof t?.content === 'string' && Number.isInteger(t.id)) added.set(t.content, { id: t.id as number, special: t.special === true });
  }
  const cfgFile = filePath(folder, TOKENIZER_FILES.config);
  // A tag must be one added token: otherwise the BPE splits "<begin_of_image>" into pieces and the
  // model never sees the token it was trained on.
  const addedId = (tag: string, from: string): number => {
    const a = added.get(tag);
    if (!a) throw new InputError(`${tokFile}: no added token ${JSON.stringify(tag)} (${from}); this tokenizer cannot mark images for Janus`);
    return a.id;
  };
  const tokenString = (key: string): string | null => {
    const v = config[key];
    if (typeof v === 'string') return v;
    if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
    return null;
  };
  const bosTag = tokenString('bos_token');
  const eosTag = tokenString('eos_token');
  if (!bosTag) throw new InputError(`${cfgFile}: bos_token is missing; Janus prompts start with it`);
  if (!eosTag) throw new InputError(`${cfgFile}: eos_token is missing; the scored answer ends with it`);

  const warnings: string[] = [];
  const generationPad = cfg.generation.padTokenId;
  const upstreamPad = added.get(UPSTREAM_PAD_TAG)?.id ?? tok.token_to_id(UPSTREAM_PAD_TAG) ?? null;
  const configPadTag = tokenString('pad_token');
  const configPad = configPadTag === null ? null : (tok.token_to_id(configPadTag) ?? null);
  // Upstream Janus builds CFG rows from <｜▁pad▁｜>; the ONNX export's generation_config names the
  // same id (100015 for Janus-Pro), the HF conversion uses pad_token (100002). Upstream wins.
  let pad: number;
  let padSource: string;
  if (upstreamPad !== null) {
    [pad, padSource] = [upstreamPad, `${UPSTREAM_PAD_TAG} in tokenizer.json`];
    if (generationPad !== null && generationPad !== upstreamPad) {
      warnings.push(`generation_config.json pad_token_id ${generationPad} differs from ${UPSTREAM_PAD_TAG} = ${upstreamPad}; using ${upstreamPad} as upstream Janus does`);
    }
  } else if (generationPad !== null) {
    [pad, padSource] = [generationPad, 'generation_config.json pad_token_id'];
  } else if (configPad !== null) {
    [pad, padSource] = [configPad, `tokenizer_config.json pad_token ${JSON.stringify(configPadTag)}`];
  } else {
    throw new InputError(`${tokFile}: no pad token: neither ${UPSTREAM_PAD_TAG}, generation_config.json pad_token_id nor tokenizer_config.json pad_token; CFG needs one`);
  }
  const special: SpecialIds = {
    bos: addedId(bosTag, `tokenizer_config.json bos_token`),
    eos: addedId(eosTag, `tokenizer_config.json eos_token`),
    pad,
    imagePlaceholder: addedId(cfg.imageTag, 'processor_config.json image_tag'),
    imageStart: addedId(cfg.imageStartTag, 'processor_config.json image_start_tag'),
    imageEnd: addedId(cfg.imageEndTag, 'processor_config.json image_end_tag'),
  };
  const specialIds = new Set([...added.values()].filter((a) => a.special).map((a) => a.id));
  const encode = (text: string) => tok.encode(text, { add_special_tokens: false }).ids;
  for (const [tag, id] of [[cfg.imageTag, special.imagePlaceholder], [cfg.imageStartTag, special.imageStart], [cfg.imageEndTag, special.imageEnd]] as const) {
    const ids = encode(tag);
    if (ids.length !== 1 || ids[0] !== id) throw new InputError(`${tokFile}: ${JSON.stringify(tag)} encodes to [${ids.join(', ')}], not its one added token ${id}`);
  }
  return {
    special,
    padSource,
    warnings,
    encode,
    decode: (ids) => tok.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    piece: (id) => tok.id_to_token(id) ?? '',
    isSpecial: (id) => specialIds.has(id),
  };
}
