import { describe, expect, test } from 'vitest';
import type { GvuLogRow } from '../../../src/core/gvu/trainer.ts';
import { type RunFile, parseRunLog, readCliRun, runEvalsJsonl, runLogJsonl } from '../../../src/core/io/runFolder.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const row = (step: number, extra: Partial<GvuLogRow> = {}): GvuLogRow => ({
  step, rewardMean: 0.3 + step / 100, rewardStd: 0.1, judgePass: 0.25, judgeStrict: 0.25, rolloutAuc: NaN, loss: -0.01, kl: 0.001 * step,
  clipFrac: 0, ratioMean: 1, gradNorm: 0.5, skipped: 0, seconds: 1.5, ...extra,
});
const evalsText = runEvalsJsonl([{ step: 0, valOverall: 0.5, valStrict: 0.4 }, { step: 2, valOverall: 0.75, valStrict: 0.6 }]);
const adapterJson = '{"peft_type":"LORA","r":8}';
const weights = new Uint8Array([1, 2, 3, 4]);

function cliFolder(name: string, adapterDir: 'adapter' | 'checkpoint' | null): RunFile[] {
  const files: RunFile[] = [
    { path: `${name}/log.jsonl`, bytes: enc(runLogJsonl([row(1), row(2)])) },
    { path: `${name}/eval.jsonl`, bytes: enc(evalsText) },
    { path: `${name}/checkpoint/state.json`, bytes: enc(JSON.stringify({ step: 2, adamStep: 4, run: { steps: 2, lr: 0.001, groupSize: 2 } })) },
  ];
  if (adapterDir) {
    files.push({ path: `${name}/${adapterDir}/adapter_config.json`, bytes: enc(adapterJson) }, { path: `${name}/${adapterDir}/adapter_model.safetensors`, bytes: weights });
  }
  return files;
}

describe('readCliRun: a run folder as `gvu train --out` writes it', () => {
  test('log rows, validation rows, the saved config and the finished adapter', () => {
    const files = [...cliFolder('run7', 'checkpoint'), { path: 'run7/adapter/adapter_config.json', bytes: enc('{"final":1}') }, { path: 'run7/adapter/adapter_model.safetensors', bytes: new Uint8Array([9]) }];
    const run = readCliRun(files);
    expect(run.name).toBe('run7');
    expect(run.log.map((r) => r.step)).toEqual([1, 2]);
    expect(run.log[1].kl).toBeCloseTo(0.002, 12);
    expect(Number.isNaN(run.log[0].rolloutAuc)).toBe(true); // null in the file, NaN again here
    expect(run.evals).toEqual([{ step: 0, valOverall: 0.5, valStrict: 0.4 }, { step: 2, valOverall: 0.75, valStrict: 0.6 }]);
    expect(run.config).toEqual({ steps: 2, lr: 0.001, groupSize: 2 });
    expect(run.adapterFrom).toBe('adapter'); // the finished adapter, not the checkpoint's
    expect(run.adapter?.['adapter_config.json']).toBe('{"final":1}');
  });

  test('a stopped run: the checkpoint adapter; no adapter at all is allowed', () => {
    expect(readCliRun(cliFolder('r', 'checkpoint')).adapterFrom).toBe('checkpoint');
    const none = readCliRun(cliFolder('r', null));
    expect(none.adapter).toBeNull();
    expect(none.log).toHaveLength(2);
  });

  test('files picked on their own (no folder) are read from the root', () => {
    const run = readCliRun([
      { path: 'log.jsonl', bytes: enc(runLogJsonl([row(1)])) },
      { path: 'adapter_config.json', bytes: enc(adapterJson) },
      { path: 'adapter_model.safetensors', bytes: weights },
    ]);
    expect(run.adapterFrom).toBe('');
    expect(run.adapter?.['adapter_model.safetensors']).toBe(weights);
  });

  test('refusals name the file and what is wrong', () => {
    expect(() => readCliRun([{ path: 'x/notes.txt', bytes: enc('hi') }])).toThrow(/no log\.jsonl among the 1 picked file\(s\) \(x\/notes\.txt\)/);
    expect(() => readCliRun([...cliFolder('a', null), ...cliFolder('b', null)])).toThrow(/holds 2 runs \(a\/log\.jsonl, b\/log\.jsonl\)/);
    expect(() => readCliRun([{ path: 'r/log.jsonl', bytes: enc('{"step":1,"rewardMean":0.5,"kl":"x","loss":0,"judgePass":0}\n') }]))
      .toThrow(/^r\/log\.jsonl:1: "kl" must be a number; got "x"$/);
    expect(() => readCliRun([{ path: 'r/log.jsonl', bytes: enc('\n{"step":1,\n') }])).toThrow(/^r\/log\.jsonl:2: not JSON/);
    expect(() => readCliRun([{ path: 'r/log.jsonl', bytes: enc('') }])).toThrow(/r\/log\.jsonl has no step rows/);
    const half = cliFolder('r', 'adapter').filter((f) => !f.path.endsWith('.safetensors'));
    expect(() => readCliRun(half)).toThrow(/^r\/adapter has adapter_config\.json but not adapter_model\.safetensors$/);
  });

  test('runLogJsonl writes what parseRunLog reads (the CLI layout)', () => {
    const rows = [row(1, { skipReason: 'NaN in loss' }), row(2)];
    const back = parseRunLog(runLogJsonl(rows), 'log.jsonl');
    expect(back[0].skipReason).toBe('NaN in loss');
    expect(back).toEqual(rows);
  });
});
