// The Batch results table: sortable, filterable, virtualised (@tanstack/react-virtual) so a batch of
// thousands of images keeps only the rows in view (plus a margin) in the DOM. Every header explains
// its notation on hover; a thumbnail opens the row's detail (RowDetail.tsx).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { PixelImage } from '../../components/PixelImage.tsx';
import { useStore } from '../../store/index.ts';
import { type SortKey, visibleRows } from '../../store/batchSlice.ts';
import { JudgeBadge } from './JudgeBadge.tsx';
import { RowDetail } from './RowDetail.tsx';

/** A row's height before it is measured (CSS: .results tbody tr). */
const ROW_PX = 50;
/** Rows kept beyond each edge of the view: a fast scroll shows rows, not blanks. */
const OVERSCAN = 20;

const COLUMNS: { key: SortKey | null; label: string; num?: boolean; help: string }[] = [
  { key: 'line', label: 'Line·image', help: "The prompt's line in the prompt-set file, then the image's index in its group (0 to G−1): 2·0 is the first image of line 2. Hover a row's value for its seed." },
  { key: null, label: 'Image', help: 'The generated image. Click it to open it full size with its heat strip and occlusion map.' },
  { key: 'prompt', label: 'Prompt', help: 'The prompt as scored.' },
  { key: 'tag', label: 'Category', help: "The prompt's category: GenEval's tag, or the ShapesWorld kind of a shipped prompt (— when the file gave none)." },
  { key: 'reward', label: 'Reward', num: true, help: 'Intrinsic reward: how strongly the model itself sees the prompt in the image (from p(word | image), under the reward variant set on Inspect when the batch ran). 0 to 1, higher is better.' },
  { key: 'lowestP', label: 'Lowest word', num: true, help: 'The counted prompt word with the lowest p(word | image), and that p: the word the model least sees in the image.' },
  { key: 'judge', label: 'ShapesEval', help: 'The pixel-level judge (never the model): pass = every requested object found under GenEval\'s rules; strict pass = and nothing extra; fail = the reason shows on hover; — = the prompt has no ShapesWorld spec.' },
];

export function ResultsTable() {
  const records = useStore((s) => s.batchRecords);
  const sort = useStore((s) => s.batchSort);
  const filter = useStore((s) => s.batchFilter);
  const a = useStore(useShallow((s) => ({ sortBy: s.setBatchSort, filter: s.setBatchFilter, open: s.openBatchDetail })));
  const rows = useMemo(() => visibleRows(records, sort, filter), [records, sort, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  // The project does not use the React Compiler; the virtualiser re-renders this component on scroll itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: OVERSCAN,
    getItemKey: (i) => rows[i].key,
  });
  if (Object.keys(records).length === 0) return <RowDetail />;
  const items = virtual.getVirtualItems();
  // Spacer rows stand in for the rows out of view, so the table keeps its columns and scroll height.
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <section>
      <div className="section-head">
        <h2>Results</h2>
        <label className="field inline">
          <span>Filter</span>
          <input type="search" value={filter} placeholder="prompt, category or word" onChange={(e) => a.filter(e.target.value)} data-testid="batch-filter" />
        </label>
        <span className="muted" data-testid="batch-row-count">{rows.length.toLocaleString()} row(s)</span>
      </div>
      <div className="table-scroll" ref={scroller} data-testid="batch-scroll">
        <table className="table results" data-testid="batch-table" data-rows={rows.length}>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.label} className={c.num ? 'num' : undefined} title={c.help} data-testid="batch-column"
                  aria-sort={c.key && sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                  {c.key ? (
                    <button type="button" className="sort" onClick={() => a.sortBy(c.key!)}>
                      {c.label}{sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                    </button>
                  ) : c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && <tr className="spacer" aria-hidden style={{ height: padTop }} />}
            {items.map((it) => {
              const { row, image, key } = rows[it.index];
              return (
                <tr key={key} ref={virtual.measureElement} data-testid="batch-row" data-index={it.index} data-line={row.line} data-prompt={row.prompt} data-seed={row.seed}>
                  <td className="mono" title={`line ${row.line}, image ${row.imageIndex} of its group, seed ${row.seed}`}>{row.line}·{row.imageIndex}</td>
                  <td>
                    <button type="button" className="thumb" data-testid="batch-thumb" aria-label={`Open image ${row.imageIndex + 1} of line ${row.line} full size`}
                      onClick={() => a.open({ key, row, image })}>
                      <PixelImage pixels={image} size={40} label={`${row.prompt}, image ${row.imageIndex + 1}`} />
                    </button>
                  </td>
                  <td className="prompt-cell" title={row.prompt}>{row.prompt}</td>
                  <td>{row.tag ?? '—'}</td>
                  <td className="num">{row.reward.toFixed(4)}</td>
                  <td className="num"><span className="mono">{row.lowestWord}</span> {row.lowestP.toFixed(3)}</td>
                  <td><JudgeBadge row={row} /></td>
                </tr>
              );
            })}
            {padBottom > 0 && <tr className="spacer" aria-hidden style={{ height: padBottom }} />}
          </tbody>
        </table>
      </div>
      <RowDetail />
    </section>
  );
}
