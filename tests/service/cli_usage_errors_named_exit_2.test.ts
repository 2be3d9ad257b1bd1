/**
 * Usage errors that used to exit 1 exit 2 and say what was wrong in the operator's terms:
 * commander's own errors in nested commands (`kcql check`, `spool send`), invalid KCQL in
 * `kcql check`, `decode` bytes that do not fit the sensor, a MongoDB connection string or
 * authMechanism the driver cannot read (naming the flag, variable or file key, password masked),
 * and a broker port out of range.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { mongoConnectionProblem } from "../../src/sink/config/mongo_connection_check.ts";
import { parseBrokers } from "../../src/kafka/client.ts";
import { runGateway } from "../_support/gateway_process.ts";

const KCQL = ["--kcql", "INSERT INTO a SELECT * FROM t", "--brokers", "127.0.0.1:1"];

Deno.test("nested commands: a missing argument or unknown option exits 2", async () => {
  const cases: [string[], RegExp][] = [
    [["kcql", "check"], /missing required argument 'statements'/],
    [["kcql", "check", "--bogus", "x"], /unknown option '--bogus'/],
    [["kcql", "nosuch"], /unknown command 'nosuch'/],
    [["spool", "send", "--bogus"], /unknown option '--bogus'/],
    [["spool", "list", "--bogus"], /unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = await runGateway(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
  }
});

Deno.test("kcql check: invalid KCQL exits 2, valid KCQL 0", async () => {
  const bad = await runGateway(["kcql", "check", "INSERT INTO"]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.equal(JSON.parse(bad.stdout).valid, false);
  const good = await runGateway(["kcql", "check", "INSERT INTO a SELECT * FROM t"]);
  assert.equal(good.code, 0, good.stderr);
});

Deno.test("decode: too few bytes, or bytes that are no hex, exit 2 saying so", async () => {
  const few = await runGateway(["decode", "--model", "cc2650", "--sensor", "ir", "a0"]);
  assert.equal(few.code, 2, few.stderr);
  assert.match(few.stderr, /expected 4 bytes, got 1/);
  const hex = await runGateway(["decode", "--model", "cc2650", "--sensor", "ir", "zz"]);
  assert.equal(hex.code, 2, hex.stderr);
  assert.match(hex.stderr, /not a hex digit/);
  const ok = await runGateway(["decode", "--model", "cc2650", "--sensor", "ir", "a0 0b 3c 0f"]);
  assert.equal(ok.code, 0, ok.stderr);
});

Deno.test("a MongoDB connection string the driver cannot read: the part at fault, in words", () => {
  assert.equal(mongoConnectionProblem("mongodb://127.0.0.1:27017"), undefined);
  assert.match(
    mongoConnectionProblem("mongodb://u:pw@[bad")!,
    /the host '\[bad' is not host\[:port\]/,
  );
  assert.match(mongoConnectionProblem("mongodb://h:99999")!, /port from 1 to 65535/);
  assert.match(
    mongoConnectionProblem("mongodb://u:p@h/?authMechanism=BOGUS")!,
    /^authMechanism=BOGUS is not one of SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-X509, PLAIN$/,
  );
  assert.match(mongoConnectionProblem("mongodb://u:p%@h")!, /%-escape/);
  assert.match(mongoConnectionProblem("mongodb://h/?tls=maybe")!, /tls/);
});

Deno.test("a malformed --mongo, GATEWAY_MONGO or connect.mongo.connection exits 2 naming it, password masked", async () => {
  const flag = await runGateway(["sink", ...KCQL, "--mongo", "mongodb://u:Sekr1tPw@[bad"]);
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(
    flag.stderr,
    /--mongo=mongodb:\/\/u:\*\*\*@\[bad is not a usable MongoDB connection string: the host '\[bad'/,
  );
  assert.doesNotMatch(flag.stderr, /Sekr1tPw|Unable to parse/);

  const env = await runGateway(["sink", ...KCQL], {
    GATEWAY_MONGO: "mongodb://u:Sekr1tPw@localhost/?authMechanism=BOGUS",
  });
  assert.equal(env.code, 2, env.stderr);
  assert.match(
    env.stderr,
    /GATEWAY_MONGO=mongodb:\/\/u:\*\*\*@localhost\/\?authMechanism=BOGUS is not a usable/,
  );
  assert.match(env.stderr, /authMechanism=BOGUS is not one of SCRAM-SHA-1/);
  assert.doesNotMatch(env.stderr, /Sekr1tPw/);

  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "mongo-sink.properties");
    await Deno.writeTextFile(
      path,
      [
        "connect.mongo.kcql=INSERT INTO a SELECT * FROM t",
        "connect.mongo.db=db",
        "connect.mongo.connection=mongodb://u:Sekr1tPw@host:99999",
      ].join("\n"),
    );
    const file = await runGateway(["sink", "--config", path, "--brokers", "127.0.0.1:1"]);
    assert.equal(file.code, 2, file.stderr);
    assert.match(
      file.stderr,
      /mongo-sink\.properties: connect\.mongo\.connection=mongodb:\/\/u:\*\*\*@host:99999 is not a usable/,
    );
    assert.doesNotMatch(file.stderr, /Sekr1tPw/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--auth-mechanism outside the supported ones exits 2 listing them", async () => {
  const r = await runGateway(["sink", ...KCQL, "--auth-mechanism", "BOGUS"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /--auth-mechanism must be one of SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-X509, PLAIN, got "BOGUS"/,
  );
});

Deno.test("a broker port out of range says so, not 'expected host:port'", async () => {
  assert.throws(() => parseBrokers("127.0.0.1:99999"), /port 99999 is out of range \(1-65535\)/);
  assert.throws(() => parseBrokers("127.0.0.1:0"), /port 0 is out of range \(1-65535\)/);
  assert.throws(() => parseBrokers("kafka"), /expected host:port/);
  const r = await runGateway(["produce", "--simulate", "1", "--brokers", "127.0.0.1:99999"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /port 99999 is out of range \(1-65535\)/);
  assert.doesNotMatch(r.stderr, /expected host:port/);
});
