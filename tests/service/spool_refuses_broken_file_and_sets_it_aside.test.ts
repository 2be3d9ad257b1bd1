/**
 * Only a missing file means a new spool: a zero-length, truncated, damaged, foreign or garbage
 * file at the spool path is refused at start (exit 1) with its path, what is wrong with it and
 * how to set it aside; `gateway spool set-aside` renames it `<path>.broken-<time>`, after which
 * produce starts a new spool there.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { Spool } from "../../src/spool/spool.ts";
import { runGateway, startGateway } from "../_support/gateway_process.ts";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A real spool with `n` readings, closed (its log checkpointed into the file). */
function realSpool(path: string, n = 3000): void {
  const spool = new Spool({ path, maxBytes: 1 << 30, policy: "drop-oldest" });
  const dest = spool.destinationId({
    brokers: "127.0.0.1:1",
    topic: "t",
    format: "avro-single-object",
    subject: null,
    strategy: null,
  });
  spool.append(
    dest,
    Array.from({ length: n }, (_, i) => ({
      device: `B0:B4:48:00:00:0${i % 4}`,
      takenMs: 1_700_000_000_000 + i,
      schemaFp: "00ff",
      encode: () => new Uint8Array(120).fill(i % 256),
    })),
  );
  spool.close();
}

function produceArgs(spool: string): string[] {
  return [
    "produce",
    "--simulate",
    "2",
    "--brokers",
    "127.0.0.1:1",
    "--format",
    "avro-single-object",
    "--spool",
    spool,
    "--http",
    "off",
  ];
}

const lastLine = (text: string) => text.split("\n").filter((l) => l.trim() !== "").at(-1) ?? "";

/** Starts produce on `spool` and checks it is refused with `problem` and the set-aside hint. */
async function assertRefused(spool: string, problem: RegExp): Promise<void> {
  const before = await Deno.readFile(spool);
  const out = await runGateway(produceArgs(spool));
  assert.equal(out.code, 1, out.stderr);
  const line = lastLine(out.stderr);
  assert.match(line, new RegExp(`^gateway: spool ${escape(spool)} `));
  assert.match(line, problem);
  assert.match(
    line,
    new RegExp(`set it aside .* with \`gateway spool set-aside --spool ${escape(spool)}\``),
  );
  assert.deepEqual(await Deno.readFile(spool), before, "the file is left as it was");
  const list = await runGateway(["spool", "list", "--spool", spool]);
  assert.equal(list.code, 1, "gateway spool refuses it too");
  assert.match(lastLine(list.stderr), problem);
}

Deno.test({
  name:
    "zero-length, garbage, truncated, damaged and foreign files at the spool path are refused " +
    "at start with the path and what is wrong, and left as they are",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "gateway-broken-spool-" });
    try {
      const empty = join(dir, "empty.sqlite");
      await Deno.writeFile(empty, new Uint8Array(0));
      await assertRefused(empty, /is empty \(0 bytes\), not a spool/);

      const garbage = join(dir, "garbage.sqlite");
      await Deno.writeTextFile(garbage, "these are not the readings you are looking for\n");
      await assertRefused(
        garbage,
        /is not a SQLite database \(47 bytes, starting "these are not th"\)/,
      );

      const truncated = join(dir, "truncated.sqlite");
      realSpool(truncated);
      const size = (await Deno.stat(truncated)).size;
      await Deno.truncate(truncated, Math.floor(size / 2));
      await assertRefused(
        truncated,
        new RegExp(`is truncated \\(${Math.floor(size / 2)} bytes; its header says \\d+ pages`),
      );

      const damaged = join(dir, "damaged.sqlite");
      realSpool(damaged);
      const f = await Deno.open(damaged, { write: true });
      await f.seek(100, Deno.SeekMode.Start);
      await f.write(new Uint8Array(3996).fill(0xa5)); // page 1's tree: the schema
      f.close();
      await assertRefused(damaged, /is damaged \(SQLite: database disk image is malformed\)/);

      const foreign = join(dir, "foreign.sqlite");
      const db = new DatabaseSync(foreign);
      db.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada')");
      db.close();
      await assertRefused(foreign, /is a SQLite database of something else \(tables: users\)/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "gateway spool set-aside renames a broken spool to <path>.broken-<time>; produce then " +
    "starts a new one; a spool that opens is not set aside without --force",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "gateway-set-aside-" });
    try {
      const spool = join(dir, "spool.sqlite");
      await Deno.writeFile(spool, new Uint8Array(0));
      const out = await runGateway(["spool", "set-aside", "--spool", spool]);
      assert.equal(out.code, 0, out.stderr);
      const names = [...Deno.readDirSync(dir)].map((e) => e.name);
      const aside = names.find((n) => /^spool\.sqlite\.broken-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(n));
      assert.ok(aside, `set aside: ${names.join(", ")}`);
      assert.ok(!names.includes("spool.sqlite"));
      assert.match(out.stdout, new RegExp(`set aside as ${escape(join(dir, aside!))}`));
      assert.equal((await Deno.stat(join(dir, aside!))).size, 0, "kept as it was");

      const proc = startGateway(produceArgs(spool));
      await proc.waitForLine(/ INFO +producing /, 30_000);
      proc.signal("SIGTERM");
      assert.equal(await proc.exited, 0, "a new spool is started at the path");

      const good = await runGateway(["spool", "set-aside", "--spool", spool]);
      assert.equal(good.code, 2);
      assert.match(good.stderr, /opens as a spool: not set aside/);
      assert.ok((await Deno.stat(spool)).isFile);
      const forced = await runGateway(["spool", "set-aside", "--spool", spool, "--force"]);
      assert.equal(forced.code, 0, forced.stderr);
      await assert.rejects(() => Deno.stat(spool), Deno.errors.NotFound);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
