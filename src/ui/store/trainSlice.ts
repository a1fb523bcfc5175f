// Train: a GvU run in the worker, its live curves, pause/resume/stop, a fixed-seed before/after grid.
import type { CompareGrid, GvuLogRow, Spec, TrainEvent, TrainStatus } from '../../../workers/engineApi.ts';
import { InputError } from '../../core/errors.ts';
import { decodeText } from '../../core/io/decodeText.ts';
import { type LineProblem, parsePromptSet } from '../../core/io/promptSet.ts';
import { callEngine, pauseJob, proxy } from '../engine.ts';
import { fetchShippedPromptSet } from './shippedPromptSets.ts';
import { type TrainConfig, type TrainConfigPatch, type TrainProblems, patchTrainConfig, trainConfigProblems } from './trainForm.ts';
import type { Slice } from './types.ts';

export type { TrainConfig } from './trainForm.ts';

export type TrainRunStatus = 'idle' | 'running' | 'pausing' | 'paused' | 'stopped' | 'finished' | 'interrupted' | 'error';

export interface EvalPoint {
  readonly step: number;
  readonly valOverall: number;
  readonly valStrict: number;
}

export interface TrainPromptSource {
  readonly name: string;
  readonly specs: readonly Spec[] | null; // null = the shipped train set
  readonly count: number | null;
  readonly note: string | null;
  readonly problems: readonly LineProblem[]; // the file's line problems, listed as Batch lists them
}

export const TRAIN_DEFAULTS: TrainConfig = {
  steps: 20, promptsPerStep: 4, groupSize: 4, lr: 2e-4, beta: 0.03, clipEps: 0.2, innerUpdates: 2,
  teacher: 'frozen', rewardVariant: 'geomean', promptSampling: 'uniform', evalEvery: 5,
};

/** The default source: the shipped train set, which the worker already holds. */
const TRAIN_SET: TrainPromptSource = { name: 'ShapesWorld train set', specs: null, count: null, note: null, problems: [] };

/** Fixed prompts and seeds of the before/after grid. */
export const GRID_PROMPTS = ['a photo of a red circle', 'a photo of two blue squares', 'a photo of a green triangle'];
export const GRID_SEEDS = [11, 12, 13];
const GRID_SAMPLING = { temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 1 };

export interface TrainSlice {
  readonly trainConfig: TrainConfig;
  /** Each numeric field's problem as typed (trainForm.ts); Start refuses while any is set. */
  readonly trainProblems: TrainProblems;
  readonly trainPrompts: TrainPromptSource;
  /** Why the last prompt upload was refused; the previous prompt source stays in use. */
  readonly trainPromptsError: string | null;
  readonly trainStatus: TrainRunStatus;
  readonly trainPhase: string | null;
  readonly trainLog: readonly GvuLogRow[];
  readonly trainEvals: readonly EvalPoint[];
  readonly trainStep: number;
  readonly trainError: string | null;
  readonly grid: CompareGrid | null;
  readonly gridLoading: boolean;

  setTrainConfig(patch: TrainConfigPatch): void;
  loadTrainPrompts(file: File | null): Promise<void>;
  /** Train on the shipped RL pool instead of the train set. */
  loadRlPool(): Promise<void>;
  startTraining(): Promise<void>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  stopTraining(): Promise<void>;
  refreshGrid(): Promise<void>;
  /** One click: preset prompts, a short run. */
  startDemo(): Promise<void>;
}

export const createTrainSlice: Slice<TrainSlice> = (set, get) => {
  let stopAfterPause = false;
  const onEvent = proxy((e: TrainEvent) => {
    if (e.kind === 'step') set((s) => ({ trainLog: [...s.trainLog, e.row], trainStep: e.row.step, trainPhase: `step ${e.row.step} done` }));
    else if (e.kind === 'eval') set((s) => ({ trainEvals: [...s.trainEvals, { step: e.step, valOverall: e.valOverall, valStrict: e.valStrict }] }));
    else set({ trainPhase: e.phase });
  });

  /**
   * A prompt file becomes the run's prompt source: prompts with a spec, line problems listed. A
   * file with nothing to train on throws (parsePromptSet's words, or none with a spec) and the
   * previous source stays.
   */
  function adoptTrainPrompts(text: string, name: string): void {
    const parsed = parsePromptSet(text, name);
    const specs = parsed.rows.flatMap((r) => (r.spec ? [r.spec] : []));
    const plain = parsed.rows.length - specs.length;
    if (specs.length === 0) {
      throw new InputError(`${name}: none of its ${parsed.rows.length} prompt(s) has a GenEval spec (tag, include), which training needs to judge each image; upload GenEval metadata JSONL`);
    }
    const note = plain ? `${plain} prompt(s) without a GenEval spec are left out: the trainer judges every rollout` : null;
    set({ trainPrompts: { name, specs, count: specs.length, note, problems: parsed.problems }, trainPromptsError: null });
  }

  /** A refused upload in a person's words: the message, never the error's class name. */
  const refused = (err: unknown) => set({ trainPromptsError: err instanceof Error ? err.message : String(err) });

  async function drive(call: () => Promise<TrainStatus>): Promise<void> {
    set({ trainStatus: 'running', trainError: null });
    get().setBusy('training');
    try {
      const st = await call();
      const status: TrainRunStatus = st.finished ? 'finished' : stopAfterPause ? 'stopped' : 'paused';
      set({ trainStatus: status, trainStep: st.step, trainPhase: null });
    } catch (err) {
      set({ trainStatus: 'error', trainError: get().engineError(err) });
    } finally {
      stopAfterPause = false;
      get().setBusy(null);
    }
    try {
      const model = await callEngine((e) => e.modelInfo());
      set({ model });
      // Keep a copy of the adapter outside the worker, so a restarted engine gets it back.
      if (model.adapter) set({ adapterSnapshot: await callEngine((e) => e.exportAdapter()) });
    } catch { /* a dead worker is reported by the failure banner */ }
    if (get().trainStatus !== 'error' && !get().failure) await get().refreshGrid();
  }

  return {
    trainConfig: TRAIN_DEFAULTS,
    trainProblems: {},
    trainPrompts: TRAIN_SET,
    trainPromptsError: null,
    trainStatus: 'idle',
    trainPhase: null,
    trainLog: [],
    trainEvals: [],
    trainStep: 0,
    trainError: null,
    grid: null,
    gridLoading: false,

    setTrainConfig(patch) {
      set((s) => {
        const next = patchTrainConfig(s.trainConfig, s.trainProblems, patch);
        return { trainConfig: next.config, trainProblems: next.problems };
      });
    },

    async loadTrainPrompts(file) {
      if (!file) {
        set({ trainPrompts: TRAIN_SET, trainPromptsError: null });
        return;
      }
      try {
        // Bytes, not file.text(): a UTF-16 file is decoded, an image is named as not text.
        adoptTrainPrompts(decodeText(new Uint8Array(await file.arrayBuffer())), file.name);
      } catch (err) {
        refused(err);
      }
    },

    async loadRlPool() {
      try {
        adoptTrainPrompts(await fetchShippedPromptSet('pool'), 'ShapesWorld RL pool (pool.jsonl)');
      } catch (err) {
        refused(err);
      }
    },

    async startTraining() {
      if (get().busy) return;
      // The view disables Start on a problem; this is the backstop, so no invalid config is sent.
      const problems = trainConfigProblems(get().trainConfig, get().trainProblems);
      if (problems.length) {
        set({ trainError: `fix the run settings first: ${problems.join('; ')}` });
        return;
      }
      const src = get().trainPrompts;
      if (src.specs && src.specs.length === 0) {
        set({ trainError: `${src.name} has no prompt with a GenEval spec to train on` });
        return;
      }
      set({ trainLog: [], trainEvals: [], trainStep: 0, grid: null });
      const config = get().trainConfig;
      await drive(() => callEngine((e) => e.startTraining({ config, prompts: src.specs ? [...src.specs] : null }, onEvent)));
    },

    async pauseTraining() {
      if (get().trainStatus !== 'running') return;
      // The step in flight is dropped; the run keeps the state of its last whole step.
      set({ trainStatus: 'pausing', trainPhase: 'pausing…' });
      pauseJob();
    },

    async resumeTraining() {
      if (get().busy || get().trainStatus !== 'paused') return;
      await drive(() => callEngine((e) => e.resumeTraining(onEvent)));
    },

    async stopTraining() {
      const st = get().trainStatus;
      if (st === 'paused') {
        set({ trainStatus: 'stopped' });
        return;
      }
      if (st !== 'running' && st !== 'pausing') return;
      stopAfterPause = true;
      await get().pauseTraining();
    },

    async refreshGrid() {
      if (get().busy) return;
      set({ gridLoading: true });
      try {
        const grid = await callEngine((e) => e.compare(GRID_PROMPTS, GRID_SEEDS, GRID_SAMPLING));
        set({ grid });
      } catch (err) {
        set({ trainError: get().engineError(err) });
      } finally {
        set({ gridLoading: false });
      }
    },

    async startDemo() {
      set({
        trainConfig: { ...TRAIN_DEFAULTS, steps: 6, promptsPerStep: 4, groupSize: 4, evalEvery: 3, lr: 5e-4 },
        trainProblems: {},
        trainPrompts: TRAIN_SET,
        trainPromptsError: null,
      });
      get().setView('train');
      await get().startTraining();
    },
  };
};
