/** The status pages' shared frame: escaping, the stylesheet, the document around a body. */

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** "12 s ago", "3 min ago", "2 h ago". */
export function ago(ms: number | undefined, now: number): string {
  if (ms === undefined) return "—";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** A coloured dot and word: good (green), warn (amber) or bad (red). */
export function badge(text: string, tone: "good" | "warn" | "bad"): string {
  return `<span class="badge ${tone}">${esc(text)}</span>`;
}

const CSS = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1b1f24;--mute:#5b6470;--line:#d9dde3;
--good:#1a7f37;--warn:#9a6700;--bad:#cf222e;--temp:#d1242f;--rh:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--fg:#e6edf3;--mute:#9198a1;
--line:#30363d;--good:#3fb950;--warn:#d29922;--bad:#f85149;--temp:#ff7b72;--rh:#58a6ff}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{padding:12px 16px;border-bottom:1px solid var(--line);background:var(--card)}
h1{font-size:1.2rem;margin:0 0 6px}
h2{font-size:1rem;margin:18px 16px 8px}
.meta{color:var(--mute);font-size:.85rem}
.deps{display:flex;flex-wrap:wrap;gap:8px;margin-top:6px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.85rem;font-weight:600;border:1px solid currentColor}
.badge.good{color:var(--good)}.badge.warn{color:var(--warn)}.badge.bad{color:var(--bad)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px;padding:0 16px 16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px;min-width:0}
.card h3{margin:0;font:600 1rem ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.row{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.9rem;margin-top:4px}
.row b{font-weight:600}
.k{color:var(--mute)}
.values{font:0.85rem ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--mute);margin-top:4px;word-break:break-word}
.chart{display:block;width:100%;height:auto;margin-top:6px}
.chart .frame{fill:none;stroke:var(--line)}
.chart polyline{fill:none;stroke-width:1.8}
.chart .temp{stroke:var(--temp);fill:var(--temp)}.chart polyline.temp{fill:none}
.chart .rh{stroke:var(--rh);fill:var(--rh)}.chart polyline.rh{fill:none}
.chart .axis{font-size:10px;fill:var(--mute)}
.chart .temp-t{fill:var(--temp)}.chart .rh-t{fill:var(--rh)}
.legend{font-size:.8rem;color:var(--mute)}.legend .t{color:var(--temp)}.legend .h{color:var(--rh)}
table{border-collapse:collapse;width:100%;font-size:.9rem;background:var(--card)}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--mute);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;margin:0 16px 16px;border:1px solid var(--line);border-radius:8px}
.err{color:var(--bad);font-size:.85rem;word-break:break-word}
@media (max-width:600px){table.partitions thead{display:none}
table.partitions tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}
table.partitions td{display:flex;justify-content:space-between;gap:12px;border:0;padding:2px 10px;text-align:right}
table.partitions td::before{content:attr(data-label);color:var(--mute);text-align:left}
table.partitions td.topic{font-weight:600;word-break:break-all}}
.panel{margin:0 16px 12px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
`;

/** A whole page: self-contained (no external assets), refreshing itself every `refreshSeconds`. */
export function pageDocument(title: string, body: string, refreshSeconds = 10): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="${refreshSeconds}">
<title>${esc(title)}</title>
<style>${CSS}</style></head>
<body>${body}</body></html>
`;
}
