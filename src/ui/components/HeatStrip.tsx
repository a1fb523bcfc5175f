// The prompt as a heat strip: one cell per token, coloured by p_j on viridis; the exact value shows
// on hover and keyboard focus. Clicking (or Enter on) a word asks for its occlusion heatmap.
import { css, gradientCss, inkOn, viridis } from '../colour.ts';

export function HeatStrip({ tokens, selected, onSelect, label }: {
  /** counted: whether the word entered the reward (absent: not known, e.g. a stored batch row). */
  tokens: readonly { readonly word: string; readonly p: number; readonly counted?: boolean }[];
  selected: number | null;
  onSelect: (index: number) => void;
  label: string;
}) {
  return (
    <div className="heat-strip" role="group" aria-label={label}>
      {tokens.map((t, j) => {
        const bg = viridis(t.p);
        const text = `${t.word}: p = ${t.p.toFixed(4)}${t.counted === false ? ' (not counted)' : ''}`;
        return (
          <button
            type="button"
            key={j}
            className={`heat-cell${selected === j ? ' selected' : ''}${t.counted === false ? ' uncounted' : ''}`}
            style={{ background: css(bg), color: inkOn(bg) }}
            title={text}
            aria-label={text}
            aria-pressed={selected === j}
            data-p={t.p}
            onClick={() => onSelect(j)}
          >
            {t.word}
            <span className="heat-tip" role="tooltip">p = {t.p.toFixed(4)}</span>
          </button>
        );
      })}
    </div>
  );
}

export function ScaleLegend({ title, scale, from, to, left, right }: {
  title: string; scale: Parameters<typeof gradientCss>[0]; from?: number; to?: number; left: string; right: string;
}) {
  return (
    <div className="legend" aria-label={`${title} colour scale, ${left} to ${right}`}>
      <span className="legend-title">{title}</span>
      <span className="legend-end">{left}</span>
      <span className="legend-bar" style={{ background: gradientCss(scale, from, to) }} />
      <span className="legend-end">{right}</span>
    </div>
  );
}
