// The fixture's heads and image decoder. lm_head and gen_head read the language model's
// hidden_states [B, T, D] and give logits over text tokens [B, T, V] or image codes [B, T, K];
// image_decode stands in for the VQ decoder: codes [B, N] -> pixels [B, 3, H, W] in [-1, 1].
import { Graph, add, gather, matMul, reshape, tanh, transpose } from '../../core/graph/index.ts';
import { gelu } from '../../core/graph/nn.ts';
import { JANUS_TINY, type JanusTiny, numGenTokens, weight } from './sizes.ts';

const hiddenInput = (g: Graph, s: JanusTiny) => g.input('hidden_states', 'float32', ['batch_size', 'sequence_length', s.hidden]);

export function buildLmHeadGraph(s: JanusTiny = JANUS_TINY): Graph {
  const g = new Graph('lm_head');
  const w = g.init('lm_head.weight', weight('lm_head.weight', [s.hidden, s.vocab]));
  g.output(matMul(hiddenInput(g, s), w), 'logits'); // [B, T, V]
  return g;
}

/** Upstream's vision_head: Linear, GELU, Linear to the codebook size. */
export function buildGenHeadGraph(s: JanusTiny = JANUS_TINY): Graph {
  const g = new Graph('gen_head');
  const w = (n: string, dims: number[]) => g.init(`gen_head.${n}`, weight(`gen_head.${n}`, dims));
  const h = gelu(add(matMul(hiddenInput(g, s), w('output_mlp_projector.weight', [s.hidden, s.hidden])), w('output_mlp_projector.bias', [s.hidden])));
  g.output(add(matMul(h, w('vision_head.weight', [s.hidden, s.codebook])), w('vision_head.bias', [s.codebook])), 'logits'); // [B, T, K]
  return g;
}

/**
 * Codes in raster order over the genGrid x genGrid grid -> one 8x8 RGB tile per code (codebook
 * vector, linear, depth-to-space), tanh to [-1, 1]. generated_tokens [B, N] -> decoded_image [B, 3, S, S].
 */
export function buildImageDecodeGraph(s: JanusTiny = JANUS_TINY): Graph {
  const g = new Graph('image_decode');
  const tile = s.imageSize / s.genGrid;
  const codes = g.input('generated_tokens', 'int64', ['batch_size', numGenTokens(s)]);
  const w = (n: string, dims: number[], std?: number) => g.init(`vq.${n}`, weight(`vq.${n}`, dims, std));
  const z = gather(w('quantize.embedding.weight', [s.codebook, s.codeDim], 1), codes); // [B, N, 8]
  const tiles = add(matMul(z, w('decoder.weight', [s.codeDim, 3 * tile * tile])), w('decoder.bias', [3 * tile * tile], 0.1)); // [B, N, 3*t*t]
  const grid = reshape(tiles, [0, s.genGrid, s.genGrid, 3, tile, tile]); // [B, gh, gw, 3, t, t]
  const image = reshape(transpose(grid, [0, 3, 1, 4, 2, 5]), [0, 3, s.imageSize, s.imageSize]); // [B, 3, S, S]
  g.output(tanh(image), 'decoded_image');
  return g;
}
