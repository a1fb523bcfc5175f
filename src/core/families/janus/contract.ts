// The IO contract between the Janus runtime and the six graphs, checked once at load against each
// session's inputNames/outputNames and, where the backend exposes it, its element types and
// shapes. transformers.js wires the graphs by name (pick(outputs, next.inputNames)); doing the same
// here, but up front, turns a renamed tensor or an fp16 graph into one sentence naming the graph,
// its file and the tensor, instead of a failure deep inside step 300 of a generation.
import { InputError } from '../../errors.ts';
import type { ModelSession, ValueMeta } from '../../runtime/session.ts';
import type { JanusConfig } from './config.ts';
import type { GraphFile, JanusGraph } from './graphFiles.ts';

export type JanusSessions = Readonly<Record<JanusGraph, ModelSession>>;

/** How the graphs are wired, as found in this export. */
export interface JanusIO {
  readonly prepareEmbedsOut: string; // prepare_inputs_embeds' output ('inputs_embeds')
  readonly genEmbedsOut: string; // gen_img_embeds' output
  readonly lmEmbedsIn: string; // language_model's embeddings input
  readonly hidden: string; // language_model's hidden-state output, the heads' one input
  readonly positionIds: boolean; // language_model takes position_ids
  readonly useCacheBranch: boolean; // a merged decoder's branch switch
  readonly numLogitsToKeep: boolean;
  readonly past: readonly { readonly key: string; readonly value: string }[]; // per layer
  readonly present: readonly { readonly key: string; readonly value: string }[]; // per layer
}

/** Inputs each graph may have, with the element type the runtime feeds. */
const FED: Record<Exclude<JanusGraph, 'language_model' | 'lm_head' | 'gen_head'>, Record<string, string>> = {
  prepare_inputs_embeds: { input_ids: 'int64', pixel_values: 'float', images_seq_mask: 'bool', images_emb_mask: 'bool' },
  gen_img_embeds: { image_ids: 'int64' },
  image_decode: { generated_tokens: 'int64' },
};


export function checkContract(cfg: JanusConfig, files: Readonly<Record<JanusGraph, GraphFile>>, s: JanusSessions): JanusIO {
  const where = (g: JanusGraph) => `${g} (${files[g].path})`;
  const fail = (g: JanusGraph, msg: string): never => {
    throw new InputError(`${where(g)}: ${msg}`);
  };
  const requireInputs = (g: JanusGraph, names: readonly string[]) => {
    for (const n of names) if (!s[g].inputNames.includes(n)) fail(g, `has no input "${n}" (its inputs: ${s[g].inputNames.join(', ')})`);
  };
  const requireOutputs = (g: JanusGraph, names: readonly string[]) => {
    for (const n of names) if (!s[g].outputNames.includes(n)) fail(g, `has no output "${n}" (its outputs: ${s[g].outputNames.join(', ')})`);
  };
  const onlyInputs = (g: JanusGraph, allowed: readonly string[]) => {
    const extra = s[g].inputNames.filter((n) => !allowed.includes(n));
    if (extra.length) fail(g, `input "${extra[0]}" is not one the Janus runtime feeds (it feeds ${allowed.join(', ')})`);
  };

  for (const g of ['prepare_inputs_embeds', 'gen_img_embeds', 'image_decode'] as const) {
    requireInputs(g, Object.keys(FED[g]));
    onlyInputs(g, Object.keys(FED[g]));
  }
  requireOutputs('image_decode', ['decoded_image']);

  // The heads read one tensor: the language model's hidden states, found by name as transformers.js does.
  const lm = s.language_model;
  const headIn = (g: 'lm_head' | 'gen_head') => {
    if (s[g].inputNames.length !== 1) fail(g, `takes ${s[g].inputNames.length} inputs (${s[g].inputNames.join(', ')}); a head takes one, the hidden states`);
    requireOutputs(g, ['logits']);
    return s[g].inputNames[0];
  };
  const hidden = headIn('lm_head');
  if (headIn('gen_head') !== hidden) fail('gen_head', `reads "${s.gen_head.inputNames[0]}" but lm_head reads "${hidden}"; both heads take the language model's hidden states`);
  if (!lm.outputNames.includes(hidden)) fail('language_model', `has no output "${hidden}" for the heads (its outputs: ${lm.outputNames.join(', ')})`);

  // Embeddings: the one output of each embedding graph that the language model takes.
  const embedsOut = (g: 'prepare_inputs_embeds' | 'gen_img_embeds') => {
    const name = s[g].outputNames.find((n) => lm.inputNames.includes(n));
    if (!name) fail(g, `none of its outputs (${s[g].outputNames.join(', ')}) is an input of language_model (${lm.inputNames.join(', ')})`);
    return name!;
  };
  const prepareEmbedsOut = embedsOut('prepare_inputs_embeds');
  const genEmbedsOut = embedsOut('gen_img_embeds');
  if (genEmbedsOut !== prepareEmbedsOut) fail('gen_img_embeds', `gives "${genEmbedsOut}" but prepare_inputs_embeds gives "${prepareEmbedsOut}"; the language model takes one embeddings input`);

  const past = Array.from({ length: cfg.layers }, (_, i) => ({ key: `past_key_values.${i}.key`, value: `past_key_values.${i}.value` }));
  const present = Array.from({ length: cfg.layers }, (_, i) => ({ key: `present.${i}.key`, value: `present.${i}.value` }));
  const optional = ['position_ids', 'use_cache_branch', 'num_logits_to_keep'];
  const extraLayer = lm.inputNames.find((n) => /^past_key_values\.(\d+)\./.test(n) && Number(/\.(\d+)\./.exec(n)![1]) >= cfg.layers);
  if (extraLayer) fail('language_model', `has input "${extraLayer}" but config.json language_config.num_hidden_layers is ${cfg.layers}`);
  requireInputs('language_model', [prepareEmbedsOut, 'attention_mask', ...past.flatMap((p) => [p.key, p.value])]);
  onlyInputs('language_model', [prepareEmbedsOut, 'attention_mask', ...optional, ...past.flatMap((p) => [p.key, p.value])]);
  requireOutputs('language_model', present.flatMap((p) => [p.key, p.value]));

  checkTypes(cfg, files, s, { hidden, embeds: prepareEmbedsOut, past });
  return {
    prepareEmbedsOut, genEmbedsOut, lmEmbedsIn: prepareEmbedsOut, hidden,
    positionIds: lm.inputNames.includes('position_ids'),
    useCacheBranch: lm.inputNames.includes('use_cache_branch'),
    numLogitsToKeep: lm.inputNames.includes('num_logits_to_keep'),
    past, present,
  };
}

/** Element types and fixed dims from the metadata, when the backend gives it. */
function checkTypes(
  cfg: JanusConfig, files: Readonly<Record<JanusGraph, GraphFile>>, s: JanusSessions,
  names: { hidden: string; embeds: string; past: readonly { key: string; value: string }[] },
): void {
  const meta = (g: JanusGraph, io: 'input' | 'output', name: string): ValueMeta | undefined =>
    (io === 'input' ? s[g].inputMetadata : s[g].outputMetadata)?.find((m) => m.name === name);
  // 'float': float32 or float16 (fp16 / q4f16 exports; floatIo.ts converts at the session's edge).
  const want = (g: JanusGraph, io: 'input' | 'output', name: string, type: string) => {
    const m = meta(g, io, name);
    if (!m || m.type === type || (type === 'float' && (m.type === 'float32' || m.type === 'float16'))) return;
    throw new InputError(`${g} (${files[g].path}): ${io} "${name}" is ${m.type}, the runtime ${io === 'input' ? 'feeds' : 'reads'} ${type === 'float' ? 'float32 or float16' : type}`);
  };
  for (const g of ['prepare_inputs_embeds', 'gen_img_embeds', 'image_decode'] as const) {
    for (const [n, t] of Object.entries(FED[g])) want(g, 'input', n, t);
  }
  want('prepare_inputs_embeds', 'output', names.embeds, 'float');
  want('gen_img_embeds', 'output', names.embeds, 'float');
  want('image_decode', 'output', 'decoded_image', 'float');
  want('language_model', 'input', names.embeds, 'float');
  want('language_model', 'input', 'attention_mask', 'int64');
  if (s.language_model.inputNames.includes('position_ids')) want('language_model', 'input', 'position_ids', 'int64');
  want('language_model', 'output', names.hidden, 'float');
  for (const g of ['lm_head', 'gen_head'] as const) {
    want(g, 'input', names.hidden, 'float');
    want(g, 'output', 'logits', 'float');
  }
  // KV cache [B, kvHeads, past, headDim]: fixed dims must match config.json's geometry.
  for (const p of names.past) {
    for (const n of [p.key, p.value]) {
      want('language_model', 'input', n, 'float');
      const shape = meta('language_model', 'input', n)?.shape ?? [];
      const [heads, dim] = [shape[1], shape[3]];
      if (typeof heads === 'number' && heads !== cfg.kvHeads) {
        throw new InputError(`language_model (${files.language_model.path}): input "${n}" has ${heads} heads but config.json language_config gives ${cfg.kvHeads} key/value heads`);
      }
      if (typeof dim === 'number' && dim !== cfg.headDim) {
        throw new InputError(`language_model (${files.language_model.path}): input "${n}" has head size ${dim} but config.json language_config gives ${cfg.headDim}`);
      }
    }
  }
  const vocab = meta('gen_head', 'output', 'logits')?.shape.at(-1);
  if (typeof vocab === 'number' && cfg.imageVocab !== null && vocab !== cfg.imageVocab) {
    throw new InputError(`gen_head (${files.gen_head.path}): output "logits" has ${vocab} codes but config.json gen_head_config.params.image_token_size is ${cfg.imageVocab}`);
  }
}
