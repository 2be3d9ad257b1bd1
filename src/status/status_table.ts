/**
 * `gateway status` in the terminal: the status snapshots of running
 * gateways as tables, coloured when `color` is on. Pure: snapshots in, text out.
 */
import type { ProduceStatus } from "./produce_monitor.ts";
import type { SinkStatus } from "./sink_monitor.ts";
import { consumerState, writesText } from "./sink_page.ts";
import { checkBadge } from "./health.ts";

/** What `gateway status` learnt from one URL. */
export interface StatusReport {
  url: string;
  reachable: boolean;
  error?: string;
  status?: ProduceStatus | SinkStatus;
}

type Paint = (text: string, tone: "good" | "warn" | "bad" | "dim" | "bold") => string;

const CODES = { good: "32", warn: "33", bad: "31", dim: "2", bold: "1" } as const;

function painter(color: boolean): Paint {
  return (text, tone) => (color ? `\x1b[${CODES[tone]}m${text}\x1b[0m` : text);
}

/** Lays rows out in columns; `cells` may hold colour codes, widths count visible characters. */
export function table(head: string[], rows: string[][], paint: Paint): string {
  // deno-lint-ignore no-control-regex
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "").length;
  const widths = head.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells.map((c, i) => i === cells.length - 1 ? c : c + " ".repeat(widths[i] - visible(c)))
      .join("  ").trimEnd();
  return [paint(line(head), "bold"), ...rows.map(line)].join("\n");
}

function age(ms: number | undefined, now: number): string {
  if (ms === undefined) return "-";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 90 ? `${s}s` : s < 5400 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

function head(r: StatusReport, paint: Paint): string[] {
  const s = r.status!;
  const out = [
    `${paint(`${s.kind}`, "bold")} ${r.url}  ${
      s.healthy ? paint("healthy", "good") : paint("unhealthy", "bad")
    }  ${
      Object.entries(s.ready.checks).map(([n, c]) =>
        `${n} ${c.up ? paint("up", "good") : paint(checkBadge(c), "bad")}`
      ).join("  ")
    }`,
  ];
  for (const reason of s.live.reasons) out.push(paint(`  ${reason}`, "bad"));
  for (const [n, c] of Object.entries(s.ready.checks)) {
    if (!c.up) out.push(paint(`  ${n}: ${c.error ?? "down"}`, "bad"));
  }
  return out;
}

const TONE: Record<string, "good" | "warn" | "bad"> = {
  streaming: "good",
  queued: "good",
  reading: "good",
  backoff: "bad",
  failed: "bad",
  stopped: "bad",
};

function produceText(s: ProduceStatus, paint: Paint): string {
  const rows = s.tags.map((t) => [
    t.device,
    t.model ?? "-",
    paint(t.state, TONE[t.state] ?? "warn"),
    t.rssi === undefined ? "-" : `${t.rssi}`,
    t.battery === undefined ? "-" : `${t.battery}%`,
    age(t.lastReadingMs, s.at),
    String(t.taken),
    t.readingShare === undefined ? "-" : `${Math.floor(t.readingShare * 1000) / 10}%`,
    String(t.delivered),
  ]);
  const dropped = Object.entries(s.spool.dropped).map(([k, v]) => `${k} ${v}`).join(", ");
  return [
    table(
      ["DEVICE", "MODEL", "STATE", "RSSI", "BATT", "LAST", "TAKEN", "SHARE 1H", "DELIVERED"],
      rows,
      paint,
    ),
    `spool: ${s.spool.readings} waiting, oldest ${
      Math.round(s.spool.oldestAgeSeconds)
    }s, ${s.spool.bytes} bytes; dropped: ${dropped}`,
  ].join("\n");
}

function sinkText(s: SinkStatus, paint: Paint): string {
  const rows = s.partitions.map((p) => [
    p.topic,
    String(p.partition),
    p.lag === undefined ? "-" : p.lag > 0 ? paint(String(p.lag), "warn") : String(p.lag),
    String(p.written),
    p.deadLettered > 0 ? paint(String(p.deadLettered), "warn") : "0",
    String(p.skipped),
    p.lastError ? paint(p.lastError.slice(0, 80), "bad") : "-",
  ]);
  return [
    `group ${s.group}: consumer ${
      paint(consumerState(s), s.consumer.running ? "good" : "bad")
    }, ${s.consumer.partitionsAssigned} partitions assigned`,
    ...(s.writes
      ? [
        paint(
          writesText(s),
          s.writes.store === "ok" ? "good" : s.writes.store === "slow" ? "warn" : "bad",
        ),
      ]
      : []),
    ...(s.writes?.detail
      ? [paint(`  ${s.writes.detail}`, s.writes.store === "down" ? "bad" : "warn")]
      : []),
    table(["TOPIC", "PART", "LAG", "WRITTEN", "DLQ", "SKIPPED", "LAST ERROR"], rows, paint),
  ].join("\n");
}

export function statusText(reports: StatusReport[], color: boolean): string {
  const paint = painter(color);
  return reports.map((r) => {
    if (!r.reachable || !r.status) {
      return `${r.url}  ${paint("unreachable", "bad")}: ${r.error ?? "no answer"}`;
    }
    const body = r.status.kind === "produce"
      ? produceText(r.status as ProduceStatus, paint)
      : sinkText(r.status as SinkStatus, paint);
    return [...head(r, paint), body].join("\n");
  }).join("\n\n") + "\n";
}
