// One batch row full size, in a modal <dialog> (Esc and the backdrop close it): the image, its heat
// strip of p(word | image) from the stored row, and, for a clicked word, the occlusion map over the
// image (computed by the engine on request, as on Inspect).
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { diverging, viridis } from '../../colour.ts';
import { HeatStrip, ScaleLegend } from '../../components/HeatStrip.tsx';
import { PixelImage } from '../../components/PixelImage.tsx';
import { useStore } from '../../store/index.ts';
import { JudgeBadge } from './JudgeBadge.tsx';

const FULL_PX = 384;

export function RowDetail() {
  const { detail, maps, word, loading, note } = useStore(useShallow((s) => ({
    detail: s.batchDetail, maps: s.batchDetailMaps, word: s.batchDetailWord, loading: s.batchDetailLoading, note: s.batchDetailNote,
  })));
  const a = useStore(useShallow((s) => ({ close: s.closeBatchDetail, select: s.selectBatchDetailWord })));
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (detail && !d.open) d.showModal();
    if (!detail && d.open) d.close();
  }, [detail]);
  const map = word !== null && maps ? maps[word] : null;
  const scale = map ? Math.max(1e-6, ...Array.from(map.heat, Math.abs)) : 1;
  return (
    <dialog ref={ref} className="row-detail" data-testid="batch-detail" onClose={a.close}
      onClick={(e) => { if (e.target === ref.current) a.close(); }} aria-label="Batch image detail">
      {detail && (
        <div className="row-detail-body">
          <div className="row-detail-head">
            <h3>{detail.row.prompt}</h3>
            <button type="button" data-testid="batch-detail-close" onClick={a.close} aria-label="Close">✕</button>
          </div>
          <p className="section-note">
            line {detail.row.line}, image {detail.row.imageIndex} of its group · seed {detail.row.seed} · reward{' '}
            <strong className="mono" data-testid="batch-detail-reward">{detail.row.reward.toFixed(4)}</strong> · ShapesEval <JudgeBadge row={detail.row} />
          </p>
          {detail.row.judgeReasons.length > 0 && <p className="muted">{detail.row.judgeReasons.join('; ')}</p>}
          <div className="row-detail-main">
            <PixelImage pixels={detail.image} size={FULL_PX} label={`${detail.row.prompt}, image ${detail.row.imageIndex + 1}, full size`}
              overlay={map ? { heat: map.heat, scale, opacity: 0.65 } : null} />
            <div className="row-detail-side">
              <ScaleLegend title="p(word | image)" scale={viridis} left="0" right="1" />
              <HeatStrip tokens={detail.row.perToken} selected={word} label="per-word p for this image" onSelect={(j) => void a.select(j)} />
              <p className="hint">Click a word for its occlusion map: each cell of the image is hidden in turn and the word rescored.</p>
              <ScaleLegend title="occlusion: log p drop" scale={diverging} from={-1} to={1} left="against" right="supports" />
              {loading && <p className="muted"><span className="spinner" aria-hidden /> Occluding each cell and rescoring…</p>}
              {map && <p className="map-note" data-testid="batch-detail-map">Occlusion map of <strong>{map.word}</strong> (max |Δlog p| {scale.toFixed(3)})</p>}
              {note && <p className="note" role="status">{note}</p>}
            </div>
          </div>
        </div>
      )}
    </dialog>
  );
}
