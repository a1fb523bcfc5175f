// The committed model (public/models/tiny-umm) loads and, on a small fixed subset with fixed seeds,
// reproduces its model card's smoke numbers exactly: the counts are written here, not recomputed by
// the code under test, and one wrong pair or one flipped image breaks them. The model card's
// headline numbers are the ones in docs/results/model.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { smokeNumbers } from '../../src/cli/modelReport.ts';
import { loadModel } from '../../src/cli/modelFiles.ts';
import { loadPromptSet } from '../../src/cli/promptSets.ts';
import { countParams } from '../../src/core/model/weights.ts';

describe('the shipped tiny UMM', () => {
  it('loads and reproduces its smoke numbers to the pair and the image (237 of 240 pairs, 37 of 92 images)', async () => {
    const { cfg, weights } = loadModel('public/models/tiny-umm');
    expect(countParams(weights)).toBe(891_392);
    const got = await smokeNumbers(cfg, weights, loadPromptSet('test'));
    expect(got.prompts).toBe(23);
    expect(got.understanding_pairs).toBe(240);
    expect(Math.round(got.understanding * got.understanding_pairs)).toBe(237);
    expect(got.images).toBe(92);
    expect(Math.round(got.generation * got.images)).toBe(37);
    // The same counts are what docs/results/model.json recorded.
    const doc = JSON.parse(readFileSync('docs/results/model.json', 'utf8'));
    expect(doc.smoke.understanding).toBe(got.understanding);
    expect(doc.smoke.generation).toBe(got.generation);
  });

  it("the model card states model.json's headline numbers", () => {
    const doc = JSON.parse(readFileSync('docs/results/model.json', 'utf8'));
    const card = readFileSync('docs/model-card.md', 'utf8');
    expect(doc.params).toBe(891_392);
    expect(card).toContain('891,392 parameters');
    // Under GenEval's relation rule: understanding 98.7% of pairs, relation edits 0.895 (89.5%), generation 0.582, AUC 0.97
    expect(doc.understanding.overall.toFixed(3)).toBe('0.987');
    expect(doc.understanding.per_edit.relation.toFixed(3)).toBe('0.895');
    expect(doc.generation.overall.toFixed(3)).toBe('0.582');
    for (const s of ['**0.895** (582)', '**0.987**', '**0.582 ± 0.008**', 'AUC 0.970']) expect(card, s).toContain(s);
    expect(doc.reward_auc_within_group.toFixed(2)).toBe('0.97');
    const readme = readFileSync('README.md', 'utf8');
    for (const s of ['98.7%', 'relations 89.5%', 'generation 0.582', 'AUC 0.97']) expect(readme, s).toContain(s);
  });
});
