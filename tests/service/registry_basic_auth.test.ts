/**
 * Schema Registry credentials on both commands, against the local registry behind a small
 * authenticating proxy (HTTP basic and a static bearer token): the right ones work (flags, a
 * `user:pass@` URL, a connector file's converter keys), the wrong ones are an authentication
 * error that keeps readings spooled and dead-letters nothing, and no log line holds them.
 */
import assert from "node:assert/strict";
import { readTopic, recordsIn } from "../_support/kafka.ts";
import { finalCounters, waitForSent } from "../_support/produce.ts";
import {
  avroEncoder,
  createTopic,
  mongo,
  produce,
  startSink,
  waitForCount,
} from "../_support/sink.ts";
import { REPO, uniqueName } from "../_support/gateway_process.ts";
import { tlsFiles } from "../../scripts/services/kafka_security.ts";
import { statePaths } from "../../scripts/services/paths.ts";
import {
  linesWithSecrets,
  propertiesFile,
  startSecuredProducer,
} from "../_support/secured_kafka.ts";

const USER = "reg";
const PASSWORD = "regpass-5c2e81";
const TOKEN = "tok-9f3a61d2e4";
const WRONG = "wrong-reg-pass-11";
const allLines: string[] = [];

/** A proxy to the local registry that answers 401 unless the request carries the credentials. */
function authProxy() {
  const basic = `Basic ${btoa(`${USER}:${PASSWORD}`)}`;
  const bearer = `Bearer ${TOKEN}`;
  let refused = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const auth = req.headers.get("authorization");
    if (auth !== basic && auth !== bearer) {
      refused++;
      return Response.json({ error_code: 401, message: "Unauthorized" }, { status: 401 });
    }
    const url = new URL(req.url);
    // Whole bodies both ways: a small proxy, not a streaming one.
    const body = req.method === "GET" || req.method === "HEAD"
      ? undefined
      : await req.arrayBuffer();
    const upstream = await fetch(`http://127.0.0.1:8081${url.pathname}${url.search}`, {
      method: req.method,
      headers: {
        "accept": req.headers.get("accept") ?? "application/json",
        ...(body ? { "content-type": req.headers.get("content-type") ?? "application/json" } : {}),
      },
      body,
    });
    const answer = await upstream.arrayBuffer();
    return new Response(answer, {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    refused: () => refused,
    close: () => server.shutdown(),
  };
}

async function produceWith(registryArgs: string[], env: Record<string, string> = {}) {
  const topic = uniqueName("reg-auth");
  const run = await startSecuredProducer(
    topic,
    ["--brokers", "127.0.0.1:9092", ...registryArgs],
    env,
  );
  return { topic, run };
}

Deno.test("produce with --registry-user-info through an authenticating registry: readings arrive", async () => {
  const proxy = authProxy();
  try {
    const { topic, run } = await produceWith([
      "--registry",
      proxy.url,
      "--registry-user-info",
      `${USER}:${PASSWORD}`,
    ]);
    try {
      await waitForSent(run.proc.lines, 10);
    } finally {
      assert.equal(await run.proc.stop(), 0);
      allLines.push(...run.proc.lines);
    }
    const c = finalCounters(run.proc.lines);
    assert.equal(c.leftInSpool, 0);
    assert.equal((await readTopic(topic, (r) => r.length >= c.sent, 30_000)).length, c.sent);
  } finally {
    await proxy.close();
  }
});

Deno.test("produce with user:pass@ in the registry URL: readings arrive, the URL is never printed with its password", async () => {
  const proxy = authProxy();
  try {
    const withInfo = proxy.url.replace("http://", `http://${USER}:${PASSWORD}@`);
    const { run } = await produceWith(["--registry", withInfo]);
    try {
      await waitForSent(run.proc.lines, 5);
    } finally {
      assert.equal(await run.proc.stop(), 0);
      allLines.push(...run.proc.lines);
    }
  } finally {
    await proxy.close();
  }
});

Deno.test("produce with a wrong registry password: an authentication error, readings stay spooled", async () => {
  const proxy = authProxy();
  try {
    const { run } = await produceWith(["--registry", proxy.url], {
      GATEWAY_REGISTRY_USER_INFO: `${USER}:${WRONG}`,
    });
    try {
      const line = await run.proc.waitForLine(/schema registry authentication failed/, 30_000);
      assert.match(line, /HTTP 401/);
      assert.match(line, /refused the credentials/);
      assert.doesNotMatch(line, /kafka=down/);
      // Kafka itself is fine: the stats say so.
      await run.proc.waitForLine(/ stats .*kafka=connected/, 15_000);
    } finally {
      assert.equal(await run.proc.stop(), 0);
      allLines.push(...run.proc.lines);
    }
    const c = finalCounters(run.proc.lines);
    assert.equal(c.sent, 0);
    assert.equal(c.leftInSpool, c.taken);
    assert.ok(proxy.refused() > 0);
  } finally {
    await proxy.close();
  }
});

const SCHEMA = {
  type: "record",
  name: "RegAuth",
  fields: [{ name: "n", type: "int" }],
} as const;

async function sinkWithFile(
  converterLines: (registry: string) => string[],
  expectWritten: boolean,
) {
  const proxy = authProxy();
  const topic = uniqueName("reg-auth-sink");
  const db = uniqueName("regauth").replaceAll("-", "_");
  const client = mongo();
  try {
    await createTopic(topic, 1);
    const enc = await avroEncoder(topic, SCHEMA as never);
    await produce(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: enc.encode({ n: i }) })),
    );
    const file = await propertiesFile("sink.properties", [
      "name=reg-auth-sink",
      `topics=${topic}`,
      `connect.mongo.kcql=INSERT INTO docs SELECT * FROM ${topic}`,
      `connect.mongo.db=${db}`,
      "connect.mongo.connection=mongodb://127.0.0.1:27017",
      "value.converter=io.confluent.connect.avro.AvroConverter",
      `value.converter.schema.registry.url=${proxy.url}`,
      ...converterLines(proxy.url),
    ]);
    // No --registry flag: the file's converter settings decide.
    const sink = startSink([
      "--config",
      file,
      "--group",
      uniqueName("reg-auth-group"),
      // startSink names the registry itself; point it at the proxy (credentials from the file).
      "--registry",
      proxy.url,
    ]);
    try {
      if (expectWritten) {
        assert.equal(await waitForCount(client.db(db).collection("docs"), 30, 60_000), 30);
      } else {
        await sink.waitForLine(/schema registry authentication failed/, 60_000);
        assert.equal(await client.db(db).collection("docs").countDocuments(), 0);
        assert.ok(!sink.lines.some((l) => /dead-lettered/.test(l)), "nothing dead-lettered");
        assert.equal(await recordsIn(`${topic}-dlq`), 0, "the dead-letter topic is empty");
      }
    } finally {
      await sink.stop();
      allLines.push(...sink.lines);
    }
  } finally {
    await client.db(db).dropDatabase().catch(() => {});
    await client.close();
    await proxy.close();
  }
}

Deno.test("sink with value.converter.basic.auth.user.info (USER_INFO): every document written", async () => {
  await sinkWithFile(() => [
    "value.converter.basic.auth.credentials.source=USER_INFO",
    `value.converter.basic.auth.user.info=${USER}:${PASSWORD}`,
  ], true);
});

Deno.test("sink with the older value.converter.schema.registry.basic.auth.user.info: every document written", async () => {
  await sinkWithFile(() => [
    `value.converter.schema.registry.basic.auth.user.info=${USER}:${PASSWORD}`,
  ], true);
});

Deno.test("sink with bearer.auth.token (STATIC_TOKEN): every document written", async () => {
  await sinkWithFile(() => [
    "value.converter.bearer.auth.credentials.source=STATIC_TOKEN",
    `value.converter.bearer.auth.token=${TOKEN}`,
  ], true);
});

Deno.test("sink with a wrong registry password: an authentication error, nothing written or dead-lettered", async () => {
  await sinkWithFile(() => [
    "value.converter.basic.auth.credentials.source=USER_INFO",
    `value.converter.basic.auth.user.info=${USER}:${WRONG}`,
  ], false);
});

Deno.test("no log line of the registry runs holds a registry secret", () => {
  assert.ok(allLines.length > 20);
  assert.deepEqual(linesWithSecrets(allLines, [PASSWORD, TOKEN, WRONG]), []);
});

Deno.test("a registry with a private CA: trusted with --registry-ca, refused without it", async () => {
  // The local broker's CA and certificate (for 127.0.0.1) serve as the registry's here.
  const tls = tlsFiles(
    statePaths(Deno.env.get("GATEWAY_SERVICES_STATE_ROOT") || REPO).serviceDir("kafka"),
  );
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: await Deno.readTextFile(tls.brokerCert),
    key: await Deno.readTextFile(tls.brokerKey),
    onListen: () => {},
  }, async (req) => {
    const url = new URL(req.url);
    const body = req.method === "GET" ? undefined : await req.arrayBuffer();
    const upstream = await fetch(`http://127.0.0.1:8081${url.pathname}${url.search}`, {
      method: req.method,
      headers: { "content-type": req.headers.get("content-type") ?? "application/json" },
      body,
    });
    return new Response(await upstream.arrayBuffer(), {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
    });
  });
  const registry = `https://127.0.0.1:${server.addr.port}`;
  try {
    const trusted = await produceWith(["--registry", registry, "--registry-ca", tls.caCert]);
    try {
      await waitForSent(trusted.run.proc.lines, 5);
    } finally {
      assert.equal(await trusted.run.proc.stop(), 0);
    }
    const refused = await produceWith(["--registry", registry]);
    try {
      const line = await refused.run.proc.waitForLine(/schema registry unreachable/, 30_000);
      assert.match(line, /TLS certificate not trusted \(no --registry-ca given\?\)/);
    } finally {
      await refused.run.proc.stop();
    }
  } finally {
    await server.shutdown();
  }
});
