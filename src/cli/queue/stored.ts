// Scored images in Redis, keyed by (prompt hash, seed) within a hash per (model, adapter,
// settings). Written with HSETNX, so a chunk that runs twice (a worker killed, a lock lost: BullMQ
// is at-least-once) leaves each image stored once, the first value kept. An image is its
// ScoredRow plus its PNG (what one-machine score writes to images/), or the error that stopped its
// prompt; the producer reads them back in input order.
import type { ScoredRow } from '../../core/io/results.ts';

export type StoredImage =
  | { readonly row: ScoredRow; readonly png: string } // png: base64
  | { readonly error: string; readonly line: number; readonly prompt: string; readonly seed: number; readonly imageIndex: number };

export const imageField = (promptHash: string, seed: number): string => `${promptHash}:${seed}`;

export const encodeStored = (x: StoredImage): string => JSON.stringify(x);

export function decodeStored(text: string, where: string): StoredImage {
  const v = JSON.parse(text) as Partial<{ row: ScoredRow; png: string; error: string }>;
  if (typeof v.error === 'string' || (v.row && typeof v.png === 'string')) return v as StoredImage;
  throw new Error(`${where}: a stored image that is neither a row nor an error`);
}
