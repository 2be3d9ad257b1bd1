/** The status page of `gateway produce`: one card per tag with its chart, the spool, Kafka and the registry. */
import { checkBadge } from "./health.ts";
import type { HistoryPoint } from "./history.ts";
import { ago, badge, esc, pageDocument } from "./page_layout.ts";
import type { ProduceStatus, TagStatus } from "./produce_monitor.ts";
import { chartSvg } from "./svg_chart.ts";

const STATE_TONE: Record<string, "good" | "warn" | "bad"> = {
  streaming: "good",
  // Read in turns (more tags than the controller's links): waiting for the next turn is normal.
  queued: "good",
  reading: "good",
  connected: "warn",
  enabling: "warn",
  connecting: "warn",
  scanning: "warn",
  waiting: "warn",
  disconnected: "warn",
  backoff: "bad",
  failed: "bad",
  stopped: "bad",
};

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function values(v: Record<string, number> | undefined): string {
  if (!v) return "no reading yet";
  return Object.entries(v)
    .map(([k, x]) => `${k} ${Number.isInteger(x) ? x : x.toFixed(2)}`)
    .join(" · ");
}

function tagCard(t: TagStatus, history: HistoryPoint[], now: number): string {
  return `<section class="card" data-device="${esc(t.device)}">
<h3>${esc(t.device)}</h3>
<div class="row"><span>${esc(t.model ?? "model unknown")}</span>${
    badge(t.state, STATE_TONE[t.state] ?? "warn")
  }<span class="k">${esc(ago(t.since, now))}</span></div>
${t.detail ? `<div class="err">${esc(t.detail)}</div>` : ""}
<div class="row"><span><span class="k">RSSI</span> <b>${
    t.rssi === undefined ? "—" : `${t.rssi} dBm`
  }</b></span><span><span class="k">battery</span> <b>${
    t.battery === undefined ? "—" : `${t.battery}%`
  }</b></span><span><span class="k">last reading</span> <b>${
    esc(ago(t.lastReadingMs, now))
  }</b></span></div>
<div class="row"><span><span class="k">taken</span> <b>${t.taken}</b></span><span><span class="k">expected readings taken, last hour</span> <b>${
    sharePercent(t.readingShare)
  }</b></span><span><span class="k">delivered</span> <b>${t.delivered}</b></span>${
    t.reconnects ? `<span><span class="k">reconnects</span> <b>${t.reconnects}</b></span>` : ""
  }</div>
<div class="values">${esc(values(t.lastValues))}</div>
${chartSvg(history, { now })}
<div class="legend"><span class="t">■ temperature °C</span> · <span class="h">■ humidity %RH</span> · up to the last hour</div>
</section>`;
}

export function producePage(s: ProduceStatus, historyOf: (device: string) => HistoryPoint[]) {
  const now = s.at;
  const dep = (name: string) => {
    const c = s.ready.checks[name];
    if (!c) return "";
    return `<span>${esc(name)} ${badge(checkBadge(c), c.up ? "good" : "bad")}</span>`;
  };
  const streaming = s.tags.filter((t) => t.state === "streaming").length;
  const dropped = Object.entries(s.spool.dropped).map(([k, v]) => `${v} ${k.replace("_", " ")}`)
    .join(", ");
  const body = `<header>
<h1>gateway produce ${badge(s.healthy ? "healthy" : "unhealthy", s.healthy ? "good" : "bad")}</h1>
<div class="meta">${streaming} of ${s.tags.length} tags streaming · up ${
    esc(ago(s.startedAt, now).replace(" ago", ""))
  } · v${esc(s.version)} · refreshes every 10 s</div>
<div class="deps">${dep("kafka")}${dep("registry")}</div>
${
    [
      ...s.live.reasons,
      ...(s.ready.problems ?? []),
      ...Object.entries(s.ready.checks).filter(([, c]) => !c.up)
        .map(([n, c]) => `${n}: ${c.error ?? "down"}`),
    ]
      .map((r) => `<div class="err">${esc(r)}</div>`).join("")
  }
</header>
<h2>Spool</h2>
<div class="panel"><div class="row"><span><span class="k">waiting</span> <b>${s.spool.readings}</b></span><span><span class="k">oldest</span> <b>${
    s.spool.readings ? `${Math.round(s.spool.oldestAgeSeconds)} s` : "—"
  }</b></span><span><span class="k">size</span> <b>${bytes(s.spool.bytes)} of ${
    bytes(s.spool.maxBytes)
  }</b></span><span><span class="k">dropped</span> <b>${
    esc(dropped)
  }</b></span><span><span class="k">quarantined</span> <b>${s.spool.quarantined ?? "—"}</b></span>${
    s.spool.held ? `<span><span class="k">held in memory</span> <b>${s.spool.held}</b></span>` : ""
  }</div>${s.spool.problem ? `<div class="err">spool: ${esc(s.spool.problem)}</div>` : ""}</div>
<h2>Tags</h2>
<div class="grid">${s.tags.map((t) => tagCard(t, historyOf(t.device), now)).join("\n")}</div>`;
  return pageDocument("gateway produce", body);
}

/** The share of expected readings taken, as the status page and `gateway status` show it. */
export function sharePercent(share: number | undefined): string {
  return share === undefined ? "—" : `${Math.floor(share * 1000) / 10}%`;
}
