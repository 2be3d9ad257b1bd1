/**
 * A wrong MongoDB password reads as such where an operator looks: /readyz says
 * `mongodb authentication failed`, not `does not answer`; `gateway status` says `auth failed`,
 * not `down`. A private FerretDB with password authentication (the shared store trusts loopback).
 */
import assert from "node:assert/strict";
import { runGateway, uniqueName, waitFor } from "../_support/gateway_process.ts";
import { get, httpUrlOf } from "../_support/ops_http.ts";
import { startPrivateFerretDb } from "../_support/private_ferretdb.ts";
import { startSink } from "../_support/sink.ts";

Deno.test({
  name: "wrong MongoDB password: /readyz and gateway status say authentication failed",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const store = await startPrivateFerretDb();
    const wrong = `wrong-${crypto.randomUUID().slice(0, 8)}`;
    const sink = startSink([
      "--kcql",
      `INSERT INTO c SELECT * FROM ${uniqueName("wrong-pw-ready")}`,
      "--group",
      uniqueName("wrong-pw-ready-g"),
      "--mongo",
      store.uri(store.user, wrong),
      "--give-up-after",
      "120",
      "--http",
      "127.0.0.1:0",
    ]);
    try {
      const url = await httpUrlOf(sink);
      const ready = await waitFor("readyz naming the refusal", async () => {
        const r = await get(`${url}/readyz`);
        return r.status === 503 && /^mongodb (?!does not answer: not probed yet)/m.test(r.body)
          ? r
          : undefined;
      }, 60_000);
      assert.match(ready.body, /^mongodb authentication failed: /m, ready.body);
      assert.doesNotMatch(ready.body, /mongodb does not answer/);
      assert.ok(!ready.body.includes(wrong), "no password in the body");
      const status = await runGateway(["status", "--url", url]);
      assert.equal(status.code, 1);
      assert.match(status.stdout, /mongodb auth failed/);
      assert.doesNotMatch(status.stdout, /mongodb down/);
    } finally {
      await sink.stop();
      await store.stop();
    }
  },
});
