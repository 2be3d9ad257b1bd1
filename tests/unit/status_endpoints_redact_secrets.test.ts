/**
 * The status endpoints never show a configured secret: an error message that carries one (a
 * registry URL with user:pass@, a password a library echoed) is redacted on /, /readyz and
 * /status.json, as log lines are.
 */
import assert from "node:assert/strict";
import { statusHandler } from "../../src/http/routes.ts";
import { registerSecret } from "../../src/util/redact.ts";

Deno.test("status page, /readyz and /status.json redact secrets in the errors they show", async () => {
  const secret = registerSecret("s3cr3t-status-Pw");
  const error = `registry at https://gw:${secret}@registry.example: HTTP 401`;
  const handler = statusHandler({
    metrics: () => Promise.resolve("# nothing\n"),
    metricsContentType: "text/plain",
    liveness: () => ({ ok: true, reason: "working" }) as never,
    readiness: () => ({ ok: false, checks: { registry: { up: false, error, at: 0 } } }) as never,
    page: () => `<html><body><p>${error}</p></body></html>`,
    snapshot: () => ({ lastError: error }),
  });
  for (const path of ["/", "/readyz", "/status.json"]) {
    const res = await handler(new Request(`http://127.0.0.1${path}`));
    const body = await res.text();
    assert.ok(!body.includes(secret), `${path} shows the secret: ${body}`);
    if (path !== "/readyz") assert.match(body, /registry\.example/, `${path} still names the host`);
  }
});
