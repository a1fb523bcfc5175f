// The Batch table's detail: one row's image at full size with its heat strip (from the row) and a
// word's occlusion map (computed on request by the engine, as on Inspect). The row is looked up by
// its table key, so the detail follows the open job and closes when that row is gone.
import type { WordHeat } from '../../../workers/engineApi.ts';
import type { ScoredRow } from '../../core/io/results.ts';
import { callEngine } from '../engine.ts';
import type { Slice } from './types.ts';

export interface BatchDetail {
  readonly key: string; // "record index:image index", as in visibleRows
  readonly row: ScoredRow;
  readonly image: Uint8Array;
}

export interface BatchDetailSlice {
  readonly batchDetail: BatchDetail | null;
  /** The detail image's occlusion maps, one per scored word (null: not computed yet). */
  readonly batchDetailMaps: readonly WordHeat[] | null;
  /** Index into the maps of the word drawn over the image. */
  readonly batchDetailWord: number | null;
  readonly batchDetailLoading: boolean;
  /** Why there is no map (the engine is busy, the family has none, or the error). */
  readonly batchDetailNote: string | null;

  openBatchDetail(detail: BatchDetail): void;
  closeBatchDetail(): void;
  /** Draw word j's occlusion map over the image; the maps are computed on the first request. */
  selectBatchDetailWord(j: number): Promise<void>;
}

export const createBatchDetailSlice: Slice<BatchDetailSlice> = (set, get) => ({
  batchDetail: null,
  batchDetailMaps: null,
  batchDetailWord: null,
  batchDetailLoading: false,
  batchDetailNote: null,

  openBatchDetail(detail) {
    set({ batchDetail: detail, batchDetailMaps: null, batchDetailWord: null, batchDetailNote: null, batchDetailLoading: false });
  },

  closeBatchDetail() {
    set({ batchDetail: null, batchDetailMaps: null, batchDetailWord: null, batchDetailNote: null });
  },

  async selectBatchDetailWord(j) {
    const detail = get().batchDetail;
    if (!detail || get().batchDetailLoading) return;
    if (get().batchDetailWord === j) return set({ batchDetailWord: null });
    if (get().batchDetailMaps) return set({ batchDetailWord: j });
    const { model, batchJob } = get();
    // The maps are the scoring model's: a row made by another model than the one open now has none here.
    const open = model?.family?.label ?? model?.name; // as batchSlice names a job's model
    if (batchJob?.model && open && batchJob.model !== open) {
      return set({ batchDetailNote: `This batch was scored with ${batchJob.model}; ${open} is open now. Open that model for its occlusion maps.` });
    }
    const family = model?.family;
    if (family && !family.capabilities.occlusionMaps) {
      return set({ batchDetailNote: `${family.label} offers no occlusion maps yet; the heat strip's p per word stands.` });
    }
    // A running job (the batch itself, training) owns the engine: occluding 16 cells would queue behind it.
    const busy = get().busy;
    if (busy) return set({ batchDetailNote: `The engine is busy (${busy}); the occlusion map can be drawn once it is done.` });
    set({ batchDetailLoading: true, batchDetailNote: null, batchDetailWord: j });
    try {
      // An opened family reads the image at its size: a batch image is square, its side from its bytes.
      const side = Math.round(Math.sqrt(detail.image.length / 3));
      const opts = family ? { size: { width: side, height: side } } : undefined;
      const maps = await callEngine((e) => e.heatmaps(detail.row.prompt, detail.image, get().reward.teacher, opts));
      if (get().batchDetail?.key === detail.key) set({ batchDetailMaps: maps });
    } catch (err) {
      set({ batchDetailNote: get().engineError(err), batchDetailWord: null });
    } finally {
      set({ batchDetailLoading: false });
    }
  },
});
