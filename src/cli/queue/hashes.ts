// Content hashes that name a queued run and its results: the prompt file, the model and adapter
// files a worker loads, the settings an image depends on, and each prompt row. Same bytes, same
// hash, on every machine; hex, so they fit in BullMQ job ids (which may not hold ':').
import { createHash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
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

/**
 * Every file in a model folder (the tiny UMM's two, or a Janus export's config, tokenizer and
 * graphs), by relative path and content, read in 64 MB pieces so multi-GB graphs fit.
 */
export function modelHash(dir: string): string {
  const h = createHash('sha256');
  const buf = Buffer.alloc(64 << 20);
  for (const rel of filesUnder(dir)) {
    h.update(`${rel.length}:${rel}:${statSync(join(dir, rel)).size}:`);
    const fd = openSync(join(dir, rel), 'r');
    try {
      for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) h.update(buf.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
  return h.digest('hex').slice(0, HEX);
}

function filesUnder(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(sub, e.name)) : e.isFile() ? [join(sub, e.name)] : []))
    .sort();
}

/** 'none' for the base model, else the adapter's two PEFT files. */
export const adapterHash = (dir: string): string =>
  dir ? sha(readFileSync(join(dir, ADAPTER_CONFIG_FILE)), readFileSync(join(dir, ADAPTER_WEIGHTS_FILE))) : 'none';

/** A prompt row without its line: what its images depend on (text, tokens, tag, spec). */
export const promptHash = (row: PromptRow): string =>
  sha(JSON.stringify({ prompt: row.prompt, tag: row.tag, spec: row.spec, words: row.words, ids: row.ids }));
