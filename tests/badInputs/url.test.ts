// Bad values in a shared link, through the pure link reader: each is named in a notice with what
// was used instead, the URL fix writes only what is used, and the link's good values are kept.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/ui/store/inspectRules.ts';
import { formatNotice, formatPending, readLink } from '../../src/ui/store/link.ts';

const read = (query: string) => readLink(new URLSearchParams(query));

// Each link carries one bad value and one good one (`keep`), which must survive.
const BAD_LINKS: readonly { name: string; query: string; notice: string; fix: Record<string, string | null>; keep: Record<string, unknown> }[] = [
  { name: 'g=100', query: 'g=100&seed=9', notice: 'Link value ignored: g=100 (group size must be a whole number from 1 to 16), used 4', fix: { g: '4' }, keep: { seed: 9, groupSize: 4 } },
  { name: 'g=0', query: 'g=0&seed=9', notice: 'Link value ignored: g=0 (group size must be a whole number from 1 to 16), used 4', fix: { g: '4' }, keep: { seed: 9, groupSize: 4 } },
  { name: 'g=abc', query: 'g=abc&seed=9', notice: 'Link value ignored: g=abc (group size must be a whole number from 1 to 16), used 4', fix: { g: '4' }, keep: { seed: 9 } },
  { name: 'g=2.5', query: 'g=2.5&seed=9', notice: 'Link value ignored: g=2.5 (group size must be a whole number from 1 to 16), used 4', fix: { g: '4' }, keep: { seed: 9 } },
  { name: 'g empty', query: 'g=&seed=9', notice: 'Link value ignored: g="" (group size must be a whole number from 1 to 16), used 4', fix: { g: '4' }, keep: { seed: 9 } },
  { name: 'seed=-1', query: 'seed=-1&g=3', notice: 'Link value ignored: seed=-1 (seed must be a whole number from 0 to 4294967295), used 1', fix: { seed: '1' }, keep: { groupSize: 3, seed: 1 } },
  { name: 'seed=1.5', query: 'seed=1.5&g=3', notice: 'Link value ignored: seed=1.5 (seed must be a whole number from 0 to 4294967295), used 1', fix: { seed: '1' }, keep: { groupSize: 3 } },
  { name: 'seed=2^32', query: 'seed=4294967296&g=3', notice: 'Link value ignored: seed=4294967296 (seed must be a whole number from 0 to 4294967295), used 1', fix: { seed: '1' }, keep: { groupSize: 3 } },
  { name: 'seed=0x10 (hex, which Number() would read as 16)', query: 'seed=0x10&g=3', notice: 'Link value ignored: seed=0x10 (seed must be a whole number from 0 to 4294967295), used 1', fix: { seed: '1' }, keep: { groupSize: 3 } },
  { name: 'cfg=1e6', query: 'cfg=1e6&g=3', notice: 'Link value ignored: cfg=1e6 (CFG scale must be a number from 0 to 20 (1 = no guidance)), used 1', fix: { cfg: '1' }, keep: { groupSize: 3, cfgScale: 1 } },
  { name: 't=-1', query: 't=-1&g=3', notice: 'Link value ignored: t=-1 (temperature must be a number from 0 to 10 (0 = greedy)), used 1', fix: { t: '1' }, keep: { groupSize: 3, temperature: 1 } },
  { name: 't=Infinity', query: 't=Infinity&g=3', notice: 'Link value ignored: t=Infinity (temperature must be a number from 0 to 10 (0 = greedy)), used 1', fix: { t: '1' }, keep: { groupSize: 3 } },
  { name: 'topk=-3', query: 'topk=-3&g=3', notice: 'Link value ignored: topk=-3 (top-k must be a whole number from 0 to 37 (0 = off)), used 0', fix: { topk: '0' }, keep: { groupSize: 3, topK: 0 } },
  { name: 'topk=100', query: 'topk=100&g=3', notice: 'Link value ignored: topk=100 (top-k must be a whole number from 0 to 37 (0 = off)), used 0', fix: { topk: '0' }, keep: { groupSize: 3 } },
  { name: 'topp=2', query: 'topp=2&g=3', notice: 'Link value ignored: topp=2 (top-p must be a number above 0 and at most 1 (1 = off)), used 1', fix: { topp: '1' }, keep: { groupSize: 3, topP: 1 } },
  { name: 'topp=0', query: 'topp=0&g=3', notice: 'Link value ignored: topp=0 (top-p must be a number above 0 and at most 1 (1 = off)), used 1', fix: { topp: '1' }, keep: { groupSize: 3 } },
  { name: 'minp=NaN', query: 'minp=NaN&g=3', notice: 'Link value ignored: minp=NaN (min-p must be a number at least 0 and below 1 (0 = off)), used 0.03', fix: { minp: '0.03' }, keep: { groupSize: 3, minP: 0.03 } },
  { name: 'minp=1', query: 'minp=1&g=3', notice: 'Link value ignored: minp=1 (min-p must be a number at least 0 and below 1 (0 = off)), used 0.03', fix: { minp: '0.03' }, keep: { groupSize: 3 } },
  { name: 'view=bogus', query: 'view=bogus&g=3', notice: 'Link value ignored: view=bogus (there is no view "bogus"; the views are inspect, train, batch, model), used inspect', fix: { view: null }, keep: { groupSize: 3 } },
  { name: 'reward=best', query: 'reward=best&g=3', notice: 'Link value ignored: reward=best (the reward variant must be one of geomean, mean_p, min_p, content_words), used geomean', fix: { reward: null }, keep: { groupSize: 3 } },
  { name: 'eos=yes', query: 'eos=yes&g=3', notice: 'Link value ignored: eos=yes (eos (count the end token in the reward) must be one of 0, 1), used 0', fix: { eos: null }, keep: { groupSize: 3 } },
  { name: 'teacher=judge', query: 'teacher=judge&g=3', notice: 'Link value ignored: teacher=judge (the teacher must be one of frozen, policy), used frozen', fix: { teacher: null }, keep: { groupSize: 3 } },
  { name: 'backend=bogus', query: 'backend=bogus&g=3', notice: 'Link value ignored: backend=bogus (backend must be wasm, webgpu or auto), used auto', fix: { backend: null }, keep: { groupSize: 3 } },
  {
    name: 'prompt with an unknown word', query: 'prompt=a+photo+of+a+red+dog&g=3',
    notice: 'Link value ignored: prompt="a photo of a red dog" (unknown word "dog" at word 6; the model knows only ShapesWorld words), used "a photo of a red circle"',
    fix: { prompt: 'a photo of a red circle' }, keep: { groupSize: 3, prompt: 'a photo of a red circle' },
  },
  {
    name: 'prompt too long', query: `prompt=${'a+red+circle+'.repeat(10)}&g=3`,
    notice: 'Link value ignored: prompt="a red circle a red circle a red circle a red …" (too long: 30 words, at most 18), used "a photo of a red circle"',
    fix: { prompt: 'a photo of a red circle' }, keep: { groupSize: 3 },
  },
  {
    name: 'empty prompt', query: 'prompt=&g=3',
    notice: 'Link value ignored: prompt="" (empty: type a prompt, e.g. "a photo of a red circle"), used "a photo of a red circle"',
    fix: { prompt: 'a photo of a red circle' }, keep: { groupSize: 3 },
  },
];

describe('bad link values', () => {
  it.each(BAD_LINKS.map((c) => [c.name, c] as const))('bad input: %s', (_, { query, notice, fix, keep }) => {
    const r = read(query);
    expect(r.notices.map(formatNotice)).toEqual([notice]);
    expect(r.fixes).toEqual(fix);
    expect(r.inspect).toMatchObject(keep);
    // what is used is itself allowed: a second reading of the fixed URL has nothing to say
    const fixed = new URLSearchParams(query);
    for (const [k, v] of Object.entries(fix)) {
      if (v === null) fixed.delete(k);
      else fixed.set(k, v);
    }
    expect(read(fixed.toString()).notices).toEqual([]);
  });

  it('bad input: several bad values in one link are each named', () => {
    const r = read('view=inspect&g=100&seed=-1&prompt=a+photo+of+two+squares');
    expect(r.notices.map((n) => [n.key, n.given, n.used])).toEqual([['g', '100', '4'], ['seed', '-1', '1']]);
    expect(r.fixes).toEqual({ g: '4', seed: '1' });
    expect(r.view).toBe('inspect');
    expect(r.inspect).toEqual({ ...DEFAULT_SETTINGS, prompt: 'a photo of two squares' });
  });

  it('a good link is read as written, with no notice and nothing to fix', () => {
    const r = read('view=batch&backend=webgpu&prompt=a+photo+of+two+squares&seed=9&g=3&t=0.7&topk=5&topp=0.9&minp=0.1&cfg=2&reward=min_p&eos=1&teacher=policy');
    expect(r.notices).toEqual([]);
    expect(r.fixes).toEqual({});
    expect(r).toMatchObject({ view: 'batch', backend: 'webgpu', reward: { variant: 'min_p', includeEos: true, teacher: 'policy' } });
    expect(r.inspect).toEqual({ prompt: 'a photo of two squares', seed: 9, groupSize: 3, temperature: 0.7, topK: 5, topP: 0.9, minP: 0.1, cfgScale: 2 });
  });

  it('no link: the defaults', () => {
    expect(read('')).toEqual({
      view: 'inspect', backend: 'auto', inspect: DEFAULT_SETTINGS, reward: { variant: 'geomean', includeEos: false, teacher: 'frozen' },
      notices: [], pending: [], regenerate: false, fixes: {},
    });
  });
});

describe('a link that names a model', () => {
  const M = 'onnx-community/Janus-Pro-1B-ONNX';
  it('keeps top-k above the tiny model\'s 37 and a free-text prompt waiting for that model, unused and left in the URL', () => {
    const r = read(`model=${M}&topk=4096&prompt=a+photo+of+a+red+dog&seed=3&g=2`);
    expect(r.notices).toEqual([]);
    expect(r.fixes).toEqual({});
    expect(r.pending).toEqual([
      { setting: 'prompt', key: 'prompt', given: 'a photo of a red dog', model: M, used: 'a photo of a red circle' },
      { setting: 'topK', key: 'topk', given: '4096', model: M, used: '0' },
    ]);
    expect(r.inspect).toMatchObject({ topK: 0, prompt: 'a photo of a red circle', seed: 3, groupSize: 2 });
    expect(r.regenerate, 'the group is not sampled by the tiny model in the meantime').toBe(false);
    expect(r.pending.map(formatPending)).toEqual([
      `Link value waits for its model: prompt="a photo of a red dog" is checked once ${M} is open (the tiny model knows only ShapesWorld words), "a photo of a red circle" until then`,
      `Link value waits for its model: topk=4096 is checked once ${M} is open (the tiny model's top-k stops at 37), 0 until then`,
    ]);
  });

  it('bad input: a value no model allows is still refused at once, and a top-k the tiny model allows is used at once', () => {
    const r = read(`model=${M}&topk=-3&prompt=&g=2`);
    expect(r.pending).toEqual([]);
    expect(r.notices.map((n) => n.key)).toEqual(['prompt', 'topk']);
    expect(read(`model=${M}&topk=12`)).toMatchObject({ pending: [], notices: [], inspect: { topK: 12 } });
    expect(read(`model=${M}&topk=1.5`).notices.map(formatNotice)).toEqual(['Link value ignored: topk=1.5 (top-k must be a whole number from 0 to 37 (0 = off)), used 0']);
  });

  it('without a model in the link, top-k above 37 is refused against the tiny model as before', () => {
    expect(read('topk=4096').notices.map((n) => n.key)).toEqual(['topk']);
    expect(read('topk=4096').pending).toEqual([]);
  });
});
