// An output folder that a failed command does not leave behind half-written. A folder (or its
// parents) made by this call is removed when the work throws, unless it now holds finished work a
// resumed run continues from (a checkpoint, an adapter): hours of training are never thrown away.
// A folder that existed before the call is never removed; a user may be resuming a run in it.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTER_CONFIG_FILE } from '../core/model/adapter.ts';

/** Files that mark finished work: a checkpoint names its step in state.json last; an adapter's config. */
const FINISHED_WORK_FILES = new Set(['state.json', ADAPTER_CONFIG_FILE]);

export async function withOutputDir<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const created = mkdirSync(dir, { recursive: true }); // the topmost folder made, or undefined if dir was there
  try {
    return await work();
  } catch (e) {
    if (created !== undefined && existsSync(created) && !holdsFinishedWork(created)) rmSync(created, { recursive: true, force: true });
    throw e;
  }
}

function holdsFinishedWork(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? holdsFinishedWork(join(dir, e.name)) : FINISHED_WORK_FILES.has(e.name),
  );
}
