// Input embeddings for the language model, from the two embedding graphs: prepare_inputs_embeds
// for text (and images to understand), gen_img_embeds for generated image codes.
import type { ModelSession } from '../../runtime/session.ts';
import { type TensorData, allocate } from '../../tensor.ts';
import type { JanusConfig } from './config.ts';
import type { JanusIO } from './contract.ts';

function idsTensor(rows: readonly (readonly number[])[]): TensorData<'int64'> {
  const t = rows[0].length;
  const data = allocate('int64', rows.length * t);
  rows.forEach((r, i) => {
    if (r.length !== t) throw new Error(`row ${i} has ${r.length} ids, row 0 has ${t}`);
    r.forEach((id, j) => { data[i * t + j] = BigInt(id); });
  });
  return { dtype: 'int64', dims: [rows.length, t], data };
}

/**
 * Text-only rows -> [B, T, D]. No image: pixel_values [0, 0, 3, S, S] and images_emb_mask
 * [1, 0, N], as transformers.js feeds the export when there is none.
 */
export async function textEmbeds(prepare: ModelSession, cfg: JanusConfig, io: JanusIO, rows: readonly (readonly number[])[]): Promise<TensorData> {
  const ids = idsTensor(rows);
  const [b, t] = ids.dims;
  const out = await prepare.run({
    input_ids: ids,
    pixel_values: { dtype: 'float32', dims: [0, 0, 3, cfg.imageSize, cfg.imageSize], data: new Float32Array(0) },
    images_seq_mask: { dtype: 'bool', dims: [b, t], data: new Uint8Array(b * t) },
    images_emb_mask: { dtype: 'bool', dims: [1, 0, cfg.imageTokens], data: new Uint8Array(0) },
  }, [io.prepareEmbedsOut]);
  return out[io.prepareEmbedsOut];
}

/**
 * One sequence with one image: ids [T], its placeholder mask [T] and pixels [3, S, S] -> [1, T, D]
 * with the image's N embeddings at the placeholders (upstream prepare_inputs_embeds).
 */
export async function understandingEmbeds(
  prepare: ModelSession, cfg: JanusConfig, io: JanusIO, ids: readonly number[], imageMask: Uint8Array, pixels: TensorData<'float32'>,
): Promise<TensorData> {
  const t = ids.length;
  const out = await prepare.run({
    input_ids: idsTensor([ids]),
    pixel_values: { dtype: 'float32', dims: [1, 1, 3, cfg.imageSize, cfg.imageSize], data: pixels.data },
    images_seq_mask: { dtype: 'bool', dims: [1, t], data: imageMask },
    images_emb_mask: { dtype: 'bool', dims: [1, 1, cfg.imageTokens], data: new Uint8Array(cfg.imageTokens).fill(1) },
  }, [io.prepareEmbedsOut]);
  return out[io.prepareEmbedsOut];
}

/** One code per row -> [B, 1, D]. */
export async function codeEmbeds(genImgEmbeds: ModelSession, io: JanusIO, codes: readonly number[]): Promise<TensorData> {
  const out = await genImgEmbeds.run({ image_ids: idsTensor(codes.map((c) => [c])) }, [io.genEmbedsOut]);
  return out[io.genEmbedsOut];
}
