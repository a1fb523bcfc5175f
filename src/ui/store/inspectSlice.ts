// Inspect: one prompt, a group of G images, their rewards, verdicts, per-word heat strips and
// occlusion heatmaps. Reward settings change the scores without sampling again.
import type { GeneratedGroup, ImageScore, RewardVariant, Teacher, WordHeat } from '../../../workers/engineApi.ts';
import { UnknownWordError, encode } from '../../core/world/textTokenizer.ts';
import { callEngine, proxy } from '../engine.ts';
import type { Slice } from './types.ts';
import { numberParam, readUrl, writeUrl } from './url.ts';
import { groupAdvantages } from '../../core/gvu/reward.ts';

export interface InspectSettings {
  readonly prompt: string;
  readonly groupSize: number;
  readonly seed: number;
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly minP: number;
  readonly cfgScale: number;
}

export interface RewardChoice {
  readonly variant: RewardVariant;
  readonly includeEos: boolean;
  readonly teacher: Teacher;
}

export interface HeatSelection {
  readonly member: number;
  readonly wordIndex: number; // index into the heat maps (prompt words, then <eos>)
}

export interface InspectSlice {
  readonly inspect: InspectSettings;
  readonly reward: RewardChoice;
  readonly promptProblem: string | null;
  readonly group: GeneratedGroup | null;
  readonly scores: readonly ImageScore[] | null;
  readonly advantages: readonly number[] | null;
  readonly generating: boolean;
  readonly progress: number; // 0..1 of image tokens
  readonly inspectError: string | null;
  readonly heat: HeatSelection | null;
  readonly heatMaps: Readonly<Record<number, readonly WordHeat[]>>; // per member
  readonly heatLoading: boolean;
  readonly overlayOn: boolean;
  readonly overlayOpacity: number;

  setInspect(patch: Partial<InspectSettings>): void;
  generate(): Promise<void>;
  setReward(patch: Partial<RewardChoice>): Promise<void>;
  selectWord(member: number, wordIndex: number): Promise<void>;
  setOverlay(patch: { on?: boolean; opacity?: number }): void;
}

/** The tokenizer's verdict on a prompt, for an inline message: null when every word is known. */
export function promptProblemOf(prompt: string): string | null {
  if (prompt.trim() === '') return 'Type a prompt, e.g. "a photo of a red circle".';
  try {
    encode(prompt);
    return null;
  } catch (err) {
    if (err instanceof UnknownWordError) return `Unknown word "${err.word}" (word ${err.position + 1}): the model only knows the ShapesWorld vocabulary (see the suggestions).`;
    return err instanceof Error ? err.message : String(err);
  }
}

/** GRPO group advantages of one group (the core's groupAdvantages: population std, eps 1e-4). */
export const advantagesOf = (rewards: readonly number[]): number[] => Array.from(groupAdvantages(rewards, rewards.length));

const initial = (): InspectSettings => ({
  prompt: readUrl().get('prompt') ?? 'a photo of a red circle',
  groupSize: numberParam('g', 4, 1, 16),
  seed: numberParam('seed', 1, 0, 2 ** 32 - 1),
  temperature: numberParam('t', 1, 0, 10),
  topK: numberParam('topk', 0, 0, 1000),
  topP: numberParam('topp', 1, 0, 1),
  minP: numberParam('minp', 0.03, 0, 1),
  cfgScale: numberParam('cfg', 1, 0, 20),
});

export const createInspectSlice: Slice<InspectSlice> = (set, get) => ({
  inspect: initial(),
  reward: { variant: 'geomean', includeEos: false, teacher: 'frozen' },
  promptProblem: null,
  group: null,
  scores: null,
  advantages: null,
  generating: false,
  progress: 0,
  inspectError: null,
  heat: null,
  heatMaps: {},
  heatLoading: false,
  overlayOn: true,
  overlayOpacity: 0.65,

  setInspect(patch) {
    const inspect = { ...get().inspect, ...patch };
    set({ inspect, ...(patch.prompt !== undefined ? { promptProblem: promptProblemOf(patch.prompt) } : {}) });
  },

  async generate() {
    const { inspect, reward } = get();
    const problem = promptProblemOf(inspect.prompt);
    set({ promptProblem: problem });
    if (problem || get().generating) return;
    writeUrl({
      view: 'inspect', prompt: inspect.prompt, seed: inspect.seed, g: inspect.groupSize,
      t: inspect.temperature, topk: inspect.topK, topp: inspect.topP, minp: inspect.minP, cfg: inspect.cfgScale,
    });
    set({ generating: true, progress: 0, inspectError: null });
    try {
      const onProgress = proxy((done: number, total: number) => set({ progress: done / total }));
      const group = await callEngine((e) => e.generate({ ...inspect, reward }, onProgress));
      const rewards = group.scores.map((s) => s.reward);
      set({ group, scores: group.scores, advantages: advantagesOf(rewards), heat: null, heatMaps: {} });
      void get().refreshTimings();
    } catch (err) {
      set({ inspectError: get().engineError(err) });
    } finally {
      set({ generating: false });
    }
  },

  async setReward(patch) {
    const reward = { ...get().reward, ...patch };
    const teacherChanged = patch.teacher !== undefined && patch.teacher !== get().reward.teacher;
    set({ reward, ...(teacherChanged ? { heatMaps: {}, heat: null } : {}) });
    const group = get().group;
    if (!group) return;
    try {
      const scores = await callEngine((e) => e.rescore(group.prompt, group.images, reward));
      set({ scores, advantages: advantagesOf(scores.map((s) => s.reward)), inspectError: null });
    } catch (err) {
      set({ inspectError: get().engineError(err) });
    }
  },

  async selectWord(member, wordIndex) {
    const { group, heatMaps, heat, reward } = get();
    if (!group) return;
    if (heat && heat.member === member && heat.wordIndex === wordIndex) {
      set({ heat: null });
      return;
    }
    set({ heat: { member, wordIndex }, overlayOn: true });
    if (heatMaps[member]) return;
    set({ heatLoading: true });
    try {
      const maps = await callEngine((e) => e.heatmaps(group.prompt, group.images[member], reward.teacher));
      set((s) => ({ heatMaps: { ...s.heatMaps, [member]: maps } }));
    } catch (err) {
      set({ inspectError: get().engineError(err), heat: null });
    } finally {
      set({ heatLoading: false });
    }
  },

  setOverlay({ on, opacity }) {
    set((s) => ({ overlayOn: on ?? s.overlayOn, overlayOpacity: opacity ?? s.overlayOpacity }));
  },
});
