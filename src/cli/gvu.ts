// The Node command line: `npm run gvu -- <command> [--key=value ...]`. Bad input (a flag, a file)
// ends with its message alone and exit code 2; anything else is a bug and keeps its stack trace.
import { InputError } from '../core/errors.ts';
import { DEMO_FLAGS, demoCommand } from './demo.ts';
import { EVAL_FLAGS, evalCommand } from './evaluate.ts';
import { EXPERIMENT_FLAGS, experimentCommand } from './experiment.ts';
import { flagHelp } from './flagHelp.ts';
import type { FlagTable } from './flags.ts';
import { MODEL_REPORT_FLAGS, modelReportCommand } from './modelReport.ts';
import { PRETRAIN_FLAGS, pretrainCommand } from './pretrain.ts';
import { SCORE_FLAGS, scoreCommand } from './score.ts';
import { STUDY_FLAGS, studyCommand } from './study.ts';
import { TRAIN_FLAGS, trainCommand } from './train.ts';
import { TRANSFER_FLAGS, transferCommand } from './transfer.ts';
import { WORKER_FLAGS } from './queue/flags.ts';

const COMMANDS: Record<string, { flags: FlagTable; run: (argv: string[]) => Promise<void> }> = {
  pretrain: { flags: PRETRAIN_FLAGS, run: pretrainCommand },
  'model-report': { flags: MODEL_REPORT_FLAGS, run: modelReportCommand },
  train: { flags: TRAIN_FLAGS, run: trainCommand },
  eval: { flags: EVAL_FLAGS, run: evalCommand },
  experiment: { flags: EXPERIMENT_FLAGS, run: experimentCommand },
  score: { flags: SCORE_FLAGS, run: scoreCommand },
  transfer: { flags: TRANSFER_FLAGS, run: transferCommand },
  demo: { flags: DEMO_FLAGS, run: demoCommand },
  study: { flags: STUDY_FLAGS, run: studyCommand },
  worker: { flags: WORKER_FLAGS, run: async (argv) => (await import('./queue/worker.ts')).workerCommand(argv) },
};

const USAGE = `usage: npm run gvu -- <command> [--key=value ...]; npm run gvu -- <command> --help lists its flags\ncommands: ${Object.keys(COMMANDS).join(', ')}`;

/** The user's mistake, said in words: our InputErrors, and the OS refusing a file (ENOENT, EACCES, ENOSPC). */
const isUserError = (e: unknown): e is Error =>
  e instanceof InputError || (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'syscall' in e);

async function main(args: string[]): Promise<number> {
  const [name, ...argv] = args;
  const cmd = name === undefined ? undefined : COMMANDS[name];
  if (name === '--help' || name === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (!cmd) {
    console.error(name === undefined ? USAGE : `unknown command ${JSON.stringify(name)}\n${USAGE}`);
    return 2;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(flagHelp(name, cmd.flags));
    return 0;
  }
  try {
    await cmd.run(argv);
    return 0;
  } catch (e) {
    if (!isUserError(e)) throw e;
    console.error(`gvu ${name}: ${e.message}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
