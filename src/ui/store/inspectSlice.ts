// Inspect: one prompt, a group of G images, their rewards, verdicts, per-word heat strips and
// occlusion heatmaps. Reward settings change the scores without sampling again.
// Settings are checked as they change (prompt words and length, each number's range): a problem
// shows inline and disables Generate, and only accepted values are written to the URL.
import type { GeneratedGroup, ImageScore, WordHeat } from '../../../workers/engineApi.ts';
import { BACKGROUND, IMAGE_SIZE } from '../../core/world/index.ts';
import { callEngine, cancelJob, proxy } from '../engine.ts';
import { imageFileToRgb } from '../images/imageFileToRgb.ts';
import { imageFileAsIs } from '../images/imageFileAsIs.ts';
import { type InspectSettings, NUMBER_RULES, NUMBER_SETTINGS, type NumberRule, type NumberSetting, numberProblem, numberProblems, rulesForFamily } from './inspectRules.ts';
import { type LinkNotice, type PendingLinkValue, type RewardChoice, rewardParams } from './link.ts';
import { maxPromptWords, promptProblemOf } from './promptProblem.ts';
import type { Slice } from './types.ts';
import { initialLink, readUrl, writeUrl } from './url.ts';
import { groupAdvantages } from '../../core/gvu/reward.ts';

export type { InspectSettings };
export { promptProblemOf };

export type { RewardChoice };

export interface HeatSelection {
  readonly member: number;
  readonly wordIndex: number; // index into the heat maps (prompt words, then <eos>)
}

export interface InspectSlice {
  readonly inspect: InspectSettings;
  readonly reward: RewardChoice;
  readonly promptProblem: string | null;
  /** Numeric settings outside their range, by setting (see inspectRules.ts). */
  readonly settingProblems: Partial<Record<NumberSetting, string>>;
  /** Values of the opening link that could not be used; shown once until dismissed. */
  readonly linkNotices: readonly LinkNotice[];
  /** Values of the opening link checked once the model it names is open (link.ts PendingLinkValue). */
  readonly linkPending: readonly PendingLinkValue[];
  readonly group: GeneratedGroup | null;
  readonly scores: readonly ImageScore[] | null;
  readonly advantages: readonly number[] | null;
  readonly generating: boolean;
  readonly progress: number; // 0..1 of image tokens
  readonly inspectError: string | null;
  /** Not an error: e.g. the last generation was cancelled (the previous group stays). */
  readonly inspectNotice: string | null;
  /** The group on screen was sampled again from the link the page was opened with (regenerateFromLink). */
  readonly groupFromLink: boolean;
  readonly heat: HeatSelection | null;
  readonly heatMaps: Readonly<Record<number, readonly WordHeat[]>>; // per member
  readonly heatLoading: boolean;
  readonly heatProgress: number; // 0..1 of the occlusion passes
  /** An opened family's occluded block side in image tokens; null: the engine's default (at most 6 x 6 blocks). */
  readonly heatBlock: number | null;
  readonly overlayOn: boolean;
  readonly overlayOpacity: number;

  setInspect(patch: Partial<InspectSettings>): void;
  /** A model family was opened: use the link's waiting values it allows, name the ones it refuses. */
  applyPendingLink(): void;
  /** origin 'link': the group the opening link names (shown as such). */
  generate(origin?: 'link'): Promise<void>;
  /**
   * Once the model is ready: sample the group a shared link names (its prompt, seed and settings),
   * once per page. A link naming another model only says how to get it: opening a real model is a
   * download the user asks for.
   */
  regenerateFromLink(): Promise<void>;
  cancelGenerate(): void;
  /** Score the user's own images (PNG/JPEG/WebP) against the prompt, as a group without sampling. */
  scoreImageFiles(files: readonly File[]): Promise<void>;
  setReward(patch: Partial<RewardChoice>): Promise<void>;
  selectWord(member: number, wordIndex: number): Promise<void>;
  /** A new block size drops the maps made with the old one; the selected word's map is made again. */
  setHeatBlock(block: number | null): Promise<void>;
  setOverlay(patch: { on?: boolean; opacity?: number }): void;
  dismissLinkNotices(): void;
}

/** GRPO group advantages of one group (the core's groupAdvantages: population std, eps 1e-4). */
export const advantagesOf = (rewards: readonly number[]): number[] => Array.from(groupAdvantages(rewards, rewards.length));

/** URL params for the settings in patch that are allowed; a rejected value keeps the last good one. */
function urlParamsOf(patch: Partial<InspectSettings>, maxWords: number | undefined, rules: Readonly<Record<NumberSetting, NumberRule>>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (patch.prompt !== undefined && promptProblemOf(patch.prompt, maxWords) === null) out.prompt = patch.prompt;
  for (const k of NUMBER_SETTINGS) {
    const v = patch[k];
    if (v !== undefined && numberProblem(k, v, rules) === null) out[NUMBER_RULES[k].key] = v;
  }
  return out;
}

export const createInspectSlice: Slice<InspectSlice> = (set, get) => {
  let linkRegenerated = false;
  const maxWords = () => (get().model ? maxPromptWords(get().model!.config) : undefined);
  // An opened family with a BPE tokenizer reads any text; the tiny model only ShapesWorld words.
  const family = () => get().model?.family ?? null;
  // An opened family's top-k reaches its own image vocabulary.
  const rules = () => (family() ? rulesForFamily(family()!.capabilities.imageVocab) : NUMBER_RULES);
  const problemOf = (prompt: string) => (family()?.capabilities.freeText
    ? (prompt.trim() ? null : 'empty: type what the image should show')
    : promptProblemOf(prompt, maxWords()));
  return {
    inspect: initialLink().inspect,
    reward: initialLink().reward,
    promptProblem: null, // the link's prompt was checked by readLink
    settingProblems: {},
    linkNotices: initialLink().notices,
    linkPending: initialLink().pending,
    group: null,
    scores: null,
    advantages: null,
    generating: false,
    progress: 0,
    inspectError: null,
    inspectNotice: null,
    groupFromLink: false,
    heat: null,
    heatMaps: {},
    heatLoading: false,
    heatProgress: 0,
    heatBlock: null,
    overlayOn: true,
    overlayOpacity: 0.65,

    setInspect(patch) {
      const inspect = { ...get().inspect, ...patch };
      // A changed setting may be the fix for the last error, so that error no longer stands.
      set({ inspect, promptProblem: problemOf(inspect.prompt), settingProblems: numberProblems(inspect, rules()), inspectError: null });
      writeUrl(urlParamsOf(patch, maxWords(), rules()));
    },

    applyPendingLink() {
      const f = family();
      const pending = get().linkPending;
      if (!f || pending.length === 0) return;
      const patch: Partial<InspectSettings> = {};
      const refused: LinkNotice[] = [];
      for (const p of pending) {
        const problem = p.setting === 'prompt' ? problemOf(p.given) : numberProblem('topK', Number(p.given), rules());
        if (problem === null) Object.assign(patch, { [p.setting]: p.setting === 'prompt' ? p.given : Number(p.given) });
        else refused.push({ key: p.key, given: p.given, used: p.used, reason: `${problem} with ${f.label}` });
      }
      set((s) => ({ linkPending: [], linkNotices: [...s.linkNotices, ...refused] }));
      get().setInspect(patch);
      if (refused.length > 0) writeUrl(Object.fromEntries(refused.map((n) => [n.key, n.used])));
    },

    async generate(origin) {
      const { inspect, reward } = get();
      const promptProblem = problemOf(inspect.prompt);
      const settingProblems = numberProblems(inspect, rules());
      set({ promptProblem, settingProblems });
      // Nothing is sent, and nothing shown is cleared, while a setting is refused.
      if (promptProblem || Object.keys(settingProblems).length > 0 || get().generating) return;
      writeUrl({
        view: 'inspect', prompt: inspect.prompt, seed: inspect.seed, g: inspect.groupSize,
        t: inspect.temperature, topk: inspect.topK, topp: inspect.topP, minp: inspect.minP, cfg: inspect.cfgScale,
        ...rewardParams(reward),
      });
      set({ generating: true, progress: 0, inspectError: null, inspectNotice: null });
      try {
        const onProgress = proxy((done: number, total: number) => set({ progress: done / total }));
        const group = await callEngine((e) => e.generate({ ...inspect, reward }, onProgress));
        const rewards = group.scores.map((s) => s.reward);
        set({ group, scores: group.scores, advantages: advantagesOf(rewards), heat: null, heatMaps: {}, groupFromLink: origin === 'link' });
        void get().refreshTimings();
        // A family's graph may have moved backend during the run (graphFallback.ts): the Model view says so.
        if (family()) void callEngine((e) => e.modelInfo()).then((model) => set({ model }), () => {});
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') {
          set({ inspectNotice: `Cancelled at ${Math.round(get().progress * 100)}% of the image tokens${get().group ? '; the previous group is kept' : ''}.` });
        } else set({ inspectError: get().engineError(err) });
      } finally {
        set({ generating: false });
      }
    },

    async regenerateFromLink() {
      if (linkRegenerated || !initialLink().regenerate) return;
      linkRegenerated = true;
      const linkedModel = readUrl().get('model');
      if (linkedModel) {
        set({ inspectNotice: `This link names a group made with ${linkedModel}: open that model on Model & device (it asks before downloading anything), then press Generate for the same seeds.` });
        return;
      }
      if (get().model && !get().model!.family) await get().generate('link');
    },

    cancelGenerate() {
      if (get().generating) cancelJob();
    },

    async scoreImageFiles(files) {
      const { inspect, reward } = get();
      const promptProblem = problemOf(inspect.prompt);
      set({ promptProblem, inspectError: null, inspectNotice: null });
      if (promptProblem || files.length === 0 || get().generating) return;
      set({ generating: true, progress: 0 });
      try {
        const names = files.map((f) => f.name);
        // An opened family preprocesses images itself: they go at their own size.
        const group = family()
          ? await Promise.all(files.map(imageFileAsIs)).then((ims) => callEngine((e) => e.inspectImages(inspect.prompt, ims.map((x) => x.data), names, reward, ims.map(({ width, height }) => ({ width, height })))))
          : await Promise.all(files.map((f) => imageFileToRgb(f, IMAGE_SIZE, BACKGROUND))).then((ims) => callEngine((e) => e.inspectImages(inspect.prompt, ims, names, reward)));
        set({ group, scores: group.scores, advantages: advantagesOf(group.scores.map((s) => s.reward)), heat: null, heatMaps: {}, groupFromLink: false });
      } catch (err) {
        set({ inspectError: get().engineError(err) }); // the group on screen stays
      } finally {
        set({ generating: false });
      }
    },

    async setReward(patch) {
      const reward = { ...get().reward, ...patch };
      const teacherChanged = patch.teacher !== undefined && patch.teacher !== get().reward.teacher;
      set({ reward, ...(teacherChanged ? { heatMaps: {}, heat: null } : {}) });
      writeUrl(rewardParams(reward));
      const group = get().group;
      if (!group) return;
      try {
        const scores = await callEngine((e) => e.rescore(group.prompt, group.images, reward, group.sizes));
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
      const f = family();
      if (f && !f.capabilities.occlusionMaps) {
        set({ inspectNotice: `Heatmaps are not available for ${f.label}: this model family does not offer occlusion maps. The heat strip's p per word stands.` });
        return;
      }
      set({ heat: { member, wordIndex }, overlayOn: true });
      if (heatMaps[member]) return;
      set({ heatLoading: true, heatProgress: 0 });
      try {
        // An opened family reads the image at its own size, occluded in blocks of heatBlock tokens.
        const opts = f ? { size: group.sizes?.[member], block: get().heatBlock ?? undefined } : undefined;
        const onProgress = proxy((done: number, total: number) => set({ heatProgress: done / total }));
        const maps = await callEngine((e) => e.heatmaps(group.prompt, group.images[member], reward.teacher, opts, onProgress));
        set((s) => ({ heatMaps: { ...s.heatMaps, [member]: maps } }));
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') set({ inspectNotice: 'Heatmap cancelled.', heat: null });
        else set({ inspectError: get().engineError(err), heat: null });
      } finally {
        set({ heatLoading: false });
      }
    },

    async setHeatBlock(block) {
      const { heat } = get();
      set({ heatBlock: block, heatMaps: {}, heat: null });
      if (heat) await get().selectWord(heat.member, heat.wordIndex);
    },

    setOverlay({ on, opacity }) {
      set((s) => ({ overlayOn: on ?? s.overlayOn, overlayOpacity: opacity ?? s.overlayOpacity }));
    },

    dismissLinkNotices() {
      set({ linkNotices: [] }); // waiting values stay: they are applied when their model opens
    },
  };
};
