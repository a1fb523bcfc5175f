// Errors that cross the worker boundary. Comlink carries only name, message and stack, so the
// meaning lives in `name` (what kind of failure) and `message` (which file, field, word is at fault).

/** Bad input from a user, a file or a caller: fix the input, not the code. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A long job stopped because its CancelSignal fired; `message` says where it stopped. */
export class AbortError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AbortError';
  }
}

/**
 * What a long job polls between its steps. An AbortSignal is one; so is the worker's view of a
 * flag in shared memory (workers/engine/jobControl.ts), which the page can set while the worker
 * never returns to its event loop.
 */
export interface CancelSignal {
  readonly aborted: boolean;
}
