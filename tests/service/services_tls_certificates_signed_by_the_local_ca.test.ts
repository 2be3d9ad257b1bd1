/**
 * The services' TLS material (openssl): a CA, a broker certificate for the host and a client
 * certificate, each signed by that CA with the usage it is for, generated once and kept.
 */
import assert from "node:assert/strict";
import { ensureBrokerTls } from "../../scripts/services/kafka_security.ts";

async function openssl(args: string[]): Promise<string> {
  const out = await new Deno.Command("openssl", { args, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `openssl ${args.join(" ")}: ${text}`);
  return text;
}

Deno.test("broker and client certificates are signed by the local CA, for their use, and kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gateway-tls-" });
  try {
    const f = await ensureBrokerTls(dir, "127.0.0.1", () => {});
    for (const cert of [f.brokerCert, f.clientCert]) {
      assert.match(await openssl(["verify", "-CAfile", f.caCert, cert]), /: OK/);
    }
    const broker = await openssl(["x509", "-in", f.brokerCert, "-noout", "-text"]);
    assert.match(broker, /Subject: CN\s*=\s*127\.0\.0\.1/);
    assert.match(broker, /IP Address:127\.0\.0\.1, DNS:localhost/);
    assert.match(broker, /TLS Web Server Authentication/);
    const client = await openssl(["x509", "-in", f.clientCert, "-noout", "-text"]);
    assert.match(client, /Subject: CN\s*=\s*gw-client/);
    assert.match(client, /TLS Web Client Authentication/);
    assert.doesNotMatch(client, /TLS Web Server Authentication/);
    // Each key is the one its certificate holds.
    for (const [cert, key] of [[f.brokerCert, f.brokerKey], [f.clientCert, f.clientKey]]) {
      const fromCert = await openssl(["x509", "-in", cert, "-noout", "-pubkey"]);
      const fromKey = await openssl(["pkey", "-in", key, "-pubout"]);
      assert.equal(fromCert, fromKey);
    }
    // No scratch files left behind.
    const names = [...Deno.readDirSync(f.dir)].map((e) => e.name);
    assert.ok(!names.some((n) => n.endsWith(".csr")), names.join(", "));

    // A second run keeps every file: clients' trust survives restarts.
    const before = await Promise.all(
      [f.caCert, f.brokerCert, f.clientCert].map((p) => Deno.readTextFile(p)),
    );
    await ensureBrokerTls(dir, "127.0.0.1", () => {});
    const after = await Promise.all(
      [f.caCert, f.brokerCert, f.clientCert].map((p) => Deno.readTextFile(p)),
    );
    assert.deepEqual(after, before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
