/** "Log once per cause per episode" (pure, with an injected clock). */
import assert from "node:assert/strict";
import { episodeDuration, LogEpisodes } from "../../src/util/log_episodes.ts";

Deno.test("a failure repeated every 1.4 s is one line, a reminder every few minutes, one recovered line", () => {
  let now = 1_000_000;
  const episodes = new LogEpisodes(300_000, () => now);
  const notes = [];
  // An hour of kafkajs restarting its consumer every 1.4 s.
  for (let t = 0; t < 3_600_000; t += 1400) {
    now = 1_000_000 + t;
    const n = episodes.failed("kafka");
    if (n) notes.push(n);
  }
  assert.equal(notes[0].kind, "started");
  assert.equal(notes.length, 12, "one start and a reminder every 5 minutes");
  assert.ok(notes.slice(1).every((n) => n.kind === "ongoing"));
  const second = notes[1];
  assert.ok(second.kind === "ongoing" && second.forMs >= 300_000 && second.forMs < 301_400);
  assert.equal(second.kind === "ongoing" && second.occurrences, 216);
  assert.ok(episodes.failing("kafka"));
  now += 5000;
  const end = episodes.recovered("kafka");
  assert.ok(end);
  assert.equal(end.cause, "kafka");
  assert.equal(end.occurrences, Math.ceil(3_600_000 / 1400));
  assert.ok(end.forMs > 3_600_000);
  assert.equal(episodes.recovered("kafka"), undefined, "recovered once");
  assert.ok(!episodes.failing("kafka"));
  assert.deepEqual(episodes.failed("kafka"), { kind: "started", cause: "kafka" }, "a new episode");
});

Deno.test("causes have episodes of their own", () => {
  let now = 0;
  const episodes = new LogEpisodes(1000, () => now);
  assert.equal(episodes.failed("kafka")?.kind, "started");
  assert.equal(episodes.failed("mongodb")?.kind, "started");
  now = 500;
  assert.equal(episodes.failed("kafka"), undefined);
  assert.equal(episodes.recovered("mongodb")?.forMs, 500);
  assert.equal(episodes.since("kafka"), 0);
  assert.equal(episodes.recovered("registry"), undefined, "nothing open: nothing recovered");
});

Deno.test("episode durations read as an operator says them", () => {
  assert.equal(episodeDuration(850), "850 ms");
  assert.equal(episodeDuration(42_000), "42 s");
  assert.equal(episodeDuration(120_000), "2 min");
  assert.equal(episodeDuration(65_000), "1 min 5 s");
});

Deno.test("once per cause until everything recovers: no reminder with Infinity, recoveredAll ends each", () => {
  let now = 0;
  const said = new LogEpisodes(Infinity, () => now);
  assert.deepEqual(said.failed("registry unreachable"), {
    kind: "started",
    cause: "registry unreachable",
  });
  now = 86_400_000;
  assert.equal(said.failed("registry unreachable"), undefined, "never reminded");
  assert.equal(said.failed("kafka down")?.kind, "started", "another cause is said once too");
  now += 1000;
  assert.deepEqual(said.recoveredAll(), [
    { cause: "registry unreachable", forMs: 86_401_000, occurrences: 2 },
    { cause: "kafka down", forMs: 1000, occurrences: 1 },
  ]);
  assert.deepEqual(said.recoveredAll(), []);
  assert.equal(said.failed("kafka down")?.kind, "started", "said again after recovering");
});
