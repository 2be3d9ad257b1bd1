/**
 * The default spool is per topic, so two instances with different topics never meet; the single
 * shared spool of earlier versions is pointed out, and its readings can be seen with
 * `gateway spool` (migrated, kept apart).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { BROKERS, REGISTRY } from "../_support/kafka.ts";
import { runGateway, startGateway, uniqueName } from "../_support/gateway_process.ts";

Deno.test({
  name: "two instances with different topics on the default spool path run side by side",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const state = await Deno.makeTempDir({ prefix: "gateway-state-" });
    const dir = join(state, "sensortag-gateway");
    await Deno.mkdir(dir, { recursive: true });
    // A spool of the first layout at the old shared default path, holding two readings.
    const legacy = join(dir, "spool.sqlite");
    const old = new DatabaseSync(legacy);
    old.exec(`CREATE TABLE readings (seq INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL,
      taken_ms INTEGER NOT NULL, schema_fp TEXT NOT NULL, body BLOB NOT NULL);
      INSERT INTO readings (device, taken_ms, schema_fp, body) VALUES
        ('B0:B4:48:00:00:01', 1, '00', x'00'), ('B0:B4:48:00:00:01', 2, '00', x'00');`);
    old.close();

    const env = { XDG_STATE_HOME: state };
    const topics = [uniqueName("default-a"), uniqueName("default-b")];
    const runs = topics.map((topic) =>
      startGateway([
        "produce",
        "--simulate",
        "1",
        "--interval",
        "0.5",
        "--topic",
        topic,
        "--brokers",
        BROKERS.join(","),
        "--registry",
        REGISTRY,
      ], env)
    );
    for (const r of runs) await r.waitForLine(/ INFO +producing /);
    for (const r of runs) {
      assert.ok(
        r.lines.some((l) => /a spool of an earlier version exists/.test(l) && l.includes(legacy)),
        "the old shared spool is pointed out",
      );
    }
    for (const r of runs) assert.equal(await r.stop(), 0, r.lines.slice(-10).join("\n"));
    for (const t of topics) {
      const listed = await runGateway(["spool", "list", "--json", "--topic", t], env);
      assert.equal(listed.code, 0, listed.stderr);
      const j = JSON.parse(listed.stdout);
      assert.equal(j.spool, join(dir, `spool-${t}.sqlite`));
      assert.deepEqual(
        j.destinations.map((d: { destination: { topic: string } }) => d.destination.topic),
        [t],
      );
    }

    const old2 = await runGateway(["spool", "--spool", legacy], env);
    assert.equal(old2.code, 0, old2.stderr);
    assert.match(
      old2.stdout,
      /unknown destination \(spooled by an older gateway that did not record it\)/,
    );
    assert.match(old2.stdout, /waiting: 2 readings/);
    const sent = await runGateway(["spool", "send", "--spool", legacy], env);
    assert.equal(sent.code, 1, "readings without destination are not sent anywhere");
    assert.match(sent.stderr, /not sent: export or delete them/);
    await Deno.remove(state, { recursive: true });
  },
});
