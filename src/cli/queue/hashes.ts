// Content hashes that name a queued run and its results: the prompt file, the model and adapter
// files a worker loads, the settings an image depends on, and each prompt row. Same bytes, same
// hash, on every machine; hex, so they fit in BullMQ job ids (which may not hold ':').
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from '../../core/model/adapter.ts';
import type { PromptRow } from '../../core/io/promptSet.ts';

const HEX = 16; // 64 bits: enough to tell runs apart, short enough to read

export const sha = (...parts: (string | Uint8Array)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? `${p.length}:${p}` : p); // length-prefixed: no ambiguity between parts
  return h.digest('hex').slice(0, HEX);
};

export const fileHash = (path: string): string => sha(readFileSync(path));

/** The tiny model's two files, as loadModel reads them. */
export const modelHash = (dir: string): string => sha(readFileSync(join(dir, 'config.json')), readFileSync(join(dir, 'model.safetensors')));

/** 'none' for the base model, else the adapter's two PEFT files. */
export const adapterHash = (dir: string): string =>
  dir ? sha(readFileSync(join(dir, ADAPTER_CONFIG_FILE)), readFileSync(join(dir, ADAPTER_WEIGHTS_FILE))) : 'none';

/** A prompt row without its line: what its images depend on (text, tokens, tag, spec). */
export const promptHash = (row: PromptRow): string =>
  sha(JSON.stringify({ prompt: row.prompt, tag: row.tag, spec: row.spec, words: row.words, ids: row.ids }));
