/**
 * The compiled gateway never prompts: it has exactly the permissions baked in
 * by scripts/compile (APP_PERMISSIONS). The sink runs under that list alone and
 * writes records to MongoDB (the produce path is run under it by the aarch64 test).
 */
import assert from "node:assert/strict";
import { APP_PERMISSIONS } from "../../scripts/compile/permissions.ts";
import { REPO, uniqueName } from "../_support/gateway_process.ts";
import { BROKERS, REGISTRY } from "../_support/kafka.ts";
import { avroEncoder, createTopic, MONGO, mongo, produce, waitForCount } from "../_support/sink.ts";

Deno.test({
  name: "the sink runs with only the compiled binary's permissions",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const topic = uniqueName("perm-sink");
    const database = uniqueName("perm-db");
    await createTopic(topic, 1);
    const enc = await avroEncoder(topic, {
      type: "record",
      name: "Reading",
      fields: [{ name: "bid", type: "string" }, { name: "ambient", type: "double" }],
    });
    await produce(
      topic,
      [1, 2, 3].map((i) => ({
        key: `tag-${i}`,
        value: enc.encode({ bid: `tag-${i}`, ambient: i }),
      })),
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...APP_PERMISSIONS,
        "--quiet",
        "main.ts",
        "sink",
        "--kcql",
        `INSERT INTO readings SELECT * FROM ${topic}`,
        "--database",
        database,
        "--brokers",
        BROKERS.join(","),
        "--registry",
        REGISTRY,
        "--mongo",
        MONGO,
        "--group",
        uniqueName("perm-group"),
      ],
      cwd: REPO,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    const client = mongo();
    try {
      const readings = client.db(database).collection("readings");
      let count = 0;
      try {
        count = await waitForCount(readings, 3);
      } finally {
        child.kill("SIGTERM");
      }
      const out = await output;
      const log = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
      assert.equal(count, 3, log);
      assert.equal(out.code, 0, `sink exits 0 on SIGTERM:\n${log}`);
      assert.doesNotMatch(log, /NotCapable|Requires .* access/, "no permission was missing");
      const docs = await readings.find({}, { projection: { _id: 0 } }).sort({ bid: 1 }).toArray();
      assert.deepEqual(docs.map((d) => d.bid), ["tag-1", "tag-2", "tag-3"]);
      await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
  },
});
