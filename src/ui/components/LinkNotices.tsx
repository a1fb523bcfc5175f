// Values of the opening link that the page could not use, each with what it used instead, shown
// once: the URL was already rewritten to what is used, so a reload does not bring them back. Values
// waiting for the model the link names are listed until that model is open (then used or named).
import { formatNotice, formatPending } from '../store/link.ts';
import { useStore } from '../store/index.ts';

export function LinkNotices() {
  const notices = useStore((s) => s.linkNotices);
  const pending = useStore((s) => s.linkPending);
  const dismiss = useStore((s) => s.dismissLinkNotices);
  if (notices.length === 0 && pending.length === 0) return null;
  return (
    <div className="note" role="status" data-testid="link-notices">
      {notices.map((n) => <p key={n.key} className="link-notice" data-testid="link-notice">{formatNotice(n)}</p>)}
      {pending.map((p) => <p key={`pending-${p.key}`} className="link-notice" data-testid="link-pending">{formatPending(p)}</p>)}
      {notices.length > 0 && <button type="button" className="link" data-testid="link-notices-dismiss" onClick={dismiss}>Dismiss</button>}
    </div>
  );
}
