// How the views name where the engine's adapter came from: one wording for the Train and Model views.
import type { AdapterInfo } from '../../workers/engineApi.ts';

export function adapterOrigin(a: AdapterInfo): string {
  if (a.source === 'trained') return `trained${a.step !== null ? ` at step ${a.step}` : ''}`;
  if (a.source === 'run') return `from the kept run ${a.label ?? ''}`.trimEnd();
  if (a.source === 'shipped') return `shipped: ${a.label ?? 'headline GvU adapter'}`;
  return 'uploaded';
}
