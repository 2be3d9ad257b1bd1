/**
 * A small inline SVG chart of a tag's last hour: temperature (°C, left
 * scale, red) and relative humidity (%RH, right scale, blue). Pure: points
 * in, markup out; scales to its container's width.
 */
import type { HistoryPoint } from "./history.ts";

export interface ChartOptions {
  now: number;
  spanMs?: number;
  width?: number;
  height?: number;
}

const W = 320;
const H = 110;
const PAD = { left: 44, right: 40, top: 8, bottom: 18 };

function range(values: number[]): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1) {
    const mid = (hi + lo) / 2;
    lo = mid - 0.5;
    hi = mid + 0.5;
  }
  return [lo, hi];
}

/** The narrowest time axis, so a tag's first minutes are not drawn as a vertical line. */
const MIN_SPAN_MS = 60_000;

/** "30 s", "5 min", "60 min". */
function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));

export function chartSvg(points: readonly HistoryPoint[], o: ChartOptions): string {
  const span = o.spanMs ?? 3_600_000;
  const width = o.width ?? W;
  const height = o.height ?? H;
  const x0 = PAD.left, x1 = width - PAD.right, y0 = PAD.top, y1 = height - PAD.bottom;
  // The last hour, or less while the tag has less history: the time axis starts at its first point.
  const first = points.find((p) => p.t >= o.now - span)?.t ?? o.now - span;
  const shown = Math.min(span, Math.max(MIN_SPAN_MS, o.now - first));
  const from = o.now - shown;
  const xOf = (t: number) => x0 + ((t - from) / shown) * (x1 - x0);
  const parts: string[] = [];
  parts.push(
    `<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" class="frame"/>`,
    `<text x="${x0}" y="${height - 4}" class="axis">-${ago(shown)}</text>`,
    `<text x="${(x0 + x1) / 2}" y="${height - 4}" class="axis" text-anchor="middle">-${
      ago(shown / 2)
    }</text>`,
    `<text x="${x1}" y="${height - 4}" class="axis" text-anchor="end">now</text>`,
  );
  const series = [
    { key: "temperature" as const, cls: "temp", side: "left", unit: "°C" },
    { key: "humidity" as const, cls: "rh", side: "right", unit: "%" },
  ];
  let any = false;
  for (const s of series) {
    const pts = points.filter((p) => typeof p[s.key] === "number" && p.t >= from);
    if (pts.length === 0) continue;
    any = true;
    const [lo, hi] = range(pts.map((p) => p[s.key]!));
    const yOf = (v: number) => y1 - ((v - lo) / (hi - lo)) * (y1 - y0);
    const path = pts.map((p) => `${xOf(p.t).toFixed(1)},${yOf(p[s.key]!).toFixed(1)}`).join(" ");
    parts.push(
      pts.length === 1
        ? `<circle cx="${xOf(pts[0].t).toFixed(1)}" cy="${
          yOf(pts[0][s.key]!).toFixed(1)
        }" r="2.5" class="${s.cls}"/>`
        : `<polyline points="${path}" class="${s.cls}"/>`,
    );
    const x = s.side === "left" ? x0 - 3 : x1 + 3;
    const anchor = s.side === "left" ? "end" : "start";
    parts.push(
      `<text x="${x}" y="${y0 + 9}" class="axis ${s.cls}-t" text-anchor="${anchor}">${
        fmt(hi)
      }${s.unit}</text>`,
      `<text x="${x}" y="${y1}" class="axis ${s.cls}-t" text-anchor="${anchor}">${
        fmt(lo)
      }${s.unit}</text>`,
    );
  }
  if (!any) {
    parts.push(
      `<text x="${(x0 + x1) / 2}" y="${
        (y0 + y1) / 2 + 4
      }" class="axis" text-anchor="middle">no readings yet</text>`,
    );
  }
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="temperature and humidity, last hour" xmlns="http://www.w3.org/2000/svg">${
    parts.join("")
  }</svg>`;
}
