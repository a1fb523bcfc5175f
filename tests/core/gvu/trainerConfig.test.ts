// The trainer's settings and prompt picking, no model involved: kept apart from trainer.test.ts's
// training runs so the fast test set (and Stryker's STRYKER_TESTS=fast) still runs them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GVU_DEFAULTS, checkGvuConfig, loraOf, pickPrompts } from '../../../src/core/gvu/trainer.ts';
import { LORA_TARGETS } from '../../../src/core/model/lora.ts';
import { mulberry32 } from '../../../src/core/tensor.ts';
import { parseSpecJsonl } from '../../../src/core/world/index.ts';

describe('checkGvuConfig', () => {
  it('names a choice field given a value outside its choices (a command-line typo is not a silent default)', () => {
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, promptSampling: 'bytag' as never })).toThrow(/promptSampling must be one of by_tag, uniform; got "bytag"/);
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, reward: 'judg' as never })).toThrow(/reward must be one of intrinsic, judge/);
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, rewardVariant: 'sequence' })).not.toThrow();
    expect(() => checkGvuConfig(GVU_DEFAULTS)).not.toThrow();
  });

  it('reads loraTargets as PEFT target_modules: all by default, a comma list, a bad name named', () => {
    expect(loraOf(GVU_DEFAULTS).targets).toEqual([...LORA_TARGETS]);
    expect(loraOf({ ...GVU_DEFAULTS, loraTargets: 'head_image, mlp.up' }).targets).toEqual(['head_image', 'mlp.up']);
    expect(() => loraOf({ ...GVU_DEFAULTS, loraTargets: 'head_img' })).toThrow(/unknown target "head_img"/);
  });
});

describe('pickPrompts', () => {
  it('by_tag balances categories whatever the set is made of; uniform follows the set', () => {
    const all = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl');
    const share = (how: 'by_tag' | 'uniform') => {
      const picked = how === 'uniform' ? pickPrompts(mulberry32(1), all, all.length, how) : pickPrompts(mulberry32(1), all, 2000, how);
      return picked.filter((s) => s.tag === 'color_pos').length / picked.length;
    };
    const tags = new Set(all.map((s) => s.tag)).size;
    // 2000 draws: the share's standard error is about 0.0065, so 0.02 is three of them.
    expect(Math.abs(share('by_tag') - 1 / tags)).toBeLessThan(0.02);
    expect(share('uniform')).toBeGreaterThan(0.5); // 368 of 602 train prompts are color_pos
  });
});
