// A batch row's ShapesEval verdict as a badge; why it failed shows on hover.
export function JudgeBadge({ row }: { row: { judgePass: boolean | null; judgeStrictPass: boolean | null; judgeReasons: readonly string[] } }) {
  if (row.judgePass === null) return <span className="muted" title="no ShapesWorld spec for this prompt">—</span>;
  return (
    <span className={`badge ${row.judgePass ? 'ok' : 'bad'}`} title={row.judgeReasons.join('\n') || 'every requested object found'}>
      {row.judgeStrictPass ? 'strict pass' : row.judgePass ? 'pass' : 'fail'}
    </span>
  );
}
