// A Janus model folder on disk for the CLI: files read with node:fs, and sessions created from
// file paths so onnxruntime-node reads each graph's .onnx_data chunks beside it (no 2 GB buffers).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { familyOfConfig } from '../core/families/family.ts';
import type { ModelFolder } from '../core/families/janus/folder.ts';
import { type JanusLoadOptions, type JanusModel, type JanusSessionFactory, loadJanus } from '../core/families/janus/load.ts';
import { createNodeSession } from '../core/runtime/node.ts';

export function nodeModelFolder(dir: string): ModelFolder {
  return {
    location: dir,
    exists: async (path) => existsSync(join(dir, path)) && statSync(join(dir, path)).isFile(),
    read: async (path) => new Uint8Array(readFileSync(join(dir, path))),
  };
}

export const nodeJanusSession: JanusSessionFactory = (file, folder) => createNodeSession(join(folder.location, file.path));

export function openJanus(dir: string, opts: JanusLoadOptions = {}): Promise<JanusModel> {
  return loadJanus(nodeModelFolder(dir), nodeJanusSession, opts);
}

/** Whether `dir` holds a MultiModality (Janus) export: its config.json says model_type multi_modality. */
export function isJanusFolder(dir: string): boolean {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return false;
  try {
    return familyOfConfig(JSON.parse(readFileSync(file, 'utf8'))) === 'janus';
  } catch {
    return false; // not JSON: the loader that reads it names the problem
  }
}
