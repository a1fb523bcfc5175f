// `npm run gvu -- pretrain [--out=runs/pretrain] [--key=value ...]`: pretrain the tiny UMM on
// ShapesWorld with onnxruntime-node. Resumes from <out>/checkpoint when present; Ctrl-C saves a
// checkpoint and stops. When done, writes the fp16 model to --export (default public/models/tiny-umm).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TINY_UMM } from '../core/model/config.ts';
import { PRETRAIN_DEFAULTS, type PretrainConfig, freshState, pretrain } from '../core/model/pretrain.ts';
import { makePretrainBatcher } from '../core/model/pretrainData.ts';
import { countParams, initWeights } from '../core/model/weights.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import { loadCheckpoint, saveCheckpoint, saveModel } from './modelFiles.ts';
import { loadPromptSets } from './promptSets.ts';
import { resolveRunConfig } from './runConfig.ts';

export async function pretrainCommand(argv: string[]): Promise<void> {
  const { config: run, rest } = resolveRunConfig<PretrainConfig & { out: string; export: string }>(
    { ...PRETRAIN_DEFAULTS, out: 'runs/pretrain', export: 'public/models/tiny-umm' },
    argv,
  );
  if (rest.length) throw new Error(`pretrain: unknown arguments ${rest.join(' ')}`);
  const ckDir = join(run.out, 'checkpoint');
  mkdirSync(run.out, { recursive: true });
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
  const batch = makePretrainBatcher(cfg, loadPromptSets(), run);
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
