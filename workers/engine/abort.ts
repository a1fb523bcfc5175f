// One cancellable job at a time (generate, batch, compare): cancel() aborts the current controller.
let current: AbortController | null = null;

export function beginJob(): AbortSignal {
  current = new AbortController();
  return current.signal;
}

export function cancelJob(): void {
  current?.abort();
}
