/** The status page of `gateway sink`: per topic and partition the lag, records and last error; MongoDB's state. */
import { checkBadge } from "./health.ts";
import { ago, badge, esc, pageDocument } from "./page_layout.ts";
import type { SinkStatus } from "./sink_monitor.ts";

export function sinkPage(s: SinkStatus): string {
  const now = s.at;
  const dep = (name: string) => {
    const c = s.ready.checks[name];
    if (!c) return "";
    return `<span>${esc(name)} ${badge(checkBadge(c), c.up ? "good" : "bad")}</span>`;
  };
  const rows = s.partitions.map((p) =>
    `<tr><td data-label="topic" class="topic">${
      esc(p.topic)
    }</td><td data-label="partition" class="num">${p.partition}</td><td data-label="lag" class="num">${
      p.lag ?? "—"
    }</td><td data-label="written" class="num">${p.written}</td><td data-label="dead-lettered" class="num">${p.deadLettered}</td><td data-label="skipped" class="num">${p.skipped}</td><td data-label="last error">${
      p.lastError
        ? `<span class="err">${esc(p.lastError)}</span> <span class="k">${
          esc(ago(p.lastErrorAt, now))
        }</span>`
        : "—"
    }</td></tr>`
  ).join("\n");
  const body = `<header>
<h1>gateway sink ${badge(s.healthy ? "healthy" : "unhealthy", s.healthy ? "good" : "bad")}</h1>
<div class="meta">group ${esc(s.group)} · consumer ${
    consumerState(s)
  } · ${s.consumer.partitionsAssigned} partitions assigned${
    s.writes ? ` · ${esc(writesText(s))}` : ""
  } · up ${esc(ago(s.startedAt, now).replace(" ago", ""))} · v${
    esc(s.version)
  } · refreshes every 10 s</div>
<div class="deps">${dep("kafka")}${dep("registry")}${dep("mongodb")}</div>
${
    [
      ...s.live.reasons,
      ...Object.entries(s.ready.checks).filter(([, c]) => !c.up)
        .map(([n, c]) => `${n}: ${c.error ?? "down"}`),
      ...(s.lagError ? [`lag: ${s.lagError}`] : []),
      ...(s.writes?.detail ? [s.writes.detail] : []),
    ]
      .map((r) => `<div class="err">${esc(r)}</div>`).join("")
  }
</header>
<h2>Partitions</h2>
<div class="scroll"><table class="partitions">
<thead><tr><th>topic</th><th class="num">partition</th><th class="num">lag</th><th class="num">written</th><th class="num">dead-lettered</th><th class="num">skipped</th><th>last error</th></tr></thead>
<tbody>${rows || `<tr><td colspan="7">no partition yet</td></tr>`}</tbody>
</table></div>`;
  return pageDocument("gateway sink", body);
}

/** The consumer's state in a word or three. */
export function consumerState(s: SinkStatus): string {
  if (s.consumer.running) return "running";
  return s.consumer.restarting ? "restarting (kafkajs, after a crash)" : "stopped";
}

/** `writing 120 records/s, bulk write 0.05 s (max 0.2 s), MongoDB ok`. */
export function writesText(s: SinkStatus): string {
  const w = s.writes;
  if (!w) return "";
  const latency = w.writeSeconds !== undefined
    ? `, bulk write ${w.writeSeconds} s (max ${w.writeMaxSeconds} s)`
    : "";
  const waiting = w.inFlightSeconds !== undefined && w.inFlightSeconds >= 1
    ? `, a write waiting ${w.inFlightSeconds} s`
    : "";
  return `writing ${w.recordsPerSecond} records/s${latency}${waiting}, MongoDB ${w.store}`;
}
