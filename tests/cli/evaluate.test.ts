// eval's placement: a generation-only adapter changes the images but reads images and captions with
// the base weights, so its understanding is the base model's; the shared placement's is not.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/cli/evaluate.ts';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { loadPromptSet } from '../../src/cli/promptSets.ts';
import { LORA_DEFAULTS } from '../../src/core/model/lora.ts';
import { initLora } from '../../src/core/model/weights.ts';
import { randn } from '../../src/core/tensor.ts';

describe('evaluatePolicy placement', () => {
  it('measures a generation-only adapter\'s understanding on the base weights, and a shared one\'s on the adapted weights', async () => {
    const { cfg, weights } = loadModel('public/models/tiny-umm');
    const lora = initLora(cfg, LORA_DEFAULTS, 0);
    for (const k of Object.keys(lora)) if (k.endsWith('.B')) lora[k] = randn('float32', lora[k].dims, k.length, 0.05);
    const adapter = { lora: LORA_DEFAULTS, weights: lora };
    const specs = loadPromptSet('test').filter((_, i) => i % 12 === 0); // 10 prompts, every category
    const opts = { seedSets: 1, groupSize: 2, scenesPerPrompt: 1 };
    const base = await evaluatePolicy(cfg, weights, null, specs, opts);
    const gen = await evaluatePolicy(cfg, weights, adapter, specs, { ...opts, adapterScope: 'generation' });
    const shared = await evaluatePolicy(cfg, weights, adapter, specs, { ...opts, adapterScope: 'shared' });
    expect(gen.understanding).toBe(base.understanding);
    expect(gen.understanding_per_edit).toEqual(base.understanding_per_edit);
    expect(shared.understanding).not.toBe(base.understanding);
    expect(gen.overall).toBe(shared.overall); // the images are the adapter's either way
  }, 120_000);
});
