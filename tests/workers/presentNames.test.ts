// On WebGPU the engine asks ORT to leave language_model's present.* outputs in GPU buffers; their
// names come from config.json's layer count. A wrong list would keep the cache in JS silently, so
// the names are checked against the fixture's graph, and an unreadable config gives none.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshJanusFixture } from '../core/families/fixtureFolder.ts';
import { openJanus } from '../../src/cli/janusFolder.ts';
import { presentNames } from '../../workers/engine/family.ts';

describe('presentNames', () => {
  it('names every present.* output of the fixture\'s language_model, and nothing else', async () => {
    const dir = freshJanusFixture('present-names-');
    const model = await openJanus(dir);
    const outputs = model.sessions.language_model.outputNames.filter((n) => n.startsWith('present.'));
    await model.release();
    expect(presentNames(readFileSync(join(dir, 'config.json'))).sort()).toEqual([...outputs].sort());
    expect(outputs.length).toBe(4);
  });

  it('gives none for a missing or unreadable config (the loader then names the problem)', () => {
    expect(presentNames(undefined)).toEqual([]);
    expect(presentNames(new TextEncoder().encode('{"language_config": {}}'))).toEqual([]);
    expect(presentNames(new TextEncoder().encode('not json'))).toEqual([]);
  });
});
