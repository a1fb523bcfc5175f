// The fixture's two embedding graphs. `prepare_inputs_embeds` is Janus' understanding path: token
// embeddings, with the rows where images_seq_mask is true replaced, in order, by the image
// embeddings whose images_emb_mask is true (upstream `inputs_embeds[images_seq_mask] =
// images_embeds[images_emb_mask]`). `gen_img_embeds` embeds generated image codes for the next step.
import {
  Graph, type Value, add, cast, compress, concat, cumSum, gather, matMul, mul, reshape, reshapeTo, transpose, unsqueeze, where,
} from '../../core/graph/index.ts';
import { gelu, layerNorm } from '../../core/graph/nn.ts';
import { tensor } from '../../core/tensor.ts';
import { JANUS_TINY, type JanusTiny, normScale, weight } from './sizes.ts';

/** A linear layer with a seeded weight [din, dout] and bias [dout]. */
function dense(g: Graph, name: string, x: Value, din: number, dout: number): Value {
  return add(matMul(x, g.init(`${name}.weight`, weight(`${name}.weight`, [din, dout]))), g.init(`${name}.bias`, weight(`${name}.bias`, [dout], 0.1)));
}

/** Upstream's MlpProjector (mlp_gelu, depth 2): Linear, GELU, Linear. */
const projector = (g: Graph, name: string, x: Value, din: number, dout: number): Value =>
  dense(g, `${name}.1`, gelu(dense(g, `${name}.0`, x, din, dout)), dout, dout);

/**
 * A small ViT-style image encoder: 8x8 patches, linear patch embedding plus a position embedding
 * per grid cell, one pre-norm GELU MLP block, a final LayerNorm. pixels [B, n, 3, S, S] -> [B*n, N, Dv].
 * Patches are cut with a static reshape, so an empty [0, 0, 3, 384, 384] (what transformers.js feeds
 * when there is no image) passes through as zero rows whatever its height and width.
 */
function visionTower(g: Graph, s: JanusTiny, pixels: Value): Value {
  const [grid, p, dv] = [s.imageSize / s.patch, s.patch, s.visionWidth];
  const patches = transpose(reshape(pixels, [-1, 3, grid, p, grid, p]), [0, 2, 4, 1, 3, 5]); // [B*n, gh, gw, 3, p, p]
  const flat = reshape(patches, [-1, grid * grid, 3 * p * p]); // [B*n, N, 3p^2], rows in raster order
  let x = add(dense(g, 'vision_model.patch_embed', flat, 3 * p * p, dv), g.init('vision_model.pos_embed', weight('vision_model.pos_embed', [grid * grid, dv], 1)));
  const ln = (name: string, v: Value) => layerNorm(v, g.init(`${name}.weight`, normScale(`${name}.weight`, dv)), g.init(`${name}.bias`, weight(`${name}.bias`, [dv], 0.1)));
  x = add(x, dense(g, 'vision_model.block.fc2', gelu(dense(g, 'vision_model.block.fc1', ln('vision_model.block.norm', x), dv, 2 * dv)), 2 * dv, dv));
  return ln('vision_model.norm', x); // [B*n, N, Dv]
}

export function buildPrepareInputsEmbedsGraph(s: JanusTiny = JANUS_TINY): Graph {
  const g = new Graph('prepare_inputs_embeds');
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const pixels = g.input('pixel_values', 'float32', ['batch_size', 'num_images', 3, 'height', 'width']);
  const seqMask = g.input('images_seq_mask', 'bool', ['batch_size', 'sequence_length']);
  // The last dim is dynamic: transformers.js feeds [1, 1, 0] on text-generation steps after the first.
  const embMask = g.input('images_emb_mask', 'bool', ['batch_size', 'num_images', 'num_image_tokens']);
  const d = s.hidden;
  const tokens = gather(g.init('embed_tokens.weight', weight('embed_tokens.weight', [s.vocab, d], 1)), ids); // [B, T, D]
  const images = projector(g, 'aligner.layers', visionTower(g, s, pixels), s.visionWidth, d); // [B*n, N, D]
  const kept = compress(reshape(images, [-1, d]), reshape(embMask, [-1]), 0); // [R, D] the embeddings to place, in order
  // Row 0 is a zero row that positions outside images point at, so the gather is valid with no image.
  const table = concat([g.init('zero_row', tensor('float32', [1, d], new Float32Array(d))), kept], 0); // [1+R, D]
  const m = cast(seqMask, 'int64');
  const slot = mul(reshapeTo(cumSum(reshape(m, [-1]), 0), seqMask), m); // [B, T]: k for the k-th image position (row-major), else 0
  g.output(where(unsqueeze(seqMask, [-1]), gather(table, slot), tokens), 'inputs_embeds'); // [B, T, D]
  return g;
}

/** Generated image codes [B, T] -> the language model's input embeddings [B, T, D] (gen_embed + gen_aligner). */
export function buildGenImgEmbedsGraph(s: JanusTiny = JANUS_TINY): Graph {
  const g = new Graph('gen_img_embeds');
  const ids = g.input('image_ids', 'int64', ['batch_size', 'sequence_length']);
  const codes = gather(g.init('gen_embed.weight', weight('gen_embed.weight', [s.codebook, s.codeDim], 1)), ids); // [B, T, 8]
  g.output(projector(g, 'gen_aligner.layers', codes, s.codeDim, s.hidden), 'inputs_embeds'); // [B, T, D]
  return g;
}
