// Train: a GvU run in the tab. The worker drives the core trainer (trainGvu) exactly as the Node
// CLI does (src/cli/train.ts), with sessions from the selected web backend. The run's state (step,
// adapter, Adam moments) stays in memory: a pause or cancel request (jobControl.ts) stops the run
// at once, dropping the step in flight, and resume runs trainGvu again on the same state.
import {
  GVU_DEFAULTS, type GvuConfig, type GvuState, checkGvuConfig, freshGvuState, loraOf, trainGvu, validationScore,
} from '../../src/core/gvu/trainer.ts';
import { type CancelSignal, InputError } from '../../src/core/errors.ts';
import { sampleImages } from '../../src/core/gvu/sampling.ts';
import { createWebSession } from '../../src/core/runtime/web.ts';
import { type Spec, UNCOND_PROMPT, lookupSpec, promptIds, renderTokens } from '../../src/core/world/index.ts';
import type { CompareGrid, SamplingSettings, TrainEvent, TrainRequest, TrainStatus } from '../engineApi.ts';
import { currentBackend, generationSessions, loadModel, policy, setAdapter } from './model.ts';
import { normalisePrompt, verdictFor } from './inspect.ts';

/** Defaults for a run in a browser tab: small, so a step takes seconds on WASM. */
export const TAB_DEFAULTS: Partial<GvuConfig> = {
  steps: 20, promptsPerStep: 4, groupSize: 4, innerUpdates: 2, evalEvery: 5, evalGroupSize: 2, checkpointEvery: 1_000_000,
};
const VAL_PROMPTS = 16;

interface Run {
  config: GvuConfig;
  state: GvuState;
  train: readonly Spec[];
  val: readonly Spec[];
}

let run: Run | null = null;

export async function startTraining(req: TrainRequest, onEvent: (e: TrainEvent) => void, signal: CancelSignal): Promise<TrainStatus> {
  const m = await loadModel();
  const config: GvuConfig = { ...GVU_DEFAULTS, ...TAB_DEFAULTS, ...req.config };
  checkGvuConfig(config); // before the current adapter is replaced: a refused run loses nothing
  const train = req.prompts ?? m.sets.train;
  if (train.length === 0) throw new InputError('training needs at least one prompt with a spec');
  run = { config, state: freshGvuState(m.cfg, config), train, val: req.valPrompts ?? m.sets.val.slice(0, VAL_PROMPTS) };
  setAdapter({ lora: loraOf(config), weights: run.state.lora, source: 'trained', step: 0 });
  return continueTraining(onEvent, signal);
}

export async function resumeTraining(onEvent: (e: TrainEvent) => void, signal: CancelSignal): Promise<TrainStatus> {
  if (!run) throw new InputError('no training run in memory to resume; start one');
  return continueTraining(onEvent, signal);
}

async function continueTraining(onEvent: (e: TrainEvent) => void, signal: CancelSignal): Promise<TrainStatus> {
  const r = run!;
  const m = await loadModel();
  const lora = loraOf(r.config);
  onEvent({ kind: 'phase', phase: 'building training graphs' });
  await trainGvu(m.cfg, m.base, r.config, r.state, r.train, {
    createSession: (model, options) => createWebSession(model, currentBackend(), options),
    groupSampling: currentBackend() === 'wasm',
    log: (row) => {
      setAdapter({ lora, weights: r.state.lora, source: 'trained', step: row.step });
      onEvent({ kind: 'step', row });
    },
    evaluate: async (s, generation) => {
      onEvent({ kind: 'phase', phase: `validating at step ${s.step}` });
      const score = await validationScore(m.cfg, m.base, r.config, s, generation, r.val, signal);
      onEvent({ kind: 'eval', step: s.step, valOverall: score.overall, valStrict: score.strictOverall });
      return { val_overall: score.overall };
    },
    checkpoint: async () => {}, // the state stays in memory; the UI exports the adapter on demand
    stopRequested: () => signal.aborted,
    signal,
  });
  setAdapter({ lora, weights: r.state.lora, source: 'trained', step: r.state.step });
  return { step: r.state.step, steps: r.config.steps, finished: r.state.step >= r.config.steps };
}

/** The same prompts and seeds through the adapter-off model and the current policy. */
export async function compare(
  prompts: readonly string[], seeds: readonly number[], sampling: SamplingSettings, signal: CancelSignal,
): Promise<CompareGrid> {
  const m = await loadModel();
  const p = await policy();
  const sessions = await generationSessions(p.lora, { waitForGroup: true });
  const baseSessions = p.isBase ? sessions : await generationSessions(null, { waitForGroup: true });
  const texts = prompts.map(normalisePrompt);
  const allSeeds = texts.flatMap(() => [...seeds]);
  const draw = async (weights: typeof p.weights, on: typeof sessions) => {
    const samples = await sampleImages(m.cfg, weights, on, texts.map((t) => promptIds(t)), {
      ...sampling, groupSize: seeds.length, seeds: allSeeds, uncondPrompt: UNCOND_PROMPT, signal,
    });
    return samples.map((s) => renderTokens(s.codes));
  };
  const base = await draw(m.base, baseSessions);
  const adapter = p.isBase ? base : await draw(p.weights, sessions);
  // The judge's verdict per image, so the grid says which side draws the prompt (null: no spec).
  const specs = texts.map((t) => lookupSpec(t, m.specs).spec);
  const judged = (images: readonly Uint8Array[]) => images.map((im, i) => verdictFor(im, specs[Math.floor(i / seeds.length)])?.pass ?? null);
  return { prompts: texts, seeds, base, adapter, pass: { base: judged(base), adapter: judged(adapter) } };
}
