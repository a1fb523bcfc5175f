// Errors that cross the worker boundary. Comlink carries only name, message and stack, so the
// meaning lives in `name` (what kind of failure) and `message` (which file, field, word is at fault).

/** Bad input from a user, a file or a caller: fix the input, not the code. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A long job stopped because its AbortSignal fired; `message` says where it stopped. */
export class AbortError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AbortError';
  }
}
