// `npm run gvu -- pretrain [--out=runs/pretrain] [--key=value ...]`: pretrain the tiny UMM on
// ShapesWorld with onnxruntime-node. Resumes from <out>/checkpoint when present; Ctrl-C saves a
// checkpoint and stops. When done, writes the fp16 model to --export (default public/models/tiny-umm).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { TINY_UMM } from '../core/model/config.ts';
import { PRETRAIN_DEFAULTS as D, type PretrainConfig, freshState, pretrain } from '../core/model/pretrain.ts';
import { makePretrainBatcher } from '../core/model/pretrainData.ts';
import { countParams, initWeights } from '../core/model/weights.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import { type FlagSpec, type FlagValues, flag, parseFlags } from './flags.ts';
import { loadCheckpoint, saveCheckpoint, saveModel } from './modelFiles.ts';
import { withOutputDir } from './outputDir.ts';
import { loadPromptSets } from './promptSets.ts';

const PRETRAIN_SETTING_FLAGS = {
  steps: flag.integer(D.steps, 'total optimiser steps', { min: 1 }),
  genBatch: flag.integer(D.genBatch, '(prompt, image) pairs per step', { min: 1 }),
  undBatch: flag.integer(D.undBatch, '(image, caption) pairs per step', { min: 1 }),
  lr: flag.number(D.lr, 'peak learning rate', { above: 0 }),
  warmup: flag.integer(D.warmup, 'linear warmup steps', { min: 0 }),
  minLrFrac: flag.number(D.minLrFrac, 'cosine floor as a fraction of lr', { min: 0, max: 1 }),
  weightDecay: flag.number(D.weightDecay, 'AdamW decay on matrices', { min: 0 }),
  clipNorm: flag.number(D.clipNorm, 'global gradient-norm clip', { above: 0 }),
  promptDropout: flag.number(D.promptDropout, 'fraction of generation prompts blanked (enables classifier-free guidance)', { min: 0, max: 1 }),
  seed: flag.integer(D.seed, 'data and init seed', { min: 0 }),
  logEvery: flag.integer(D.logEvery, 'steps between progress lines', { min: 1 }),
  checkpointEvery: flag.integer(D.checkpointEvery, 'steps between checkpoints', { min: 1 }),
} as const satisfies { readonly [K in keyof PretrainConfig]: FlagSpec };

export const PRETRAIN_FLAGS = {
  ...PRETRAIN_SETTING_FLAGS,
  out: flag.output('runs/pretrain', 'DIR', 'run folder: log and checkpoint (resumed when present)'),
  export: flag.output('public/models/tiny-umm', 'DIR', 'where the finished fp16 model is written'),
} as const;

export async function pretrainCommand(argv: string[]): Promise<void> {
  const run: PretrainConfig & FlagValues<typeof PRETRAIN_FLAGS> = parseFlags('pretrain', PRETRAIN_FLAGS, argv);
  const prompts = loadPromptSets();
  await withOutputDir(run.out, () => pretrainInto(run, prompts));
}

async function pretrainInto(run: PretrainConfig & FlagValues<typeof PRETRAIN_FLAGS>, prompts: ReturnType<typeof loadPromptSets>): Promise<void> {
  const ckDir = join(run.out, 'checkpoint');
  const ck = loadCheckpoint<PretrainConfig>(ckDir);
  const cfg = ck?.cfg ?? TINY_UMM;
  const state = ck ? { step: ck.step, weights: ck.weights, adam: ck.adam } : freshState(initWeights(cfg, run.seed));
  console.log(ck ? `resuming ${ckDir} at step ${ck.step}` : `new run in ${run.out}: ${countParams(state.weights)} parameters`);
  const t0 = Date.now();
  let stop = false;
  process.once('SIGINT', () => {
    console.log('\nstopping: saving a checkpoint');
    stop = true;
  });
  const batch = makePretrainBatcher(cfg, prompts, run);
  await pretrain(cfg, run, state, {
    createSession: (m) => createNodeSession(m),
    batch,
    log: (r) => {
      appendFileSync(join(run.out, 'log.jsonl'), JSON.stringify({ ...r, wallSec: (Date.now() - t0) / 1000 }) + '\n');
      console.log(
        `step ${r.step}/${run.steps}  loss ${r.loss.toFixed(4)}  gen ${r.genLoss.toFixed(4)}  und ${r.undLoss.toFixed(4)}  ` +
          `lr ${r.lr.toExponential(2)}  |g| ${r.gradNorm.toFixed(2)}  ${r.stepsPerSec.toFixed(2)} step/s  ETA ${fmtTime(r.etaSec)}` +
          (r.skipped ? `  skipped ${r.skipped}` : ''),
      );
    },
    checkpoint: async (s) => saveCheckpoint(ckDir, { step: s.step, cfg, run, weights: s.weights, adam: s.adam }),
    stopRequested: () => stop,
  });
  if (state.step >= run.steps) {
    saveModel(run.export, cfg, state.weights);
    console.log(`done: model written to ${run.export}`);
  }
}

const fmtTime = (s: number) => (Number.isFinite(s) ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : '?');
