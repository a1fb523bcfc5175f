// Training settings that cannot train, each refused in the words a person reads, with the allowed
// range named: by the shared table (what the Train view shows inline as the user types) and by
// checkGvuConfig inside trainGvu (what the CLI and the engine worker run), before any session is
// built or step taken, so the state handed in (adapter, Adam moments, step) is untouched.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GVU_DEFAULTS, type GvuConfig, type GvuState, checkGvuConfig, freshGvuState, trainGvu } from '../../src/core/gvu/trainer.ts';
import { type NumericSetting, TRAIN_SETTING_RULES, readSetting, settingProblem, settingProblems } from '../../src/core/gvu/trainSettings.ts';
import type { ModelConfig } from '../../src/core/model/config.ts';
import { initWeights } from '../../src/core/model/weights.ts';
import { parseSpecJsonl } from '../../src/core/world/index.ts';

const CFG: ModelConfig = {
  family: 'tiny-umm', width: 32, layers: 1, heads: 2, mlpRatio: 2, textVocab: 46, imageVocab: 37,
  imageTokens: 16, patchDim: 432, maxText: 20, maxSeq: 36,
};
const TRAIN = parseSpecJsonl(readFileSync('public/data/prompts/train.jsonl', 'utf8'), 'train.jsonl').slice(0, 4);

const G = 'must be an integer from 2 to 64 (GRPO compares images within a group)';
const LR = 'must be a number above 0 and at most 0.01 (at 0 nothing is learned; at 0.05 one update wrecks the model)';
const CLIP = 'must be a number above 0 and at most 1 (the PPO ratio clip range; at 0 every update is clipped away)';

// [case, setting, value (a number, or the text of a form field), the setting's problem]
const CASES: [string, NumericSetting, unknown, string][] = [
  ['bad input: G = 1', 'groupSize', 1, `group size: ${G}; got 1`],
  ['bad input: G = 100', 'groupSize', 100, `group size: ${G}; got 100`],
  ['bad input: G typed as 2.5', 'groupSize', '2.5', `group size: ${G}; got 2.5`],
  ['bad input: lr = 0', 'lr', 0, `learning rate: ${LR}; got 0`],
  ['bad input: lr < 0', 'lr', -0.001, `learning rate: ${LR}; got -0.001`],
  ['bad input: lr field left empty', 'lr', '', `learning rate: ${LR}; the field is empty`],
  ['bad input: lr field holding spaces', 'lr', '   ', `learning rate: ${LR}; the field is empty`],
  ['bad input: lr = 1e6', 'lr', 1e6, `learning rate: ${LR}; got 1000000`],
  ['bad input: lr typed as 1e6', 'lr', '1e6', `learning rate: ${LR}; got 1e6`],
  ['bad input: lr = NaN', 'lr', NaN, `learning rate: ${LR}; got NaN`],
  ['bad input: lr = Infinity', 'lr', Infinity, `learning rate: ${LR}; got Infinity`],
  ['bad input: lr typed as words', 'lr', 'fast', `learning rate: ${LR}; got fast`],
  ['bad input: clip = 0', 'clipEps', 0, `clip ε: ${CLIP}; got 0`],
  ['bad input: clip < 0', 'clipEps', -0.2, `clip ε: ${CLIP}; got -0.2`],
  ['bad input: inner updates = 0', 'innerUpdates', 0, 'inner updates: must be an integer from 1 to 16 (Adam updates per rollout; with 0 the adapter never changes); got 0'],
  ['bad input: steps = 0', 'steps', 0, 'steps: must be an integer from 1 to 100000 (each step is one rollout and its updates); got 0'],
  ['bad input: prompts per step = 0', 'promptsPerStep', 0, 'prompts per step: must be an integer from 1 to 128 (prompts sampled for each rollout); got 0'],
  ['bad input: negative KL weight', 'beta', -0.03, 'KL weight β: must be a number from 0 to 1 (0 turns the KL to the base model off); got -0.03'],
  ['bad input: temperature 0', 'temperature', 0, 'temperature: must be a number above 0 and at most 10 (at 0 sampling is greedy and a group\'s images are all alike); got 0'],
  ['bad input: top-p 0', 'topP', 0, 'top-p: must be a number above 0 and at most 1 (1 = off; 0 keeps no code); got 0'],
  ['bad input: min-p 1', 'minP', 1, 'min-p: must be a number of at least 0 and below 1 (0 = off; 1 keeps only the most likely code); got 1'],
  ['bad input: CFG 1e6', 'cfgScale', 1e6, 'CFG scale: must be a number from 0 to 20 (1 or 0 = no guidance); got 1000000'],
  ['bad input: LoRA rank 0', 'loraRank', 0, 'LoRA rank: must be an integer from 1 to 256 (the inner width of the adapter); got 0'],
  ['bad input: seed -1', 'seed', -1, 'seed: must be an integer from 0 to 4294967295 (seeds are 32-bit); got -1'],
  ['bad input: validate every -5', 'evalEvery', -5, 'validate every: must be an integer of at least 0 (steps between validations; 0 = never); got -5'],
  ['bad input: log every 0', 'logEvery', 0, 'log every: must be an integer of at least 1 (steps between log rows; 0 would never log); got 0'],
  ['bad input: checkpoint every 0', 'checkpointEvery', 0, 'checkpoint every: must be an integer of at least 1 (steps between checkpoints); got 0'],
];

const clone = (s: GvuState) => structuredClone(s);

describe('training settings that cannot train', () => {
  it.each(CASES)('%s', async (_, key, value, problem) => {
    // The shared table: what the Train view shows beside the field.
    expect(settingProblem(key, value)).toBe(problem);
    expect(readSetting(key, value)).toEqual({ value: null, problem });

    // checkGvuConfig, and trainGvu before anything runs: the problem, naming the config key.
    const run = { ...GVU_DEFAULTS, [key]: value } as GvuConfig;
    const refusal = `GvU config: ${problem.replace(/^([^:]+):/, `$1 (${key}):`)}`;
    expect(() => checkGvuConfig(run)).toThrow(expect.objectContaining({ name: 'InputError', message: refusal }));

    const state = freshGvuState(CFG, GVU_DEFAULTS); // an adapter the user already has
    const before = clone(state);
    let sessions = 0;
    let logged = 0;
    await expect(trainGvu(CFG, initWeights(CFG), run, state, TRAIN, {
      createSession: async () => {
        sessions++;
        throw new Error('no session should be built for a refused config');
      },
      log: () => void logged++,
      checkpoint: async () => {},
    })).rejects.toThrow(expect.objectContaining({ name: 'InputError', message: refusal }));
    expect({ sessions, logged }).toEqual({ sessions: 0, logged: 0 });
    expect(state).toEqual(before); // nothing lost: adapter, Adam state and step as they were
  });

  it('bad input: G = 1 and lr = 0 together: both named, one per line', () => {
    expect(() => checkGvuConfig({ ...GVU_DEFAULTS, groupSize: 1, lr: 0 })).toThrow(expect.objectContaining({
      message: `GvU config has 2 problems:\n- group size (groupSize): ${G}; got 1\n- learning rate (lr): ${LR}; got 0`,
    }));
  });

  it('every numeric GvU setting has a rule, and the defaults and edge values pass', () => {
    const numeric = Object.keys(GVU_DEFAULTS).filter((k) => typeof GVU_DEFAULTS[k as keyof GvuConfig] === 'number').sort();
    expect(Object.keys(TRAIN_SETTING_RULES).sort()).toEqual(numeric);
    expect(settingProblems(GVU_DEFAULTS)).toEqual({});
    expect(() => checkGvuConfig(GVU_DEFAULTS)).not.toThrow();
    for (const [key, ok] of [['groupSize', 2], ['lr', 0.01], ['lr', '2e-4'], ['evalEvery', 0], ['checkpointEvery', 1_000_000], ['minP', 0]] as const) {
      expect(readSetting(key, ok), `${key} ${ok}`).toEqual({ value: Number(ok), problem: null });
    }
  });

  it('covers at least twelve distinct bad settings', () => {
    expect(new Set(CASES.map(([name]) => name)).size).toBeGreaterThanOrEqual(12);
  });
});
