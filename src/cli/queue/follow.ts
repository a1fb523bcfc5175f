// The producer's progress line while workers score: images done, rate, ETA, workers alive,
// failed chunks. Rate and ETA count only what finished while this producer watched.
export interface Progress {
  readonly imagesDone: number;
  readonly imagesTotal: number;
  readonly imagesAtStart: number; // already done when this producer started following
  readonly seconds: number; // since it started following
  readonly workers: number;
  readonly failedChunks: number;
}

export function progressLine(p: Progress): string {
  const rate = (p.imagesDone - p.imagesAtStart) / Math.max(p.seconds, 1e-9);
  const eta = rate > 0 ? `${((p.imagesTotal - p.imagesDone) / rate).toFixed(0)} s` : '?';
  return `${p.imagesDone}/${p.imagesTotal} images  ${rate.toFixed(1)} images/s  ETA ${eta}  ${p.workers} worker${p.workers === 1 ? '' : 's'}`
    + (p.failedChunks ? `  ${p.failedChunks} failed chunk${p.failedChunks === 1 ? '' : 's'}` : '');
}
