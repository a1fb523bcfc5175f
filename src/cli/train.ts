// `npm run gvu -- train --out=runs/gvu/<name> [--key=value ...]`: a GvU run (GRPO on a LoRA
// adapter, intrinsic reward) on the ShapesWorld train prompts or an uploaded set, with onnxruntime-
// node. Logs every step to <out>/log.jsonl, validation judge scores to <out>/eval.jsonl,
// checkpoints to <out>/checkpoint (resumed automatically), the final adapter to <out>/adapter, and
// with --snapshotEvery=N the adapter at every N steps to <out>/snapshots/step-N (budget curves).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { type GvuConfig, checkGvuConfig, freshGvuState, loraOf, trainGvu, validationScore } from '../core/gvu/trainer.ts';
import { createNodeSession } from '../core/runtime/node.ts';
import type { ModelConfig } from '../core/model/config.ts';
import type { LoraConfig } from '../core/model/lora.ts';
import type { Weights } from '../core/model/weights.ts';
import type { Spec } from '../core/world/index.ts';
import { loadGvuCheckpoint, saveAdapter, saveGvuCheckpoint } from './adapterFiles.ts';
import { type FlagValues, flag, flagDefaults, parseFlags } from './flags.ts';
import { GVU_FLAGS } from './gvuFlags.ts';
import { loadModel } from './modelFiles.ts';
import { withOutputDir } from './outputDir.ts';
import { loadPromptSet } from './promptSets.ts';

export const TRAIN_FLAGS = {
  ...GVU_FLAGS,
  model: flag.input('public/models/tiny-umm', 'dir', 'model directory', 'base model directory'),
  prompts: flag.string('pool', 'SET|FILE', 'RL prompts: a set in public/data/prompts (train, pool) or a spec .jsonl file'),
  val: flag.string('val', 'SET|FILE', 'validation prompt set for evalEvery'),
  snapshotEvery: flag.integer(250, 'also keep the adapter at every multiple of this step in <out>/snapshots/step-N (0 = off)', { min: 0 }),
  out: flag.output('runs/gvu/default', 'DIR', 'run folder: logs, checkpoint (resumed when present), adapter'),
} as const;
export const TRAIN_CLI_DEFAULTS = flagDefaults(TRAIN_FLAGS);
export type TrainCliConfig = FlagValues<typeof TRAIN_FLAGS>;

export async function trainCommand(argv: string[]): Promise<void> {
  await runTraining(parseFlags('train', TRAIN_FLAGS, argv));
}

export async function runTraining(run: TrainCliConfig): Promise<void> {
  checkGvuConfig(run);
  if (run.snapshotEvery % run.checkpointEvery !== 0) {
    throw new InputError(`snapshotEvery (${run.snapshotEvery}) must be a multiple of checkpointEvery (${run.checkpointEvery}); snapshots are taken at checkpoints`);
  }
  // Everything that can be refused is read before the run folder exists.
  const lora = loraOf(run);
  const { cfg, weights: base } = loadModel(run.model);
  const train = loadPromptSet(run.prompts);
  const val = loadPromptSet(run.val);
  await withOutputDir(run.out, () => trainInto(run, lora, cfg, base, train, val));
}

async function trainInto(run: TrainCliConfig, lora: LoraConfig, cfg: ModelConfig, base: Weights, train: Spec[], val: Spec[]): Promise<void> {
  const ckDir = join(run.out, 'checkpoint');
  const resumed = loadGvuCheckpoint<GvuConfig>(ckDir, cfg);
  const state = resumed?.state ?? freshGvuState(cfg, run);
  console.log(resumed ? `resuming ${ckDir} at step ${state.step}` : `new GvU run in ${run.out}`);
  let stop = false;
  process.once('SIGINT', () => {
    console.log('\nstopping: saving a checkpoint');
    stop = true;
  });
  const t0 = Date.now();
  await trainGvu(cfg, base, run, state, train, {
    createSession: (m, o) => createNodeSession(m, o),
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

