/**
 * The HTTP endpoints of both commands: `/metrics` (Prometheus text),
 * `/healthz` (liveness), `/readyz` (readiness), `/` (the status page) and
 * `/status.json` (what `gateway status` reads).
 */
import type { Liveness, ReadinessReport } from "../status/health.ts";
import { livenessText, readinessText } from "../status/health.ts";
import { redact } from "../util/redact.ts";

/** What a command offers the endpoints. */
export interface StatusEndpoints {
  metrics(): Promise<string>;
  metricsContentType: string;
  liveness(): Liveness;
  readiness(): ReadinessReport;
  /** The status page, a whole HTML document. */
  page(): string;
  /** The status snapshot, JSON-serialisable. */
  snapshot(): unknown;
}

// Every body leaves through here, redacted: an error a probe or a write met (shown on the page,
// in /readyz and /status.json) never carries a configured secret or a URL's user:pass@.
const text = (body: string, status = 200, type = "text/plain; charset=utf-8") =>
  new Response(redact(body), {
    status,
    headers: { "content-type": type, "cache-control": "no-store" },
  });

export function statusHandler(e: StatusEndpoints): (req: Request) => Promise<Response> {
  return async (req) => {
    const { pathname } = new URL(req.url);
    if (req.method !== "GET" && req.method !== "HEAD") {
      return text("only GET and HEAD\n", 405);
    }
    switch (pathname) {
      case "/metrics":
        return text(await e.metrics(), 200, e.metricsContentType);
      case "/healthz": {
        const l = e.liveness();
        return text(livenessText(l), l.ok ? 200 : 503);
      }
      case "/readyz": {
        const r = e.readiness();
        return text(readinessText(r), r.ok ? 200 : 503);
      }
      case "/status.json":
        return text(JSON.stringify(e.snapshot()), 200, "application/json");
      case "/":
        return text(e.page(), 200, "text/html; charset=utf-8");
      default:
        return text("not found: try /, /metrics, /healthz, /readyz, /status.json\n", 404);
    }
  };
}
