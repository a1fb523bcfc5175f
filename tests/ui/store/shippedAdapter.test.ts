// The shipped adapter's files and the comparison's prompt pick: the card names what the grid needs,
// the files decode as a LoRA of the shipped model (the same check an upload gets), and the grid
// takes the first test prompt of each category.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parsePromptSet } from '../../../src/core/io/promptSet.ts';
import { decodeAdapter } from '../../../src/core/model/adapter.ts';
import { onePerCategory } from '../../../src/ui/store/shippedAdapterSlice.ts';

const DIR = 'public/adapters/gvu-headline';
const testSpecs = parsePromptSet(readFileSync('public/data/prompts/test.jsonl', 'utf8'), 'test.jsonl').rows.flatMap((r) => (r.spec ? [r.spec] : []));

describe('shipped headline adapter', () => {
  test('its card gives the command, the test ShapesEval and the understanding that docs/results/gvu.json measured for its seed', () => {
    const card = JSON.parse(readFileSync(`${DIR}/card.json`, 'utf8'));
    const gvu = JSON.parse(readFileSync('docs/results/gvu.json', 'utf8'));
    expect(card.command).toBe('npm run gvu -- study --rows=dead_zone,dead_zone_gen_only --seeds=0');
    expect(gvu.gvu.row).toBe('dead_zone_gen_only'); // the table's best row, which the headline preset trains
    expect(gvu.budget).toMatchObject({ steps_per_run: 1500, images_per_step: 128, pilot: false });
    expect(card.test_shapeseval.base).toBeCloseTo(gvu.base.overall, 4);
    const row = gvu.rows.dead_zone_gen_only;
    expect(row.seed_ids[0]).toBe(0);
    expect(card.test_shapeseval.adapter).toBeCloseTo(row.per_seed_overall[0], 4); // seed 0 of the row
    expect(card.understanding.adapter).toBeCloseTo(row.understanding, 4); // generation-only: the base's
  });

  test('its files decode as a LoRA of the shipped model, every tensor finite', () => {
    const cfg = JSON.parse(readFileSync('public/models/tiny-umm/config.json', 'utf8'));
    const { lora, weights, warnings } = decodeAdapter({
      'adapter_config.json': readFileSync(`${DIR}/adapter_config.json`, 'utf8'),
      'adapter_model.safetensors': new Uint8Array(readFileSync(`${DIR}/adapter_model.safetensors`)),
    }, cfg);
    expect(lora.rank).toBe(8);
    expect(warnings).toEqual([]);
    const params = Object.values(weights).reduce((n, t) => n + t.data.length, 0);
    expect(params).toBe(76_440);
  });

  test('the comparison takes the first test prompt of each category, in file order', () => {
    const picked = onePerCategory(testSpecs);
    const tags = [...new Set(testSpecs.map((s) => s.tag))];
    expect(picked).toHaveLength(tags.length);
    expect(picked).toEqual(tags.map((t) => testSpecs.find((s) => s.tag === t)!.prompt));
  });
});
