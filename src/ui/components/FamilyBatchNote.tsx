// Batch with an opened model family (Janus): it runs on that model, and the ShapesEval column stays
// empty (—), because the judge reads only the tiny model's 48 x 48 ShapesWorld renders, whatever
// the prompt says. Said once above the table rather than on every row.
import { useStore } from '../store/index.ts';

export function FamilyBatchNote() {
  const family = useStore((s) => s.model?.family ?? null);
  if (!family) return null;
  return (
    <p className="note" role="status" data-testid="family-batch-note">
      Batch runs on {family.label} (any prompt text; GenEval metadata with COCO classes too). ShapesEval: no ShapesWorld spec for
      its images (the judge reads only the tiny model&apos;s 48 x 48 ShapesWorld renders), so that column shows —.
    </p>
  );
}
