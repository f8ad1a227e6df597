export function Pager({ page, size, total, onPage }: { page: number; size: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <nav className="pager" aria-label="Pages">
      <button onClick={() => onPage(page - 1)} disabled={page <= 1} aria-label="Previous page">‹ Prev</button>
      <span>Page {page} of {pages} · {total} in all</span>
      <button onClick={() => onPage(page + 1)} disabled={page >= pages} aria-label="Next page">Next ›</button>
    </nav>
  );
}
