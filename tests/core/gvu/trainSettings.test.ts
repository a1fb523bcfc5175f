// The training-settings table as a reader of typed text and numbers: what it accepts (the edges
// included), what counts as an empty field, and the problems it collects. The refusals, in the
// words a person reads, are tests/badInputs/trainSettings.test.ts.
import { describe, expect, it } from 'vitest';
import { readSetting, settingProblem, settingProblems } from '../../../src/core/gvu/trainSettings.ts';

const LR = 'learning rate: must be a number above 0 and at most 0.01 (at 0 nothing is learned; at 0.05 one update wrecks the model)';

describe('readSetting', () => {
  it('reads a typed number, spaces around it allowed, the same as the number itself', () => {
    expect(readSetting('lr', '0.001')).toEqual({ value: 0.001, problem: null });
    expect(readSetting('lr', ' 0.001 ')).toEqual({ value: 0.001, problem: null });
    expect(readSetting('lr', 0.001)).toEqual({ value: 0.001, problem: null });
    expect(readSetting('groupSize', '8')).toEqual({ value: 8, problem: null });
  });

  it('accepts each inclusive edge and refuses each exclusive one', () => {
    expect(readSetting('lr', 0.01).problem).toBeNull(); // at most 0.01
    expect(readSetting('groupSize', 2).problem).toBeNull();
    expect(readSetting('groupSize', 64).problem).toBeNull();
    expect(readSetting('topP', 1).problem).toBeNull(); // (0, 1]
    expect(readSetting('minP', 0).problem).toBeNull(); // [0, 1)
    expect(readSetting('beta', 0).problem).toBeNull();
    expect(readSetting('seed', 2 ** 32 - 1).problem).toBeNull();
    expect(readSetting('evalEvery', 1e9).problem).toBeNull(); // no upper bound
    expect(readSetting('lr', 0.0100001).problem).toBe(`${LR}; got 0.0100001`);
  });

  it('a missing value is an empty field, not 0 or a default; other types are named as given', () => {
    expect(settingProblem('lr', undefined)).toBe(`${LR}; the field is empty`);
    expect(settingProblem('lr', null)).toBe(`${LR}; the field is empty`);
    expect(settingProblem('lr', true)).toBe(`${LR}; got true`);
    expect(settingProblem('lr', [0.001])).toBe(`${LR}; got [0.001]`);
    expect(settingProblem('lr', ' 2 ')).toBe(`${LR}; got 2`);
  });
});

describe('settingProblems', () => {
  it('collects the problem of each setting at fault, keyed by setting, and only the keys asked for', () => {
    const values = { lr: 0, groupSize: 4, steps: 'ten' };
    expect(settingProblems(values, ['lr', 'groupSize', 'steps'])).toEqual({
      lr: `${LR}; got 0`,
      steps: 'steps: must be an integer from 1 to 100000 (each step is one rollout and its updates); got ten',
    });
    expect(settingProblems(values, ['groupSize'])).toEqual({});
    // By default every setting is read: the ones not given are empty fields.
    expect(Object.keys(settingProblems({ lr: 0.001 }))).toContain('groupSize');
    expect(settingProblems({ lr: 0.001 }).lr).toBeUndefined();
  });
});
