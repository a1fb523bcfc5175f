// The fixture's JSON files, with the keys and layout of onnx-community/Janus-Pro-1B-ONNX (values
// scaled down through ./sizes.ts). Which keys transformers.js reads: notes section 1.
import { CHAT_TEMPLATES } from './chatTemplates.ts';
import { JANUS_TINY, type JanusTiny, numGenTokens, numImageTokens } from './sizes.ts';
import { SPECIAL_TOKENS, specialTokenIds } from './tokenizer.ts';

/** Graphs whose weights sit in `onnx/<name>.onnx_data` (transformers.js_config use_external_data_format). */
export const EXTERNAL_DATA_GRAPHS = ['language_model'] as const;

export function configJson(s: JanusTiny = JANUS_TINY): object {
  const mlp = (input: number, out: number) => ({ cls: 'MlpProjector', model_type: 'aligner', params: { depth: 2, input_dim: input, n_embed: out, projector_type: 'mlp_gelu' } });
  return {
    architectures: ['MultiModalityCausalLM'],
    model_type: 'multi_modality',
    aligner_config: mlp(s.visionWidth, s.hidden),
    gen_aligner_config: mlp(s.codeDim, s.hidden),
    gen_head_config: { cls: 'vision_head', model_type: 'gen_head', params: { image_token_embed: s.hidden, image_token_size: s.codebook, n_embed: s.hidden } },
    gen_vision_config: { cls: 'VQ-16', model_type: 'gen_vision', params: { image_token_size: s.codebook, n_embed: s.codeDim, image_size: s.imageSize, num_image_tokens: numGenTokens(s) } },
    vision_config: {
      cls: 'CLIPVisionTower', model_type: 'vision',
      params: { image_size: s.imageSize, patch_size: s.patch, width: s.visionWidth, model_name: 'tiny_random_vit', select_feature: 'same', select_layer: -1 },
    },
    language_config: {
      model_type: 'llama',
      hidden_size: s.hidden,
      intermediate_size: s.intermediate,
      num_hidden_layers: s.layers,
      num_attention_heads: s.heads,
      num_key_value_heads: s.kvHeads,
      head_dim: s.headDim,
      hidden_act: 'silu',
      rms_norm_eps: s.rmsEps,
      rope_theta: s.ropeTheta,
      max_position_embeddings: s.maxPositions,
      vocab_size: s.vocab,
      torch_dtype: 'float32',
    },
    torch_dtype: 'float32',
    'transformers.js_config': {
      use_external_data_format: Object.fromEntries(EXTERNAL_DATA_GRAPHS.map((n) => [`${n}.onnx`, 1])),
    },
  };
}

export function generationConfigJson(s: JanusTiny = JANUS_TINY): object {
  const ids = specialTokenIds(s);
  // As the 1.3B-ONNX file (notes section 1): sampling defaults, no guidance_scale.
  return { bos_token_id: ids.bos, eos_token_id: ids.eos, pad_token_id: ids.pad, do_sample: true, temperature: 0.7, top_p: 0.95, num_image_tokens: numGenTokens(s) };
}

export function preprocessorConfigJson(s: JanusTiny = JANUS_TINY): object {
  return {
    background_color: [127, 127, 127],
    do_normalize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_processor_type: 'VLMImageProcessor',
    image_size: s.imageSize,
    image_std: [0.5, 0.5, 0.5],
    min_size: 14,
    processor_class: 'VLChatProcessor',
    rescale_factor: 1 / 255,
  };
}

export function processorConfigJson(s: JanusTiny = JANUS_TINY): object {
  return {
    add_special_token: false,
    ignore_id: -100,
    image_end_tag: SPECIAL_TOKENS.imageEnd,
    image_start_tag: SPECIAL_TOKENS.imageStart,
    image_tag: SPECIAL_TOKENS.imagePlaceholder,
    mask_prompt: true,
    num_image_tokens: numImageTokens(s),
    processor_class: 'VLChatProcessor',
    sft_format: 'deepseek',
  };
}

export function specialTokensMapJson(): object {
  const { bos, eos, pad, imagePlaceholder, imageStart, imageEnd, user, assistant } = SPECIAL_TOKENS;
  return { bos_token: bos, eos_token: eos, pad_token: pad, additional_special_tokens: [imagePlaceholder, imageStart, imageEnd, user, assistant] };
}

export function tokenizerConfigJson(s: JanusTiny = JANUS_TINY): object {
  const ids = specialTokenIds(s);
  const decoder = Object.fromEntries((Object.keys(SPECIAL_TOKENS) as (keyof typeof SPECIAL_TOKENS)[]).map((k) => [
    String(ids[k]), { content: SPECIAL_TOKENS[k], lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
  ]));
  return {
    add_bos_token: true,
    add_eos_token: false,
    added_tokens_decoder: decoder,
    bos_token: SPECIAL_TOKENS.bos,
    eos_token: SPECIAL_TOKENS.eos,
    pad_token: SPECIAL_TOKENS.pad,
    unk_token: null,
    clean_up_tokenization_spaces: false,
    legacy: true,
    model_max_length: s.maxPositions,
    tokenizer_class: 'LlamaTokenizerFast',
    chat_template: CHAT_TEMPLATES,
  };
}
