// `gvu score --model=<Janus folder>` end to end through the real entry point, on the tiny fixture:
// G images per prompt, written as the tiny model's score writes them (results.jsonl and .csv that
// read back to the same rows, one PNG per image), each row's reward the one the Janus family gives
// for the same seed; no ShapesEval verdict on non-ShapesWorld images; Janus-only refusals.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeJanusFixture } from '../../src/cli/janusFixture/writeFixture.ts';
import { openJanus } from '../../src/cli/janusFolder.ts';
import { janusFamily } from '../../src/core/families/janus/family.ts';
import { GVU_SAMPLING } from '../../src/core/gvu/sampling.ts';
import { parseResultsCsv, parseResultsJsonl } from '../../src/core/io/results.ts';

const PROMPTS = ['a photo of a red circle', 'a photo of two blue squares'];
let tmp = '';
let model = '';

const gvu = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/gvu.ts', 'score', ...args], { encoding: 'utf8', timeout: 60_000 });

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gvu-score-janus-'));
  model = join(tmp, 'janus-tiny');
  writeJanusFixture(model);
  writeFileSync(join(tmp, 'prompts.txt'), `${PROMPTS.join('\n')}\n`);
});

describe('gvu score --model=<Janus folder>', () => {
  it('scores G images per prompt and writes rows, CSV, JSONL and PNGs that agree with the family run directly', async () => {
    const out = join(tmp, 'out');
    const r = gvu(`--model=${model}`, `--prompts=${join(tmp, 'prompts.txt')}`, `--out=${out}`, '--groupSize=2', '--seed=10');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Janus (multi_modality ONNX, fp32)');
    const rows = parseResultsJsonl(readFileSync(join(out, 'results.jsonl'), 'utf8'), 'results.jsonl');
    expect(rows.map((x) => [x.line, x.prompt, x.seed, x.imageIndex])).toEqual([
      [1, PROMPTS[0], 10, 0], [1, PROMPTS[0], 11, 1], [2, PROMPTS[1], 12, 0], [2, PROMPTS[1], 13, 1],
    ]);
    const csv = parseResultsCsv(readFileSync(join(out, 'results.csv'), 'utf8'), 'results.csv');
    expect(csv.map((x) => x.prompt)).toEqual(rows.map((x) => x.prompt));
    csv.forEach((x, i) => expect(x.reward).toBeCloseTo(rows[i].reward, 3));
    for (const row of rows) {
      expect(row.perToken.map((t) => t.word)).toEqual(row.prompt.split(' ')); // the word strip, BPE pieces grouped
      expect(row.judgePass).toBeNull(); // 32x32 Janus images are not ShapesWorld renders
      expect(row.tag).not.toBeNull(); // the shipped sets still name the category
      const png = decodePng(readFileSync(join(out, 'images', `line${row.line}-${row.imageIndex}.png`)));
      expect([png.width, png.height, png.channels]).toEqual([32, 32, 3]);
    }
    expect(readFileSync(join(out, 'problems.txt'), 'utf8')).toBe('');

    // The same seeds through the family in this process give the same rewards: the CLI adds nothing.
    const family = janusFamily(await openJanus(model));
    const images = await family.generate({ ...GVU_SAMPLING, cfgScale: 1, prompt: PROMPTS[1], seeds: [12, 13] });
    const scores = await family.score({ prompt: PROMPTS[1], images: images.map((x) => x.image) });
    expect(scores.map((s) => s.reward)).toEqual(rows.slice(2).map((x) => x.reward));
    const png = decodePng(readFileSync(join(out, 'images', 'line2-1.png')));
    expect(Buffer.from(png.data as Uint8Array).equals(Buffer.from(images[1].image.data))).toBe(true);
    await family.release();
  });

  it('reads free text and real GenEval metadata (COCO classes) for a Janus folder: every prompt scored, no ShapesWorld spec, no verdict', () => {
    const geneval = [
      '{"tag": "two_object", "include": [{"class": "bench", "count": 1}, {"class": "dog", "count": 1}], "prompt": "a photo of a bench and a dog"}',
      '{"tag": "single_object", "include": [{"class": "circle", "count": 1}], "prompt": "a photo of a circle"}',
    ];
    writeFileSync(join(tmp, 'free.txt'), 'an astronaut riding a horse on Mars, oil painting\n\n');
    writeFileSync(join(tmp, 'geneval.jsonl'), `${geneval.join('\n')}\n`);
    const free = gvu(`--model=${model}`, `--prompts=${join(tmp, 'free.txt')}`, `--out=${join(tmp, 'free')}`, '--groupSize=1', '--images=false');
    expect(free.stderr).toBe('');
    expect(free.status).toBe(0);
    const [row] = parseResultsJsonl(readFileSync(join(tmp, 'free', 'results.jsonl'), 'utf8'), 'results.jsonl');
    expect(row.perToken.map((t) => t.word)).toEqual(['an', 'astronaut', 'riding', 'a', 'horse', 'on', 'Mars,', 'oil', 'painting']);
    expect([row.tag, row.judgePass]).toEqual([null, null]);
    const g = gvu(`--model=${model}`, `--prompts=${join(tmp, 'geneval.jsonl')}`, `--out=${join(tmp, 'geneval')}`, '--groupSize=1', '--images=false');
    expect(g.stderr).toBe('');
    expect(g.status).toBe(0);
    const rows = parseResultsJsonl(readFileSync(join(tmp, 'geneval', 'results.jsonl'), 'utf8'), 'results.jsonl');
    expect(rows.map((x) => [x.line, x.prompt, x.tag, x.judgePass])).toEqual([
      [1, 'a photo of a bench and a dog', 'two_object', null], [2, 'a photo of a circle', 'single_object', null],
    ]);
    expect(readFileSync(join(tmp, 'geneval', 'problems.txt'), 'utf8')).toBe('');
    // The tiny UMM still refuses what it cannot read, by line.
    const tiny = gvu(`--prompts=${join(tmp, 'free.txt')}`, `--out=${join(tmp, 'tiny')}`);
    expect(tiny.status).toBe(2);
    expect(tiny.stderr).toMatch(/free\.txt:1: unknown word "astronaut"/);
  });

  it('refuses an adapter and a dtype the folder lacks, leaving no results folder', () => {
    const prompts = `--prompts=${join(tmp, 'prompts.txt')}`;
    const a = gvu(`--model=${model}`, prompts, `--out=${join(tmp, 'a')}`, `--adapter=${tmp}`);
    expect(a.stderr.trim()).toBe(`gvu score: --adapter: ${model} is a Janus folder, and the Janus family takes no adapter`);
    expect(a.status).toBe(2);
    const d = gvu(`--model=${model}`, prompts, `--out=${join(tmp, 'd')}`, '--dtype=q4f16');
    expect(d.stderr.trim()).toBe(
      `gvu score: ${model}/onnx/prepare_inputs_embeds_q4f16.onnx is missing: the prepare_inputs_embeds graph at dtype q4f16 (this folder has prepare_inputs_embeds as fp32)`,
    );
    expect(d.status).toBe(2);
    expect(existsSync(join(tmp, 'a')) || existsSync(join(tmp, 'd'))).toBe(false);
  });
});
