// Train: a GvU run in the worker, its live curves, pause/resume/stop, a fixed-seed before/after grid.
import type { AdapterFilesData, CompareGrid, GvuLogRow, Spec, TrainEvent, TrainStatus } from '../../../workers/engineApi.ts';
import { DEMO_CONFIG, DEMO_EVAL_GROUP_SIZE, DEMO_GRID_SEEDS, DEMO_PROMPT_SET } from '../../core/gvu/demo.ts';
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
  /** Validate on these prompts (images per prompt) instead of the shipped val set: the demo's own. */
  readonly val?: { readonly specs: readonly Spec[]; readonly groupSize: number };
  /** The before/after grid's prompts and seeds instead of GRID_PROMPTS and GRID_SEEDS. */
  readonly grid?: { readonly prompts: readonly string[]; readonly seeds: readonly number[] };
}

export const TRAIN_DEFAULTS: TrainConfig = {
  steps: 20, promptsPerStep: 4, groupSize: 4, lr: 2e-4, beta: 0.03, clipEps: 0.2, innerUpdates: 2,
  advantage: 'std', deadZone: 0.05, teacher: 'frozen', rewardVariant: 'geomean', promptSampling: 'uniform', evalEvery: 5,
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
  /** Draw the before/after grid: the run's prompts and seeds, or those given (the shipped adapter's test prompts). */
  refreshGrid(set?: { readonly prompts: readonly string[]; readonly seeds: readonly number[] }): Promise<void>;
  /** One click: preset prompts, a short run. */
  startDemo(): Promise<void>;
}

export const createTrainSlice: Slice<TrainSlice> = (set, get) => {
  let stopAfterPause = false;
  // The view shows the run the worker trains unless another was reopened meanwhile; the runs
  // slice records every event for the worker's run either way.
  const shown = () => get().currentRunId === get().workerRunId;
  const onEvent = proxy((e: TrainEvent) => {
    if (e.kind === 'step') {
      get().recordStep(e.row);
      if (shown()) set((s) => ({ trainLog: [...s.trainLog, e.row], trainStep: e.row.step, trainPhase: `step ${e.row.step} done` }));
    } else if (e.kind === 'eval') {
      const point = { step: e.step, valOverall: e.valOverall, valStrict: e.valStrict };
      get().recordEval(point);
      if (shown()) set((s) => ({ trainEvals: [...s.trainEvals, point] }));
    } else if (shown()) set({ trainPhase: e.phase });
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
    let adapter: AdapterFilesData | null = null;
    try {
      const model = await callEngine((e) => e.modelInfo());
      set({ model });
      // Keep a copy of the adapter outside the worker, so a restarted engine gets it back, and
      // with the run, so a later run never takes it away.
      if (model.adapter) {
        adapter = await callEngine((e) => e.exportAdapter());
        set({ adapterSnapshot: adapter, adapterOrigin: null });
      }
    } catch { /* a dead worker is reported by the failure banner */ }
    await get().endRun(get().trainStatus, adapter, get().model?.adapter?.step ?? null);
    if (get().trainStatus !== 'error' && !get().failure) {
      await get().refreshGrid();
      const grid = get().grid;
      if (grid) await get().recordGrid(grid);
    }
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
      // A new run: the previous one stays in the runs list, with its curves and adapter.
      set({ trainLog: [], trainEvals: [], trainStep: 0, grid: null });
      const config = get().trainConfig;
      await get().beginRun(config, src.name);
      const request = {
        config: src.val ? { ...config, evalGroupSize: src.val.groupSize } : config,
        prompts: src.specs ? [...src.specs] : null,
        ...(src.val ? { valPrompts: [...src.val.specs] } : {}),
      };
      await drive(() => callEngine((e) => e.startTraining(request, onEvent)));
    },

    async pauseTraining() {
      if (get().trainStatus !== 'running') return;
      // The step in flight is dropped; the run keeps the state of its last whole step.
      set({ trainStatus: 'pausing', trainPhase: 'pausing…' });
      pauseJob();
    },

    async resumeTraining() {
      if (get().busy || get().trainStatus !== 'paused' || get().currentRunId !== get().workerRunId) return;
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

    async refreshGrid(given) {
      if (get().busy) return;
      set({ gridLoading: true });
      try {
        const { prompts, seeds } = given ?? get().trainPrompts.grid ?? { prompts: GRID_PROMPTS, seeds: GRID_SEEDS };
        const grid = await callEngine((e) => e.compare([...prompts], [...seeds], GRID_SAMPLING));
        set({ grid });
      } catch (err) {
        set({ trainError: get().engineError(err) });
      } finally {
        set({ gridLoading: false });
      }
    },

    async startDemo() {
      if (get().busy) return;
      let specs: Spec[];
      try {
        specs = parsePromptSet(await fetchShippedPromptSet(DEMO_PROMPT_SET), `${DEMO_PROMPT_SET}.jsonl`).rows.flatMap((r) => (r.spec ? [r.spec] : []));
      } catch (err) {
        set({ trainError: `the demo prompts did not load: ${err instanceof Error ? err.message : String(err)}` });
        return;
      }
      const demo: TrainPromptSource = {
        name: `demo: ${specs.length} prompts the base model gets wrong`, specs, count: specs.length, note: null, problems: [],
        val: { specs, groupSize: DEMO_EVAL_GROUP_SIZE }, grid: { prompts: specs.map((s) => s.prompt), seeds: DEMO_GRID_SEEDS },
      };
      set({ trainConfig: { ...TRAIN_DEFAULTS, ...DEMO_CONFIG }, trainProblems: {}, trainPrompts: demo, trainPromptsError: null });
      get().setView('train');
      // The "before" half of the grid shows at once: the base model's images of the demo prompts.
      if (!get().model?.adapter) await get().refreshGrid();
      await get().startTraining();
    },
  };
};
