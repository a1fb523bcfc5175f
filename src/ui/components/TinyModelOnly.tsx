// Training runs on the tiny model only (the project builds training graphs for it alone). With
// another family open, the view says so plainly,
// with the way back, instead of failing when a job starts (the engine refuses it in words too).
import { useStore } from '../store/index.ts';

export function TinyModelOnly({ what }: { what: string }) {
  const family = useStore((s) => s.model?.family ?? null);
  const close = useStore((s) => s.closeEngineModel);
  const busy = useStore((s) => Boolean(s.busy) || s.engineModel.phase !== 'idle');
  if (!family) return null;
  return (
    <p className="note" role="status" data-testid="tiny-model-only">
      {what} works with the tiny model only; {family.label} is open in the engine (Inspect uses it).{' '}
      <button type="button" disabled={busy} onClick={() => void close()}>Back to the tiny model</button>
    </p>
  );
}
