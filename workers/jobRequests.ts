// The layout of the control array the page shares with the engine worker (workers/engine/jobControl.ts
// reads it, src/ui/engine.ts writes it). Plain constants, so the page imports no engine code.

/** Slots of the Int32Array. */
export const CONTROL = { request: 0, beat: 1 } as const;
export const CONTROL_BYTES = 8;

/** What the page asks of the running job. */
export const REQUEST = { none: 0, cancel: 1, pause: 2 } as const;
export type JobRequest = (typeof REQUEST)[keyof typeof REQUEST];
