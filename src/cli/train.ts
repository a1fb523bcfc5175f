// `npm run gvu -- train --out=runs/gvu/<name> [--key=value ...]`: a GvU run (GRPO on a LoRA
// adapter, intrinsic reward) on the ShapesWorld train prompts or an uploaded set, with onnxruntime-
// node. Logs every step to <out>/log.jsonl, validation judge scores to <out>/eval.jsonl,
// checkpoints to <out>/checkpoint (resumed automatically), the final adapter to <out>/adapter, and
// with --snapshotEvery=N the adapter at every N steps to <out>/snapshots/step-N (budget curves).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GVU_DEFAULTS, type GvuConfig, freshGvuState, loraOf, trainGvu, validationScore } from '../core/gvu/trainer.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import { loadGvuCheckpoint, saveAdapter, saveGvuCheckpoint } from './adapterFiles.ts';
import { loadModel } from './modelFiles.ts';
import { loadPromptSet } from './promptSets.ts';
import { resolveRunConfig } from './runConfig.ts';

export const TRAIN_CLI_DEFAULTS = {
  ...GVU_DEFAULTS,
  model: 'public/models/tiny-umm', // base model directory
  prompts: 'train', // prompt set (name in public/data/prompts or a .jsonl path)
  val: 'val', // validation prompt set for evalEvery
  snapshotEvery: 0, // also keep the adapter at every multiple of this step in <out>/snapshots/step-N (0 = off)
  out: 'runs/gvu/default',
};
export type TrainCliConfig = typeof TRAIN_CLI_DEFAULTS;

export async function trainCommand(argv: string[]): Promise<void> {
  const { config: run, rest } = resolveRunConfig<TrainCliConfig>(TRAIN_CLI_DEFAULTS, argv);
  if (rest.length) throw new Error(`train: unknown arguments ${rest.join(' ')}`);
  await runTraining(run);
}

export async function runTraining(run: TrainCliConfig): Promise<void> {
  if (run.snapshotEvery % run.checkpointEvery !== 0) {
    throw new Error(`train: snapshotEvery (${run.snapshotEvery}) must be a multiple of checkpointEvery (${run.checkpointEvery}); snapshots are taken at checkpoints`);
  }
  const { cfg, weights: base } = loadModel(run.model);
  const train = loadPromptSet(run.prompts);
  const val = loadPromptSet(run.val);
  const ckDir = join(run.out, 'checkpoint');
  mkdirSync(run.out, { recursive: true });
  const resumed = loadGvuCheckpoint<GvuConfig>(ckDir, cfg);
  const state = resumed?.state ?? freshGvuState(cfg, run);
  console.log(resumed ? `resuming ${ckDir} at step ${state.step}` : `new GvU run in ${run.out}`);
  const lora = loraOf(run);
  let stop = false;
  process.once('SIGINT', () => {
    console.log('\nstopping: saving a checkpoint');
    stop = true;
  });
  const t0 = Date.now();
  await trainGvu(cfg, base, run, state, train, {
    createSession: (m) => createNodeSession(m),
    log: (r) => {
      appendFileSync(join(run.out, 'log.jsonl'), JSON.stringify({ ...r, wallSec: (Date.now() - t0) / 1000 }) + '\n');
      console.log(
        `step ${r.step}/${run.steps}  reward ${r.rewardMean.toFixed(4)}  judge ${r.judgePass.toFixed(3)} strict ${r.judgeStrict.toFixed(3)}  ` +
          `auc ${Number.isNaN(r.rolloutAuc) ? '-' : r.rolloutAuc.toFixed(2)}  kl ${r.kl.toFixed(4)}  loss ${r.loss.toFixed(4)}  ` +
          `clip ${r.clipFrac.toFixed(3)}  ${r.seconds.toFixed(2)} s/step` + (r.skipped ? `  skipped ${r.skipped}` : ''),
      );
    },
    evaluate: async (s, generation) => {
      const score = await validationScore(cfg, base, run, s, generation, val);
      const row = { step: s.step, val_overall: score.overall, val_strict_overall: score.strictOverall, wallSec: (Date.now() - t0) / 1000 };
      appendFileSync(join(run.out, 'eval.jsonl'), JSON.stringify(row) + '\n');
      console.log(`  eval step ${s.step}: val overall ${score.overall.toFixed(3)} strict ${score.strictOverall.toFixed(3)}`);
      return row;
    },
    checkpoint: async (s) => {
      saveGvuCheckpoint(ckDir, cfg, lora, s, run);
      if (run.snapshotEvery > 0 && s.step % run.snapshotEvery === 0) saveAdapter(join(run.out, 'snapshots', `step-${s.step}`), cfg, lora, s.lora);
    },
    stopRequested: () => stop,
  });
  if (state.step >= run.steps) {
    saveAdapter(join(run.out, 'adapter'), cfg, lora, state.lora);
    console.log(`done: adapter written to ${join(run.out, 'adapter')}`);
  }
}

