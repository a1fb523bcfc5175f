// The trainer's settings and prompt picking, no model involved: kept apart from trainer.test.ts's
// training runs so the fast test set (and Stryker's STRYKER_TESTS=fast) still runs them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GVU_DEFAULTS, checkGvuConfig, loraOf, pickPrompts } from '../../../src/core/gvu/trainer.ts';
import { InputError } from '../../../src/core/errors.ts';
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

  it('refuses a typo in every choice field, listing that field\'s choices', () => {
    const choices: [string, string][] = [
      ['reward', 'intrinsic, judge'],
      ['rewardVariant', 'geomean, mean_p, min_p, content_words, sequence'],
      ['teacher', 'frozen, policy'],
      ['promptSampling', 'by_tag, uniform'],
      ['advantage', 'std, no_std, dead_zone, rank'],
      ['adapterScope', 'shared, generation'],
    ];
    for (const [key, allowed] of choices) {
      expect(() => checkGvuConfig({ ...GVU_DEFAULTS, [key]: 'typo' }), key).toThrow(`GvU config: ${key} must be one of ${allowed}; got "typo"`);
    }
  });

  it('names one numeric problem by its label and config key, with the range and the value given', () => {
    let err: unknown;
    try {
      checkGvuConfig({ ...GVU_DEFAULTS, groupSize: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('GvU config: group size (groupSize): must be an integer from 2 to 64 (GRPO compares images within a group); got 1');
  });

  it('lists several problems, one per line, choices first', () => {
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, promptSampling: 'bytag' as never, lr: 0 })).toThrow(
      'GvU config has 2 problems:\n'
      + '- promptSampling must be one of by_tag, uniform; got "bytag"\n'
      + '- learning rate (lr): must be a number above 0 and at most 0.01 (at 0 nothing is learned; at 0.05 one update wrecks the model); got 0',
    );
  });

  it('refuses a policy teacher whose adapter acts on generation only, and allows each half alone', () => {
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, teacher: 'policy', adapterScope: 'generation' })).toThrow(
      'GvU config: teacher policy with adapterScope generation: the policy\'s understanding is then the base\'s; use teacher frozen',
    );
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, teacher: 'policy', adapterScope: 'shared' })).not.toThrow();
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, teacher: 'frozen', adapterScope: 'generation' })).not.toThrow();
  });

  it('reads loraTargets as PEFT target_modules: all by default, a comma list, a bad name named', () => {
    expect(loraOf(GVU_DEFAULTS).targets).toEqual([...LORA_TARGETS]);
    expect(loraOf({ ...GVU_DEFAULTS, loraTargets: 'head_image, mlp.up' }).targets).toEqual(['head_image', 'mlp.up']);
    expect(() => loraOf({ ...GVU_DEFAULTS, loraTargets: 'head_img' })).toThrow(/unknown target "head_img"/);
  });

  it('passes the rank and alpha settings to the adapter', () => {
    expect(loraOf({ ...GVU_DEFAULTS, loraRank: 4, loraAlpha: 12, loraTargets: 'attn.wq' })).toEqual({ rank: 4, alpha: 12, targets: ['attn.wq'] });
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

  it('uniform draws n different prompts of the set, without repeats', () => {
    const all = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl').slice(0, 12);
    const picked = pickPrompts(mulberry32(7), all, 5, 'uniform');
    expect(picked).toHaveLength(5);
    expect(new Set(picked).size).toBe(5);
    for (const s of picked) expect(all).toContain(s);
  });

  it('by_tag draws n prompts with repeats allowed, from every category and not only each one\'s first prompt', () => {
    const all = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl');
    const picked = pickPrompts(mulberry32(7), all, 200, 'by_tag');
    expect(picked).toHaveLength(200);
    for (const s of picked) expect(all).toContain(s);
    const tags = new Set(all.map((s) => s.tag));
    expect(new Set(picked.map((s) => s.tag))).toEqual(tags);
    expect(new Set(picked).size).toBeGreaterThan(tags.size * 3);
  });
});
