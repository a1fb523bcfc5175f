// Bad prompts on the Inspect view: each is refused inline with the exact message a person reads,
// Generate sends nothing, and the group already on screen stays; fixing the prompt clears the
// message. The core's own messages (the worker's last line of defence) reach the page without a
// class name.
import { beforeEach, describe, expect, it } from 'vitest';
import type { GeneratedGroup } from '../../workers/engineApi.ts';
import { AbortError, InputError } from '../../src/core/errors.ts';
import { decode, encode } from '../../src/core/world/textTokenizer.ts';
import { describeError } from '../../src/ui/engine.ts';
import { useStore } from '../../src/ui/store/index.ts';
import { promptProblemOf } from '../../src/ui/store/promptProblem.ts';

const GOOD = 'a photo of a red circle';
const words = (n: number) => Array.from({ length: n }, (_, i) => ['a', 'red', 'circle', 'and'][i % 4]).join(' ');

const BAD_PROMPTS: readonly { name: string; prompt: string; message: string }[] = [
  { name: 'empty', prompt: '', message: 'empty: type a prompt, e.g. "a photo of a red circle"' },
  { name: 'only whitespace', prompt: ' \t\n  ', message: 'empty: type a prompt, e.g. "a photo of a red circle"' },
  { name: 'unknown word', prompt: 'a photo of a red dog', message: 'unknown word "dog" at word 6; the model knows only ShapesWorld words' },
  { name: 'misspelling', prompt: 'a photo of a red circel', message: 'unknown word "circel" at word 6; did you mean "circle"?' },
  { name: 'swapped letters', prompt: 'a photo of a rde circle', message: 'unknown word "rde" at word 5; did you mean "red"?' },
  { name: 'too long (30 words)', prompt: words(30), message: 'too long: 30 words, at most 18' },
  { name: 'too long (the issue\'s 502 words)', prompt: words(502), message: 'too long: 502 words, at most 18' },
  { name: 'too long by one', prompt: words(19), message: 'too long: 19 words, at most 18' },
  { name: 'trailing full stop', prompt: 'a photo of a red circle.', message: 'unknown word "circle." at word 6; leave out punctuation: "circle"' },
  { name: 'hyphenated words', prompt: 'a photo of a red-circle', message: 'unknown word "red-circle" at word 5; leave out punctuation: "red circle"' },
  { name: 'digit for a count', prompt: 'a photo of 2 red circles', message: 'unknown word "2" at word 4; write numbers as words: "two"' },
  { name: 'digit one', prompt: 'a photo of 1 red circle', message: 'unknown word "1" at word 4; write one thing with "a": "a circle"' },
  { name: 'count past the grid', prompt: 'a photo of 20 red circles', message: 'unknown word "20" at word 4; write numbers as words, two to sixteen' },
  { name: 'non-Latin text', prompt: 'фото красного круга', message: 'unknown word "фото" at word 1; the model knows only English ShapesWorld words' },
  { name: 'emoji', prompt: 'a photo of a 🔴', message: 'unknown word "🔴" at word 5; the model knows only English ShapesWorld words' },
  { name: 'typed special token', prompt: '<img> a red circle', message: '"<img>" at word 1 is a special token, not a word; leave it out' },
  { name: 'typed end token', prompt: 'a photo of a red circle <eos>', message: '"<eos>" at word 7 is a special token, not a word; leave it out' },
  { name: 'a pasted run-on word', prompt: 'z'.repeat(400), message: 'unknown word "zzzzzzzzzzzzzzzzzzzz…" at word 1; the model knows only ShapesWorld words' },
];

// A finished group, as the engine returns it: what must survive every refused Generate.
const FINISHED: GeneratedGroup = {
  prompt: GOOD, tag: 'single_object', specSource: 'shipped', noSpecReason: null, seeds: [1, 2], imageNames: null,
  images: [new Uint8Array(48 * 48 * 4), new Uint8Array(48 * 48 * 4)], verdicts: [null, null],
  scores: [0.4, 0.6].map((reward) => ({ reward, tokens: [], lowest: { word: 'red', p: reward } })),
  timings: { sampleMs: 1, scoreMs: 1, judgeMs: 0 },
};

describe('bad prompts', () => {
  beforeEach(() => {
    useStore.setState({ group: FINISHED, scores: FINISHED.scores, advantages: [-1, 1], inspectError: null, promptProblem: null, generating: false });
    useStore.getState().setInspect({ prompt: GOOD });
  });

  it.each(BAD_PROMPTS.map((c) => [c.name, c] as const))('bad input: %s', async (_, { prompt, message }) => {
    expect(promptProblemOf(prompt)).toBe(message);
    const s = useStore.getState();
    s.setInspect({ prompt });
    expect(useStore.getState().promptProblem).toBe(message); // inline, before any Generate
    await s.generate();
    const after = useStore.getState();
    expect(after.promptProblem).toBe(message);
    expect(after.generating).toBe(false);
    expect(after.inspectError).toBeNull(); // refused here, never sent to the engine
    expect(after.group).toBe(FINISHED); // the finished group stays on screen
    expect(after.scores).toBe(FINISHED.scores);
    after.setInspect({ prompt: GOOD });
    expect(useStore.getState().promptProblem).toBeNull();
  });

  it('bad input: too long for a model with a shorter text window', () => {
    expect(promptProblemOf(GOOD, 5)).toBe('too long: 6 words, at most 5');
  });

  it('an engine error about the prompt clears when the prompt is fixed', () => {
    useStore.setState({ inspectError: 'unknown word "dog" at position 5 (0-based) in "a photo of a red dog"' });
    useStore.getState().setInspect({ prompt: 'a photo of a red square' });
    expect(useStore.getState().inspectError).toBeNull();
    expect(useStore.getState().group).toBe(FINISHED);
  });

  it('every shipped example and upper case are accepted', () => {
    for (const p of [GOOD, 'A Photo Of Two Blue Squares', 'a photo of a green triangle left of a yellow circle', words(18)]) {
      expect(promptProblemOf(p)).toBeNull();
    }
  });
});

describe('core messages reach the page without a class name', () => {
  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (err) {
      return err;
    }
    throw new Error('expected a throw');
  };

  const CORE = [
    {
      name: 'tokenizer: unknown word',
      err: () => thrown(() => encode('a photo of a red dog')),
      first: 'unknown word "dog" at position 5 (0-based) in "a photo of a red dog"; the vocabulary is:',
    },
    { name: 'tokenizer: id outside the vocabulary', err: () => thrown(() => decode([999])), first: 'decode: id 999 at position 0 is outside the vocabulary (0..45)' },
    { name: 'sampler: prompt length', err: () => new InputError('prompt 0 has 502 tokens; the model takes 1 to 20'), first: 'prompt 0 has 502 tokens; the model takes 1 to 20' },
    { name: 'cancelled job', err: () => new AbortError('sampling aborted after 12 of 64 image tokens'), first: 'sampling aborted after 12 of 64 image tokens' },
  ];
  it.each(CORE.map((c) => [c.name, c] as const))('bad input: %s', (_, { err, first }) => {
    const e = err();
    expect(e).toBeInstanceOf(Error);
    const text = describeError(e);
    expect(text.split('\n')[0]).toBe(first);
    expect(text).not.toMatch(/^\w*Error:/);
  });

  it('engine failures keep a short prefix, bugs their class name', () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    expect(describeError(named('WorkerError', 'the engine worker failed: boom'))).toBe('Worker failure: the engine worker failed: boom');
    expect(describeError(named('DeviceLostError', 'the WebGPU device was lost'))).toBe('GPU device lost: the WebGPU device was lost');
    expect(describeError(new Error('WebGPU: device lost (reason: destroyed)'))).toBe('Engine failure: WebGPU: device lost (reason: destroyed)');
    expect(describeError(new TypeError('x is undefined'))).toBe('Internal error (TypeError): x is undefined');
    expect(describeError('a string')).toBe('a string');
  });
});
