// The pretraining loop: joint generation + understanding cross-entropy, Adam on every weight.
// Runtime-agnostic: the caller supplies a session for the gradient graph, a batch source and
// checkpoint hooks (the CLI uses onnxruntime-node and files). Batches are a pure function of
// (seed, step), so a resumed run sees exactly the data it would have seen.
import { buildGradientGraph, serializeModel } from '../graph/index.ts';
import { type AdamConfig, type AdamState, adamStep, cosineLr, initAdamState } from '../optim/adam.ts';
import type { Feeds, ModelSession } from '../runtime/session.ts';
import type { ModelConfig } from './config.ts';
import { buildPretrainLossGraph, paramShapes } from './umm.ts';
import type { Weights } from './weights.ts';

export interface PretrainConfig {
  steps: number; // total optimiser steps
  genBatch: number; // (prompt, image) pairs per step
  undBatch: number; // (image, caption) pairs per step
  lr: number; // peak learning rate
  warmup: number; // linear warmup steps
  minLrFrac: number; // cosine floor as a fraction of lr
  weightDecay: number; // AdamW decay on matrices
  clipNorm: number; // global gradient-norm clip
  promptDropout: number; // fraction of generation prompts blanked (enables classifier-free guidance)
  seed: number; // data and init seed
  logEvery: number; // steps between progress lines
  checkpointEvery: number; // steps between checkpoints
}

export const PRETRAIN_DEFAULTS: PretrainConfig = {
  steps: 9000, genBatch: 8, undBatch: 56, lr: 2e-3, warmup: 200, minLrFrac: 0.05, weightDecay: 0.01,
  clipNorm: 1, promptDropout: 0.1, seed: 0, logEvery: 50, checkpointEvery: 250,
};

export interface PretrainState {
  step: number;
  weights: Weights;
  adam: AdamState;
}

export interface LogRow {
  step: number;
  loss: number;
  genLoss: number;
  undLoss: number;
  lr: number;
  gradNorm: number;
  stepsPerSec: number;
  etaSec: number;
  skipped: number;
}

export interface PretrainHooks {
  createSession(model: Uint8Array): Promise<ModelSession>;
  batch(step: number): Feeds; // pure in (seed, step)
  log(row: LogRow): void;
  checkpoint(state: PretrainState): Promise<void>;
  stopRequested?(): boolean;
}

export function pretrainGradientModel(cfg: ModelConfig): Uint8Array {
  return serializeModel(buildGradientGraph(buildPretrainLossGraph(cfg), 'loss', Object.keys(paramShapes(cfg)), { keepOutputs: true }));
}

export function freshState(weights: Weights): PretrainState {
  return { step: 0, weights, adam: initAdamState(weights) };
}

export async function pretrain(cfg: ModelConfig, run: PretrainConfig, state: PretrainState, hooks: PretrainHooks): Promise<PretrainState> {
  const session = await hooks.createSession(pretrainGradientModel(cfg));
  const adam: AdamConfig = { lr: run.lr, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: run.weightDecay, clipNorm: run.clipNorm };
  const names = Object.keys(state.weights);
  const t0 = performance.now();
  const startStep = state.step;
  let skipped = 0;
  let acc = { loss: 0, gen: 0, und: 0, n: 0 };
  try {
    while (state.step < run.steps && !hooks.stopRequested?.()) {
      const out = await session.run({ ...hooks.batch(state.step), ...state.weights });
      const grads = Object.fromEntries(names.map((k) => [k, out[`grad.${k}`].data as Float32Array]));
      const lr = cosineLr(state.step, run.steps, run.lr, run.warmup, run.minLrFrac);
      const rep = adamStep(state.weights, grads, state.adam, adam, lr);
      if (!rep.applied) skipped++;
      else {
        acc = { loss: acc.loss + (out.loss.data[0] as number), gen: acc.gen + (out.gen_loss.data[0] as number), und: acc.und + (out.und_loss.data[0] as number), n: acc.n + 1 };
      }
      state.step++;
      if (state.step % run.logEvery === 0 || state.step === run.steps) {
        const rate = (state.step - startStep) / ((performance.now() - t0) / 1000);
        const n = Math.max(1, acc.n);
        hooks.log({
          step: state.step, loss: acc.loss / n, genLoss: acc.gen / n, undLoss: acc.und / n, lr, gradNorm: rep.gradNorm,
          stepsPerSec: rate, etaSec: (run.steps - state.step) / rate, skipped,
        });
        acc = { loss: 0, gen: 0, und: 0, n: 0 };
      }
      if (state.step % run.checkpointEvery === 0) await hooks.checkpoint(state);
    }
    await hooks.checkpoint(state);
  } finally {
    await session.release();
  }
  return state;
}
