// The shipped tiny UMM with its base weights frozen into the sampling and scoring models draws the
// same codes, and the same log-probs and rewards to float32 rounding, as the same models fed the
// weights at every call (the sessions every command and the engine used before). Not bit for bit:
// ORT pre-packs constant MatMul weights, and MLAS's pre-packed kernel rounds a few sums differently
// (measured: with the session option disable_prepacking the two agree bit for bit).
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/cli/modelFiles.ts';
import { freezeInputs, serializeModel } from '../../../src/core/graph/index.ts';
import { GVU_SAMPLING, generationStepModels, sampleImages } from '../../../src/core/gvu/sampling.ts';
import { scoreImages } from '../../../src/core/gvu/scoreImages.ts';
import { LORA_DEFAULTS } from '../../../src/core/model/lora.ts';
import { buildUnderstandingScoreGraph } from '../../../src/core/model/umm.ts';
import { initLora } from '../../../src/core/model/weights.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import { randn } from '../../../src/core/tensor.ts';
import { promptIds, renderTokens } from '../../../src/core/world/index.ts';

const { cfg, weights: base } = loadModel('public/models/tiny-umm');
const lora = initLora(cfg, LORA_DEFAULTS, 0);
for (const k of Object.keys(lora)) if (k.endsWith('.B')) lora[k] = randn('float32', lora[k].dims, k.length, 0.02); // a moved adapter
const policy = { ...base, ...lora };
const maxDiff = (a: ArrayLike<number>[], b: ArrayLike<number>[]) =>
  Math.max(...a.flatMap((row, i) => Array.from(row, (x, j) => Math.abs(x - b[i][j]))));
const PROMPTS = ['a photo of a red circle', 'a blue square above a green triangle'].map((p) => promptIds(p));

describe('frozen base weights', () => {
  it('sample the same codes and log-probs, and score the same rewards, as fed weights (LoRA on, G = 4, two prompts)', async () => {
    const fedModels = generationStepModels(cfg, LORA_DEFAULTS);
    const frozenModels = generationStepModels(cfg, LORA_DEFAULTS, base);
    const fed = { prefill: await createNodeSession(fedModels.prefill), decode: await createNodeSession(fedModels.decode) };
    const frozen = { prefill: await createNodeSession(frozenModels.prefill, { frozen: base }), decode: await createNodeSession(frozenModels.decode, { frozen: base }) };
    expect(frozen.decode.inputNames.length).toBe(3 + 2 * cfg.layers + Object.keys(lora).length); // ids, positions, mask, KV and LoRA only
    const opts = { ...GVU_SAMPLING, groupSize: 4, seeds: [5, 6, 7, 8, 9, 10, 11, 12] };
    const a = await sampleImages(cfg, policy, fed, PROMPTS, opts);
    const b = await sampleImages(cfg, policy, frozen, PROMPTS, opts);
    expect(b.map((x) => Array.from(x.codes))).toEqual(a.map((x) => Array.from(x.codes)));
    expect(maxDiff(b.map((x) => x.modelLogp), a.map((x) => x.modelLogp))).toBeLessThan(1e-5);
    expect(maxDiff(b.map((x) => x.policyLogp), a.map((x) => x.policyLogp))).toBeLessThan(1e-5);

    const graph = buildUnderstandingScoreGraph(cfg);
    const fedScorer = await createNodeSession(serializeModel(graph));
    const frozenScorer = await createNodeSession(serializeModel(freezeInputs(graph, base)), { frozen: base });
    const items = a.map((x) => ({ image: renderTokens(x.codes), prompt: x.prompt === 0 ? 'a photo of a red circle' : 'a blue square above a green triangle' }));
    const ra = await scoreImages(cfg, base, fedScorer, items);
    const rb = await scoreImages(cfg, base, frozenScorer, items);
    expect(maxDiff([rb.map((r) => r.reward)], [ra.map((r) => r.reward)])).toBeLessThan(1e-6);
    expect(maxDiff(rb.map((r) => r.tokens.map((t) => t.logp)), ra.map((r) => r.tokens.map((t) => t.logp)))).toBeLessThan(1e-5);
    await Promise.all([fed.prefill, fed.decode, frozen.prefill, frozen.decode, fedScorer, frozenScorer].map((s) => s.release()));
  });
});
