// familyOfConfig tells the families apart from config.json alone: the shipped tiny UMM, a
// MultiModality export (the Janus fixture's config), and anything else (null).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJson } from '../../../src/cli/janusFixture/configs.ts';
import { familyOfConfig } from '../../../src/core/families/family.ts';

describe('familyOfConfig', () => {
  it('names the tiny UMM, Janus, or nothing', () => {
    expect(familyOfConfig(JSON.parse(readFileSync('public/models/tiny-umm/config.json', 'utf8')))).toBe('tiny-umm');
    expect(familyOfConfig(configJson())).toBe('janus');
    expect(familyOfConfig({ model_type: 'llama' })).toBeNull();
    expect(familyOfConfig('multi_modality')).toBeNull();
  });
});
