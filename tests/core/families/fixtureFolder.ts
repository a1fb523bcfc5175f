// A fresh copy of the Janus fixture in its own temp folder (named janus-tiny, as the layout's id).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJanusFixture } from '../../../src/cli/janusFixture/writeFixture.ts';

export function freshJanusFixture(prefix: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), prefix)), 'janus-tiny');
  writeJanusFixture(dir);
  return dir;
}
