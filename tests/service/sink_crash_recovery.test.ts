import assert from "node:assert/strict";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { sleep } from "../_support/produce.ts";
import { createTopic, mongo, type OutRecord, produce, startSink } from "../_support/sink.ts";
import { down, up } from "../../scripts/services/mod.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

/** N JSON records over 1,000 keys: the last record of each key is the source's truth. */
function source(n: number, from = 0): OutRecord[] {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return {
      key: `k${i % 1000}`,
      value: json({ id: `k${i % 1000}`, seq: i, payload: `reading ${i}` }),
    };
  });
}

function lastPerKey(records: OutRecord[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records) {
    const v = JSON.parse(new TextDecoder().decode(r.value!));
    out.set(v.id, v.seq);
  }
  return out;
}

Deno.test({
  name:
    "kill -9 of the sink mid-stream, three times: UPSERT ends equal to the source, INSERT misses nothing",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const upTopic = uniqueName("crash-upsert");
    const inTopic = uniqueName("crash-insert");
    const upColl = upTopic.replaceAll("-", "_");
    const inColl = inTopic.replaceAll("-", "_");
    await createTopic(upTopic, 3);
    await createTopic(inTopic, 3);
    const records = source(12_000);
    await produce(upTopic, records);
    await produce(inTopic, records);
    const group = uniqueName("crash");
    const kcql = `UPSERT INTO ${upColl} SELECT * FROM ${upTopic} PK id BATCH = 50; ` +
      `INSERT INTO ${inColl} SELECT * FROM ${inTopic} BATCH = 50`;
    const client = mongo();
    const db = client.db("connect-db");
    const inserted = () => db.collection(inColl).countDocuments();
    try {
      let kills = 0;
      for (const threshold of [1500, 4000, 7000]) {
        const sink = startSink([
          "--kcql",
          kcql,
          "--group",
          group,
          "--partitions-concurrently",
          "1",
          "--session-timeout",
          "6",
        ]);
        await waitFor(
          `over ${threshold} inserted`,
          async () => ((await inserted()) > threshold ? true : undefined),
          90_000,
          100,
        );
        sink.signal("SIGKILL");
        await sink.exited;
        kills++;
      }
      assert.equal(kills, 3);
      const finisher = startSink(["--kcql", kcql, "--group", group, "--session-timeout", "6"]);
      const truth = lastPerKey(records);
      await waitFor(
        "the upserted collection to match the source",
        async () => {
          const docs = await db.collection(upColl).find().toArray();
          if (docs.length !== truth.size) return undefined;
          return docs.every((d) => truth.get(d._id as unknown as string) === d.seq)
            ? true
            : undefined;
        },
        120_000,
        500,
      );
      await waitFor(
        "every inserted seq",
        async () => ((await inserted()) >= records.length ? true : undefined),
        120_000,
        500,
      );
      await sleep(1000);
      assert.equal(
        await finisher.stop(),
        0,
        "exit code" + "\n" + finisher.lines.slice(-25).join("\n"),
      );

      const docs = await db.collection(upColl).find().toArray();
      assert.equal(docs.length, truth.size, "one document per key");
      for (const d of docs) {
        assert.equal(
          d.seq,
          truth.get(d._id as unknown as string),
          `${d._id} holds the last value of its key`,
        );
        assert.equal(d.payload, `reading ${d.seq}`);
      }
      const seqs = new Set(
        (await db.collection(inColl).find({}, { projection: { seq: 1 } }).toArray()).map((d) =>
          d.seq
        ),
      );
      const missing = records.map((_, i) => i).filter((i) => !seqs.has(i));
      assert.deepEqual(missing, [], "INSERT: nothing missing after the kills (replays may repeat)");
    } finally {
      await client.close();
    }
  },
});

Deno.test({
  name: "MongoDB down for 30 s mid-stream: the sink pauses, loses nothing and resumes by itself",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("store-outage");
    const coll = topic.replaceAll("-", "_");
    await createTopic(topic, 2);
    const first = source(2000);
    await produce(topic, first);
    const client = mongo();
    const sink = startSink([
      "--kcql",
      `UPSERT INTO ${coll} SELECT * FROM ${topic} PK id`,
      "--group",
      uniqueName("g"),
    ]);
    try {
      await waitFor(
        "first documents",
        async () => ((await client.db("connect-db").collection(coll).countDocuments()) >= 1000
          ? true
          : undefined),
        60_000,
      );
      await client.close();
      const outageStart = Date.now();
      await down(["mongo"]);
      const second = source(2000, 2000);
      await produce(topic, second);
      await sink.waitForLine(/MongoDB unavailable/, 60_000);
      await sleep(Math.max(0, 30_000 - (Date.now() - outageStart)));
      assert.ok(Date.now() - outageStart >= 30_000);
      await up(["mongo"]);
      const again = mongo();
      try {
        const truth = lastPerKey([...first, ...second]);
        await waitFor(
          "all documents after the outage",
          async () => {
            const docs = await again.db("connect-db").collection(coll).find().toArray();
            return docs.length === truth.size &&
                docs.every((d) => truth.get(d._id as unknown as string) === d.seq)
              ? true
              : undefined;
          },
          120_000,
          500,
        );
      } finally {
        await again.close();
      }
      assert.ok(
        !sink.lines.some((l) => /dead-lettered/.test(l)),
        "nothing was dead-lettered because of the outage",
      );
    } finally {
      await up(["mongo"]);
      assert.equal(
        await sink.stop(),
        0,
        "the sink was still running and stops cleanly" + "\n" + sink.lines.slice(-25).join("\n"),
      );
    }
  },
});

Deno.test({
  name:
    "two sinks in one group split the partitions; when one is killed the other finishes, nothing lost",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("group");
    const coll = topic.replaceAll("-", "_");
    await createTopic(topic, 4);
    const records = source(10_000);
    const group = uniqueName("shared");
    const args = [
      "--kcql",
      `UPSERT INTO ${coll} SELECT * FROM ${topic} PK id BATCH = 20`,
      "--group",
      group,
      "--session-timeout",
      "6",
    ];
    const a = startSink(args);
    await a.waitForLine(/joined consumer group/);
    const b = startSink(args);
    const client = mongo();
    try {
      const assigned = (lines: string[]) => {
        const joins = lines.filter((l) => /joined consumer group/.test(l));
        const m = /partitions=("(?:[^"\\]|\\.)*"|\S+)/.exec(joins[joins.length - 1] ?? "");
        if (!m) return [];
        const text = m[1].startsWith('"') ? JSON.parse(m[1]) : m[1];
        return (JSON.parse(text)[topic] ?? []) as number[];
      };
      await waitFor("both sinks to hold partitions", () => {
        const pa = assigned(a.lines), pb = assigned(b.lines);
        return pa.length > 0 && pb.length > 0 && pa.length + pb.length === 4 ? true : undefined;
      }, 60_000);
      const pa = assigned(a.lines), pb = assigned(b.lines);
      assert.deepEqual(
        [...pa, ...pb].sort(),
        [0, 1, 2, 3],
        "the partitions are split without overlap",
      );
      // The records arrive once both hold partitions; a is killed mid-stream.
      await produce(topic, records);
      await waitFor(
        "writing under way",
        async () => {
          const n = await client.db("connect-db").collection(coll).estimatedDocumentCount();
          return n >= 500 ? true : undefined;
        },
        60_000,
        100,
      );
      a.signal("SIGKILL");
      await a.exited;
      const truth = lastPerKey(records);
      await waitFor(
        "the survivor to finish everything",
        async () => {
          const docs = await client.db("connect-db").collection(coll).find().toArray();
          return docs.length === truth.size &&
              docs.every((d) => truth.get(d._id as unknown as string) === d.seq)
            ? true
            : undefined;
        },
        120_000,
        500,
      );
      await waitFor(
        "the survivor to hold every partition",
        () => assigned(b.lines).length === 4 ? true : undefined,
        60_000,
      );
      assert.deepEqual(
        assigned(b.lines).sort(),
        [0, 1, 2, 3],
        "the survivor took over every partition",
      );
    } finally {
      assert.equal(await b.stop(), 0, "exit code" + "\n" + b.lines.slice(-25).join("\n"));
      await client.close();
    }
  },
});
