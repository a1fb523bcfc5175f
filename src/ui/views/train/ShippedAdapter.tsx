// One click: the headline GvU adapter the site ships, loaded like an upload, then base vs adapter on
// the held-out test prompts in the before/after grid below (with the judge's verdicts).
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../store/index.ts';
import { SHIPPED_COMPARE_SEEDS } from '../../store/shippedAdapterSlice.ts';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function ShippedAdapter() {
  const s = useStore(useShallow((st) => ({
    card: st.shippedCard, status: st.shippedStatus, error: st.shippedError, prompts: st.shippedPrompts,
    busy: st.busy, load: st.loadShippedAdapter, tinyOnly: Boolean(st.model?.family), noModel: !st.model,
  })));
  const working = s.status === 'loading' || s.status === 'comparing';
  return (
    <section className="panel" data-testid="shipped-adapter" data-status={s.status}>
      <div className="section-head">
        <h2>Headline GvU adapter</h2>
        <button type="button" className="primary" data-testid="shipped-load" disabled={working || Boolean(s.busy) || s.tinyOnly || s.noModel}
          onClick={() => void s.load()}>
          {s.status === 'loading' ? 'Loading…' : s.status === 'comparing' ? 'Drawing base vs adapter…' : 'Load the headline GvU adapter'}
        </button>
      </div>
      {!s.card ? (
        <p className="muted">A LoRA adapter trained with RESULTS.md's headline GvU settings ships with the site. One click loads it (the same checks as an upload) and draws base vs adapter on the held-out test prompts, one per category, {SHIPPED_COMPARE_SEEDS.length} seeds each.</p>
      ) : (
        <>
          <p data-testid="shipped-card">
            <strong>{s.card.name}</strong>: test ShapesEval <strong>{pct(s.card.test_shapeseval.base)}</strong> base →{' '}
            <strong>{pct(s.card.test_shapeseval.adapter)}</strong> with the adapter ({s.card.eval}).
          </p>
          <p className="muted">{s.card.what} {s.card.caveat}.</p>
          <p className="muted">Made with <code className="mono">{s.card.command}</code></p>
          {s.status === 'done' && <p className="note" data-testid="shipped-grid-note">The grid below: {s.prompts.length} test prompts (never trained on), same seeds on both sides; ✓/✗ is the judge's verdict per image.</p>}
        </>
      )}
      {s.error && <p className="error-text" role="alert" data-testid="shipped-error">{s.error}</p>}
    </section>
  );
}
