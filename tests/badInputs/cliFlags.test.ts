// Bad command lines, run through the real entry point (`node --import tsx src/cli/gvu.ts`) as a
// user runs them: each ends with exit code 2 and exactly one line on stderr (no class name, no
// stack trace), before any model work, and leaves the file system as it found it: no new output
// folder, and a run folder being resumed byte for byte as it was.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LORA_TARGETS } from '../../src/core/model/lora.ts';
import { TAGS } from '../../src/core/world/spec.ts';

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52];
const NOT_TEXT = 'not UTF-8 or UTF-16 text (a binary file such as an image, or another encoding); save prompts as UTF-8 TXT, CSV or JSONL';

interface CliCase {
  readonly name: string;
  readonly args: (dir: string) => string[];
  readonly stderr: (dir: string) => string; // the whole of stderr, trimmed
  readonly setup?: (dir: string) => void; // input files the command is given
}

const CASES: readonly CliCase[] = [
  // score
  { name: 'a choice flag with a value not on the list (score --teacher=bogus)', args: (d) => ['score', '--teacher=bogus', `--out=${d}/fresh`],
    stderr: () => 'gvu score: --teacher must be one of frozen, policy; got "bogus"' },
  { name: 'a boolean flag that is not true or false (score --images=maybe)', args: (d) => ['score', '--images=maybe', `--out=${d}/fresh`],
    stderr: () => 'gvu score: --images must be true or false (or yes/no, 1/0), got "maybe"' },
  { name: 'a file flag with no value (score --prompts)', args: (d) => ['score', '--prompts', `--out=${d}/fresh`],
    stderr: () => 'gvu score: --prompts needs a value, e.g. --prompts=FILE' },
  { name: 'a file flag whose value is written after a space', args: (d) => ['score', '--prompts', 'mine.txt', `--out=${d}/fresh`],
    stderr: () => 'gvu score: --prompts needs a value, e.g. --prompts=FILE (with "=": --prompts=mine.txt)' },
  { name: 'a number flag with an empty value (score --groupSize=)', args: (d) => ['score', '--groupSize=', `--out=${d}/fresh`],
    stderr: () => 'gvu score: --groupSize needs a value, e.g. --groupSize=4' },
  { name: 'a prompt file that does not exist', args: (d) => ['score', `--prompts=${d}/missing.txt`, `--out=${d}/fresh`],
    stderr: (d) => `gvu score: prompt file not found: ${d}/missing.txt` },
  { name: 'a PNG given as the prompt file', setup: (d) => writeFileSync(join(d, 'image.png'), new Uint8Array(PNG_HEAD)),
    args: (d) => ['score', `--prompts=${d}/image.png`, `--out=${d}/fresh`], stderr: (d) => `gvu score: ${d}/image.png:1: ${NOT_TEXT}` },
  { name: 'an empty prompt file, scored into a folder that already holds results', setup: (d) => writeFileSync(join(d, 'empty.txt'), ''),
    args: (d) => ['score', `--prompts=${d}/empty.txt`, `--out=${d}/resumed`], stderr: (d) => `gvu score: ${d}/empty.txt: the file is empty; write one prompt per line` },
  { name: 'the policy as teacher without an adapter', args: (d) => ['score', '--teacher=policy', `--out=${d}/fresh`],
    stderr: () => 'gvu score: --teacher=policy scores with base + adapter; give --adapter=DIR too' },
  { name: 'score --status without --queue', args: (d) => ['score', '--status', `--out=${d}/fresh`],
    stderr: () => 'gvu score: --status reports on a queued run; give --queue=redis://HOST:PORT/DB too' },
  { name: 'a --queue that is not a Redis address', args: (d) => ['score', '--queue=localhost:6379', `--out=${d}/fresh`],
    stderr: () => 'gvu score: --queue must start with redis:// (or rediss://), got "localhost:6379"' },
  { name: 'a worker without --queue', args: () => ['worker'], stderr: () => 'gvu worker: --queue is required, e.g. --queue=redis://127.0.0.1:6379/0' },
  // train
  { name: 'the issue\'s --teacher=bogus on train', args: (d) => ['train', '--teacher=bogus', `--out=${d}/fresh`],
    stderr: () => 'gvu train: --teacher must be one of frozen, policy; got "bogus"' },
  { name: 'a misspelt flag', args: (d) => ['train', '--teachr=policy', `--out=${d}/fresh`],
    stderr: () => 'gvu train: unknown flag --teachr for train (did you mean --teacher?); see npm run gvu -- train --help' },
  { name: 'a fractional step count', args: (d) => ['train', '--steps=1.5', `--out=${d}/resumed`],
    stderr: () => 'gvu train: --steps must be a whole number, got "1.5"' },
  { name: 'a word where a number goes', args: (d) => ['train', '--lr=fast', `--out=${d}/fresh`],
    stderr: () => 'gvu train: --lr must be a number, got "fast"' },
  { name: 'a flag given twice', args: (d) => ['train', '--steps=5', '--steps=6', `--out=${d}/fresh`],
    stderr: () => 'gvu train: --steps is given twice ("5" and "6"); give it once' },
  { name: 'a bare word among the flags', args: (d) => ['train', 'fast', `--out=${d}/fresh`],
    stderr: () => 'gvu train: unexpected argument "fast" for train; flags are written --key=value' },
  { name: 'a prompt set that is not shipped, into a run folder being resumed', args: (d) => ['train', '--prompts=nosuchset', `--out=${d}/resumed`],
    stderr: () => 'gvu train: prompt file not found: public/data/prompts/nosuchset.jsonl (the shipped sets are demo, pool, test, train, val)' },
  { name: 'an unknown LoRA target', args: (d) => ['train', '--loraTargets=bogus', `--out=${d}/fresh`],
    stderr: () => `gvu train: lora config: unknown target "bogus"; valid: ${LORA_TARGETS.join(', ')}` },
  { name: 'a training setting out of range (checked by the trainer\'s own table, before any folder)', args: (d) => ['train', '--groupSize=1', `--out=${d}/fresh`],
    stderr: () => 'gvu train: GvU config: group size (groupSize): must be an integer from 2 to 64 (GRPO compares images within a group); got 1' },
  { name: 'a config file that does not exist', args: (d) => ['train', `--config=${d}/run.json`, `--out=${d}/fresh`],
    stderr: (d) => `gvu train: config file not found: ${d}/run.json` },
  { name: 'a config file with a misspelt key', setup: (d) => writeFileSync(join(d, 'run.json'), '{"stepz": 3}'),
    args: (d) => ['train', `--config=${d}/run.json`, `--out=${d}/fresh`],
    stderr: (d) => `gvu train: ${d}/run.json: unknown flag "stepz" for train (did you mean --steps?); see npm run gvu -- train --help` },
  // eval, model-report
  { name: 'an adapter folder that does not exist', args: (d) => ['eval', `--adapter=${d}/no-adapter`, `--out=${d}/eval.json`],
    stderr: (d) => `gvu eval: adapter directory not found: ${d}/no-adapter` },
  { name: 'a file where the model folder goes', args: (d) => ['eval', '--model=README.md', `--out=${d}/eval.json`],
    stderr: () => 'gvu eval: model directory README.md is a file; give the folder that holds it' },
  { name: 'a group size of zero', args: (d) => ['model-report', '--groupSize=0', `--out=${d}/model.json`],
    stderr: () => 'gvu model-report: --groupSize must be at least 1, got 0' },
  // experiment, transfer, pretrain
  { name: 'an unknown kind of run in a list', args: (d) => ['experiment', '--runs=gvu,bogus', `--out=${d}/fresh`, `--results=${d}/results`],
    stderr: () => 'gvu experiment: --runs must be a comma-separated list of gvu, judge, coevolve, sequence, g2; got "bogus" in "gvu,bogus"' },
  { name: 'a word in a list of seeds', args: (d) => ['experiment', '--seeds=0,x', `--out=${d}/fresh`, `--results=${d}/results`],
    stderr: () => 'gvu experiment: --seeds must be whole numbers separated by commas, e.g. --seeds=0,1,2; got "0,x"' },
  { name: 'an unknown category', args: (d) => ['transfer', '--category=dogs', `--out=${d}/fresh`, `--results=${d}/t.json`],
    stderr: () => `gvu transfer: --category must be one of ${TAGS.join(', ')}; got "dogs"` },
  { name: 'a zero among the K sizes', args: (d) => ['transfer', '--sizes=16,0', `--out=${d}/fresh`, `--results=${d}/t.json`],
    stderr: () => 'gvu transfer: --sizes must be at least 1, got 0' },
  { name: 'a learning rate of zero', args: (d) => ['pretrain', '--lr=0', `--out=${d}/fresh`, `--export=${d}/model`],
    stderr: () => 'gvu pretrain: --lr must be above 0, got 0' },
  { name: 'a dropout above one, into a pretraining run being resumed', args: (d) => ['pretrain', '--promptDropout=1.5', `--out=${d}/resumed`, `--export=${d}/model`],
    stderr: () => 'gvu pretrain: --promptDropout must be at most 1, got 1.5' },
  { name: 'a hexadecimal number', args: (d) => ['pretrain', '--steps=0x10', `--out=${d}/fresh`, `--export=${d}/model`],
    stderr: () => 'gvu pretrain: --steps must be a number, got "0x10"' },
  // the entry point
  { name: 'an unknown command', args: () => ['trian', '--steps=5'],
    stderr: () => 'unknown command "trian"\nusage: npm run gvu -- <command> [--key=value ...]; npm run gvu -- <command> --help lists its flags\ncommands: pretrain, model-report, train, eval, experiment, score, transfer, demo, study, worker' },
];

/** Every file under dir with its bytes: equal before and after means nothing was made, changed or removed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out[`${relative(dir, p)}/`] = '';
        walk(p);
      } else out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** A run folder a user is resuming: a checkpoint and a log that no refused command may touch. */
function makeResumedRun(dir: string): void {
  mkdirSync(join(dir, 'resumed', 'checkpoint'), { recursive: true });
  writeFileSync(join(dir, 'resumed', 'checkpoint', 'state.json'), '{"step": 40}\n');
  writeFileSync(join(dir, 'resumed', 'log.jsonl'), '{"step": 40, "loss": 1.5}\n');
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('gvu command line', () => {
  it.each(CASES)('bad input: $name', (c) => {
    const dir = mkdtempSync(join(tmpdir(), 'gvu-flags-'));
    dirs.push(dir);
    makeResumedRun(dir);
    c.setup?.(dir);
    const before = snapshot(dir);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/gvu.ts', ...c.args(dir)], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr.trim()).toBe(c.stderr(dir));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(snapshot(dir)).toEqual(before);
  });

  it('lists a command\'s flags with their forms and defaults on --help', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/gvu.ts', 'score', '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--teacher=frozen|policy');
    expect(r.stdout).toContain('--images=true|false');
    expect(r.stdout).toContain('(default public/data/prompts/test.jsonl)');
  });
});
