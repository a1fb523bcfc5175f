// The named configurations say what RESULTS.md and the paper's code say, and both can train.
import { describe, expect, it } from 'vitest';
import { GVU_PRESETS } from '../../../src/core/gvu/presets.ts';
import { GVU_DEFAULTS, checkGvuConfig, loraOf } from '../../../src/core/gvu/trainer.ts';
import { LORA_TARGETS } from '../../../src/core/model/lora.ts';

describe('GvU presets', () => {
  it('headline: the best row of the issue-12 study (1500 x 16 x G 8, lr 3e-4, beta 0.1, frozen teacher, pool by tag, dead zone 0.05, generation-only)', () => {
    expect(GVU_PRESETS.headline.config).toMatchObject({
      steps: 1500, promptsPerStep: 16, groupSize: 8, innerUpdates: 2, lr: 3e-4, beta: 0.1, clipEps: 0.2,
      teacher: 'frozen', promptSampling: 'by_tag', advantage: 'dead_zone', deadZone: 0.05, adapterScope: 'generation', reward: 'intrinsic',
      temperature: 1, minP: 0.03, cfgScale: 1, loraRank: 8, loraAlpha: 32, loraTargets: 'all',
    });
  });

  it('paper: policy teacher, G 2, beta 0.03, one update, r 8 / alpha 32 on every linear incl. the text head, T 1, min-p 0.03, no CFG', () => {
    const p = GVU_PRESETS.paper.config;
    expect(p).toMatchObject({
      teacher: 'policy', groupSize: 2, beta: 0.03, innerUpdates: 1, temperature: 1, minP: 0.03, topK: 0, topP: 1, cfgScale: 1, loraRank: 8, loraAlpha: 32,
      advantage: 'std', adapterScope: 'shared',
    });
    expect(p.promptsPerStep * p.groupSize).toBe(GVU_PRESETS.headline.config.promptsPerStep * GVU_PRESETS.headline.config.groupSize);
    const lora = loraOf({ ...GVU_DEFAULTS, ...p });
    expect(lora.targets).toEqual([...LORA_TARGETS]);
    expect(lora.targets).toContain('head_text');
  });

  it('both pass the config check; a policy teacher with a generation-only adapter is refused by name', () => {
    for (const preset of Object.values(GVU_PRESETS)) expect(() => checkGvuConfig({ ...GVU_DEFAULTS, ...preset.config })).not.toThrow();
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, teacher: 'policy', adapterScope: 'generation' }))
      .toThrow(/teacher policy with adapterScope generation/);
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, advantage: 'ranked' as never })).toThrow(/advantage must be one of std, no_std, dead_zone, rank; got "ranked"/);
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, deadZone: -0.1 })).toThrow(/advantage dead zone \(deadZone\): must be a number from 0 to 1/);
  });
});
