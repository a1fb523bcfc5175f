// Bad numbers typed into the Inspect fields: each is named inline with its range, Generate sends
// nothing, the group on screen stays, and putting a good value back clears the message.
import { beforeEach, describe, expect, it } from 'vitest';
import type { GeneratedGroup } from '../../workers/engineApi.ts';
import { DEFAULT_SETTINGS, type NumberSetting } from '../../src/ui/store/inspectRules.ts';
import { useStore } from '../../src/ui/store/index.ts';

const FINISHED: GeneratedGroup = {
  prompt: DEFAULT_SETTINGS.prompt, tag: 'single_object', specSource: 'shipped', noSpecReason: null, seeds: [1], imageNames: null,
  images: [new Uint8Array(48 * 48 * 4)], verdicts: [null],
  scores: [{ reward: 0.5, tokens: [], lowest: { word: 'red', p: 0.5 } }], timings: { sampleMs: 1, scoreMs: 1, judgeMs: 0 },
};

// NaN is what an emptied or half-typed number field gives (see NumberField).
const BAD_FIELDS: readonly { name: string; setting: NumberSetting; value: number; message: string }[] = [
  { name: 'G = 0', setting: 'groupSize', value: 0, message: 'group size must be a whole number from 1 to 16' },
  { name: 'G = 100', setting: 'groupSize', value: 100, message: 'group size must be a whole number from 1 to 16' },
  { name: 'G emptied', setting: 'groupSize', value: NaN, message: 'group size must be a whole number from 1 to 16' },
  { name: 'seed = -1', setting: 'seed', value: -1, message: 'seed must be a whole number from 0 to 4294967295' },
  { name: 'temperature = -0.5', setting: 'temperature', value: -0.5, message: 'temperature must be a number from 0 to 10 (0 = greedy)' },
  { name: 'top-k = 2.5', setting: 'topK', value: 2.5, message: 'top-k must be a whole number from 0 to 37 (0 = off)' },
  { name: 'top-p = 0', setting: 'topP', value: 0, message: 'top-p must be a number above 0 and at most 1 (1 = off)' },
  { name: 'min-p = 1', setting: 'minP', value: 1, message: 'min-p must be a number at least 0 and below 1 (0 = off)' },
  { name: 'CFG = 1e6', setting: 'cfgScale', value: 1e6, message: 'CFG scale must be a number from 0 to 20 (1 = no guidance)' },
];

describe('bad Inspect fields', () => {
  beforeEach(() => {
    useStore.setState({ group: FINISHED, scores: FINISHED.scores, advantages: [0], inspectError: null, generating: false });
    useStore.getState().setInspect(DEFAULT_SETTINGS);
  });

  it.each(BAD_FIELDS.map((c) => [c.name, c] as const))('bad input: %s', async (_, { setting, value, message }) => {
    const s = useStore.getState();
    s.setInspect({ [setting]: value });
    expect(useStore.getState().settingProblems).toEqual({ [setting]: message });
    await s.generate();
    const after = useStore.getState();
    expect(after.settingProblems).toEqual({ [setting]: message });
    expect(after.inspectError).toBeNull(); // refused here, never sent to the engine
    expect(after.generating).toBe(false);
    expect(after.group).toBe(FINISHED);
    after.setInspect({ [setting]: DEFAULT_SETTINGS[setting] });
    expect(useStore.getState().settingProblems).toEqual({});
  });
});
