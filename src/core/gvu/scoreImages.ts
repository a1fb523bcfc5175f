// The intrinsic reward of (prompt, image) pairs: the understanding scorer run in batches, then the
// chosen reward variant per sample (paper default: geometric mean of the prompt words' p_j).
import type { ModelConfig } from '../model/config.ts';
import type { Weights } from '../model/weights.ts';
import type { ModelSession } from '../runtime/session.ts';
import { BOS_ID, EOS_ID, encode } from '../world/index.ts';
import { type RewardOptions, type RewardResult, buildScorerInputs, scoreCaptions } from './reward.ts';

export async function scoreImages(
  cfg: ModelConfig, weights: Weights, scorer: ModelSession, items: readonly { image: Uint8Array; prompt: string }[],
  options: Partial<RewardOptions> = {}, batch = 64,
): Promise<RewardResult[]> {
  const out: RewardResult[] = [];
  for (let i = 0; i < items.length; i += batch) {
    const chunk = items.slice(i, i + batch).map((r) => ({ image: r.image, words: r.prompt.split(/\s+/), ids: encode(r.prompt) }));
    const { feeds, layouts } = buildScorerInputs(cfg, chunk, { bos: BOS_ID, eos: EOS_ID });
    const res = await scorer.run({ ...feeds, ...weights });
    out.push(...scoreCaptions(res.token_logp, layouts, options));
  }
  return out;
}
