/**
 * The reading identity on the real services: the schema with `reading_id` and `spool_id` is a
 * BACKWARD-compatible successor of the one before; `gateway produce` sends both in the value and
 * as headers; `UPSERT ... PK reading_id` makes a plain string `_id` in FerretDB, and the same
 * records sent again change nothing.
 */
import assert from "node:assert/strict";
import { RegistryClient } from "../../src/avro/registry_client.ts";
import { loadWriterSchema } from "../../src/avro/writer_schema.ts";
import { UUID_V7_PATTERN } from "../../src/util/uuid_v7.ts";
import { runGateway, uniqueName, waitFor } from "../_support/gateway_process.ts";
import { decodeConfluent, readTopic, REGISTRY } from "../_support/kafka.ts";
import { finalCounters, startSimulatedProducer, waitForSent } from "../_support/produce.ts";
import {
  avroEncoder,
  createTopic,
  mongo,
  produce,
  startSink,
  waitForCount,
} from "../_support/sink.ts";

Deno.test({
  name: "the schema with reading_id and spool_id registers under BACKWARD after the one without",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const schema = await loadWriterSchema();
    const current = JSON.parse(schema.text) as { fields: { name: string }[] };
    const before = {
      ...current,
      fields: current.fields.filter((f) => f.name !== "reading_id" && f.name !== "spool_id"),
    };
    assert.equal(before.fields.length, current.fields.length - 2);
    const subject = `${uniqueName("identity-compat")}-value`;
    const base = `${REGISTRY}/apis/ccompat/v7`;
    const put = await fetch(`${base}/config/${subject}`, {
      method: "PUT",
      headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
      body: JSON.stringify({ compatibility: "BACKWARD" }),
    });
    assert.ok(put.ok, `PUT /config: ${put.status} ${await put.text()}`);
    const registry = new RegistryClient({ url: REGISTRY });
    const first = await registry.register(subject, JSON.stringify(before));
    const second = await registry.register(subject, schema.text);
    assert.notEqual(second, first, "a new version, accepted");
    // And a change that is not compatible is refused by the same rule: the check is live.
    const bad = {
      ...current,
      fields: [...current.fields, { name: "must_have", type: "string" }],
    };
    await assert.rejects(registry.register(subject, JSON.stringify(bad)), /409|compatib/i);
  },
});

Deno.test({
  name:
    "produce sends reading_id and spool_id in value and headers; UPSERT PK reading_id stores string _ids once",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("reading-id");
    const coll = topic.replaceAll("-", "_");
    const database = uniqueName("rid").replaceAll("-", "_");
    await createTopic(topic, 3);
    const run = await startSimulatedProducer(topic, 3);
    await run.proc.waitForLine(/ INFO +producing /);
    await waitForSent(run.proc.lines, 30);
    assert.equal(await run.proc.stop(), 0, run.proc.lines.slice(-10).join("\n"));
    const counters = finalCounters(run.proc.lines);
    assert.equal(counters.leftInSpool, 0);
    const listed = await runGateway(["spool", "list", "--json", "--spool", run.spool]);
    assert.equal(listed.code, 0, listed.stderr);
    const spoolId = JSON.parse(listed.stdout).spoolId as string;
    assert.match(spoolId, UUID_V7_PATTERN);

    const records = await readTopic(topic, (r) => r.length >= counters.sent);
    assert.equal(records.length, counters.sent);
    const values = await decodeConfluent(records);
    const ids = new Set<string>();
    records.forEach((r, i) => {
      assert.match(r.headers.reading_id, UUID_V7_PATTERN);
      assert.equal(values[i].reading_id, r.headers.reading_id, "the value carries the header's id");
      assert.equal(r.headers.spool_id, spoolId);
      assert.equal(values[i].spool_id, spoolId);
      assert.equal(String(values[i].seq), r.headers.seq);
      ids.add(r.headers.reading_id);
    });
    assert.equal(ids.size, records.length, "no two readings share a reading_id");

    // The same records once more, as a resend after a lost acknowledgement would put them, and
    // then the first one changed: UPSERT still replaces (the insert tried first finds it stored).
    const encoder = await avroEncoder(topic, JSON.parse((await loadWriterSchema()).text));
    const changed = { ...values[0], rh: 99.5 };
    await produce(topic, [
      ...records.map((r) => ({
        key: r.key,
        value: new Uint8Array(r.value!),
        headers: r.headers,
        partition: r.partition,
      })),
      { key: records[0].key, value: encoder.encode(changed), partition: records[0].partition },
    ]);
    const sink = startSink([
      "--kcql",
      `UPSERT INTO ${coll} SELECT * FROM ${topic} PK reading_id`,
      "--database",
      database,
      "--group",
      uniqueName("rid-sink"),
    ]);
    const client = mongo();
    try {
      const c = client.db(database).collection(coll);
      await waitForCount(c, records.length);
      // Every record, the resends included, is written before the sink commits past it.
      await waitFor(
        "the sink to commit every record",
        () =>
          sink.lines.some((l) => new RegExp(`written=${2 * records.length + 1}\\b`).test(l))
            ? true
            : undefined,
        60_000,
        200,
      ).catch((e) => {
        throw new Error(`${e.message}; sink said:\n${sink.lines.slice(-10).join("\n")}`);
      });
      const docs = await c.find({}).toArray();
      assert.equal(docs.length, records.length, "a resend is the same document, not another");
      for (const d of docs) {
        assert.equal(typeof d._id, "string", `_id ${JSON.stringify(d._id)} is a plain string`);
        assert.equal(d._id, d.reading_id);
        assert.ok(ids.has(d._id as unknown as string));
      }
      // Found by its _id (FerretDB's index), as the sink's upsert finds it; replaced, not kept.
      const first = await c.findOne({ _id: values[0].reading_id } as never);
      assert.equal(first?.reading_id, values[0].reading_id);
      assert.equal(first?.rh, 99.5, "the changed record replaced the stored one");
      const others = docs.filter((d) => d._id !== values[0].reading_id);
      assert.ok(others.every((d) => d.rh !== 99.5));
    } finally {
      assert.equal(await sink.stop(), 0, sink.lines.slice(-10).join("\n"));
      await client.close();
    }
  },
});
