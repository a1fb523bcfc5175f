// The Node command line: `npm run gvu -- <command> [--key=value ...]`.
import { evalCommand } from './evaluate.ts';
import { experimentCommand } from './experiment.ts';
import { modelReportCommand } from './modelReport.ts';
import { pretrainCommand } from './pretrain.ts';
import { scoreCommand } from './score.ts';
import { trainCommand } from './train.ts';
import { transferCommand } from './transfer.ts';

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  pretrain: pretrainCommand,
  'model-report': modelReportCommand,
  train: trainCommand,
  eval: evalCommand,
  experiment: experimentCommand,
  score: scoreCommand,
  transfer: transferCommand,
};

async function main(): Promise<void> {
  const [cmd, ...argv] = process.argv.slice(2);
  const run = cmd ? COMMANDS[cmd] : undefined;
  if (!run) {
    console.error(`usage: npm run gvu -- <command> [--key=value ...]\ncommands: ${Object.keys(COMMANDS).join(', ')}`);
    process.exit(2);
  }
  await run(argv);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
