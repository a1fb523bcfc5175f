// One batch job, one owner tab. The tab holding the Web Lock `gvu-batch:<job id>` runs the job;
// other tabs on the same job watch it: the owner announces each stored row and each state change on
// a BroadcastChannel, and watchers read them back from IndexedDB. When the owner goes away (closed,
// crashed) its lock is released and a watcher that still wants the job takes it over.

import type { BatchRecord } from './batchDb.ts';

const lockName = (jobId: string) => `gvu-batch:${jobId}`;

/** Frees a held lock. */
export type Release = () => void;

function request(jobId: string, options: LockOptions): Promise<Release | null> {
  return new Promise((resolve, reject) => {
    navigator.locks.request(lockName(jobId), options, (lock) => {
      if (!lock) {
        resolve(null);
        return undefined;
      }
      return new Promise<void>((release) => resolve(release));
    }).catch(reject);
  });
}

/** The job's lock if no tab holds it, else null (another tab owns the job). */
export const tryOwn = (jobId: string): Promise<Release | null> => request(jobId, { ifAvailable: true });

/** Resolves with the lock once the owner lets it go; rejects with an AbortError when `signal` fires. */
export const waitToOwn = (jobId: string, signal: AbortSignal): Promise<Release> =>
  request(jobId, { signal }) as Promise<Release>;

/** Whether some tab (this one included) holds the job's lock now. */
export async function isOwned(jobId: string): Promise<boolean> {
  const { held = [] } = await navigator.locks.query();
  return held.some((l) => l.name === lockName(jobId));
}

export type BatchMessage =
  | { readonly kind: 'row'; readonly jobId: string; readonly record: BatchRecord } // once stored
  | { readonly kind: 'state'; readonly jobId: string }
  | { readonly kind: 'cancel'; readonly jobId: string }
  | { readonly kind: 'jobs' }; // the list of jobs changed (added, deleted)

const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('gvu-batch');

export function announce(message: BatchMessage): void {
  channel?.postMessage(message);
}

export function onAnnouncement(listener: (message: BatchMessage) => void): void {
  channel?.addEventListener('message', (ev: MessageEvent<BatchMessage>) => listener(ev.data));
}
