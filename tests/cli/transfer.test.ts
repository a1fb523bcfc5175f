// The transfer study end to end at smoke size on the shipped model: it trains one run per K on its
// own prompts, keeps siblings out of every run, and writes the pass rates it measured.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transferCommand } from '../../src/cli/transfer.ts';
import { parseSpecJsonl } from '../../src/core/world/index.ts';

describe('gvu transfer', () => {
  it('trains on K prompts of the category, never on the siblings, and records before/after pass rates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'transfer-'));
    const results = join(dir, 'transfer.json');
    await transferCommand(['--sizes=2,3', '--siblings=2', '--steps=1', '--evalGroupSize=2', `--out=${dir}`, `--results=${results}`]);
    const out = JSON.parse(readFileSync(results, 'utf8'));
    const siblings = new Set(parseSpecJsonl(readFileSync(join(dir, 'siblings.jsonl'), 'utf8'), 'siblings.jsonl').map((s) => s.prompt));
    expect(siblings.size).toBe(2);
    expect(out.runs.map((r: { k: number }) => r.k)).toEqual([2, 3]);
    // Goldens (deterministic: shipped model, fixed seeds), measured once and written down: the
    // base passes none of the trained color_pos prompts and half the siblings' images, and one step
    // moves neither.
    expect(out.runs.map((r: Record<string, number>) => [r.k, r.trained_before, r.trained_after, r.siblings_before, r.siblings_after]))
      .toEqual([[2, 0, 0, 0.5, 0.5], [3, 0, 0, 0.5, 0.5]]);
    for (const r of out.runs) {
      const trained = parseSpecJsonl(readFileSync(join(dir, `intrinsic-k${r.k}`, 'prompts.jsonl'), 'utf8'), 'prompts.jsonl');
      expect(trained).toHaveLength(r.k);
      expect(new Set(trained.map((s) => s.tag))).toEqual(new Set(['color_pos']));
      for (const s of trained) expect(siblings.has(s.prompt), s.prompt).toBe(false);
      expect(readFileSync(join(dir, `intrinsic-k${r.k}`, 'log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    }
    const k2 = readFileSync(join(dir, 'intrinsic-k2', 'prompts.jsonl'), 'utf8');
    expect(readFileSync(join(dir, 'intrinsic-k3', 'prompts.jsonl'), 'utf8').startsWith(k2)).toBe(true); // nested sets
  }, 120_000);

  it('names a category too small for the siblings and the largest K', async () => {
    await expect(transferCommand(['--category=two_object', '--sizes=4', '--siblings=2'])).rejects.toThrow(/has 1 two_object prompts; siblings \+ largest K need 6/);
  });
});
