// Train: a GvU run in the worker, its live curves, pause/resume/stop, a fixed-seed before/after grid.
import type { CompareGrid, GvuConfig, GvuLogRow, Spec, TrainEvent, TrainStatus } from '../../../workers/engineApi.ts';
import { parsePromptSet } from '../../core/io/promptSet.ts';
import { callEngine, pauseJob, proxy } from '../engine.ts';
import { fetchShippedPromptSet } from './shippedPromptSets.ts';
import type { Slice } from './types.ts';

export type TrainConfig = Pick<GvuConfig,
  'steps' | 'promptsPerStep' | 'groupSize' | 'lr' | 'beta' | 'clipEps' | 'innerUpdates' | 'teacher' | 'rewardVariant' | 'promptSampling' | 'evalEvery'>;

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
}

export const TRAIN_DEFAULTS: TrainConfig = {
  steps: 20, promptsPerStep: 4, groupSize: 4, lr: 2e-4, beta: 0.03, clipEps: 0.2, innerUpdates: 2,
  teacher: 'frozen', rewardVariant: 'geomean', promptSampling: 'uniform', evalEvery: 5,
};

/** The default source: the shipped train set, which the worker already holds. */
const TRAIN_SET: TrainPromptSource = { name: 'ShapesWorld train set', specs: null, count: null, note: null };

/** Fixed prompts and seeds of the before/after grid. */
export const GRID_PROMPTS = ['a photo of a red circle', 'a photo of two blue squares', 'a photo of a green triangle'];
export const GRID_SEEDS = [11, 12, 13];
const GRID_SAMPLING = { temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 1 };

export interface TrainSlice {
  readonly trainConfig: TrainConfig;
  readonly trainPrompts: TrainPromptSource;
  readonly trainStatus: TrainRunStatus;
  readonly trainPhase: string | null;
  readonly trainLog: readonly GvuLogRow[];
  readonly trainEvals: readonly EvalPoint[];
  readonly trainStep: number;
  readonly trainError: string | null;
  readonly grid: CompareGrid | null;
  readonly gridLoading: boolean;

  setTrainConfig(patch: Partial<TrainConfig>): void;
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

  /** A prompt file becomes the run's prompt source: prompts with a spec, problems summarised. */
  function adoptTrainPrompts(text: string, name: string): void {
    const parsed = parsePromptSet(text, name);
    const specs = parsed.rows.flatMap((r) => (r.spec ? [r.spec] : []));
    const plain = parsed.rows.length - specs.length;
    const note = [
      parsed.problems.length ? `${parsed.problems.length} line problem(s), first: line ${parsed.problems[0].line}: ${parsed.problems[0].message}` : '',
      plain ? `${plain} prompt(s) without a GenEval spec are left out: the trainer judges every rollout` : '',
    ].filter(Boolean).join('; ') || null;
    set({ trainPrompts: { name, specs, count: specs.length, note } });
  }

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
    trainPrompts: TRAIN_SET,
    trainStatus: 'idle',
    trainPhase: null,
    trainLog: [],
    trainEvals: [],
    trainStep: 0,
    trainError: null,
    grid: null,
    gridLoading: false,

    setTrainConfig(patch) {
      set((s) => ({ trainConfig: { ...s.trainConfig, ...patch } }));
    },

    async loadTrainPrompts(file) {
      if (!file) {
        set({ trainPrompts: TRAIN_SET });
        return;
      }
      adoptTrainPrompts(await file.text(), file.name);
    },

    async loadRlPool() {
      try {
        adoptTrainPrompts(await fetchShippedPromptSet('pool'), 'ShapesWorld RL pool (pool.jsonl)');
      } catch (err) {
        set({ trainError: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
    },

    async startTraining() {
      if (get().busy) return;
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
        trainPrompts: TRAIN_SET,
      });
      get().setView('train');
      await get().startTraining();
    },
  };
};
