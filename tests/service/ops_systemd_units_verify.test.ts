/**
 * The systemd units as `gateway install-service` writes them pass
 * `systemd-analyze verify` without a warning, and every GATEWAY_* variable
 * the example env files (and the units) name is one the program reads: the
 * set comes from the commands' option definitions and the code's own
 * Deno.env.get calls, not from a list kept by hand.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli/program.ts";
import { REPO, runGateway } from "../_support/gateway_process.ts";

const KINDS = ["produce", "sink"] as const;

/** Every GATEWAY_* variable the program reads. */
async function variablesTheProgramReads(): Promise<Set<string>> {
  const names = new Set<string>();
  const walk = (c: Command) => {
    for (const o of c.options) if (o.envVar) names.add(o.envVar);
    for (const sub of c.commands) walk(sub);
  };
  walk(await buildProgram());
  const src = join(REPO, "src");
  const files: string[] = [];
  const collect = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) await collect(p);
      else if (p.endsWith(".ts")) files.push(p);
    }
  };
  await collect(src);
  for (const f of files) {
    for (const m of (await Deno.readTextFile(f)).matchAll(/env\.get\("(GATEWAY_[A-Z0-9_]+)"\)/g)) {
      names.add(m[1]);
    }
  }
  return names;
}

Deno.test("gateway install-service writes units that systemd-analyze verify accepts", async () => {
  const root = await Deno.makeTempDir({ prefix: "gateway-units-" });
  try {
    const bin = join(root, "gateway");
    await Deno.writeTextFile(bin, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    for (const kind of KINDS) {
      const r = await runGateway(["install-service", kind, "--root", root, "--bin", bin]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`systemctl enable --now gateway-${kind}`));
      const env = await Deno.stat(join(root, "etc/gateway", `${kind}.env`));
      assert.equal(env.mode! & 0o777, 0o600, "settings readable by root only");
    }
    const again = await runGateway(["install-service", "produce", "--root", root, "--bin", bin]);
    assert.equal(again.code, 2, "an existing unit is not overwritten without --force");
    const wrong = await runGateway(["install-service", "both", "--root", root]);
    assert.equal(wrong.code, 2);

    const units = KINDS.map((k) => join(root, "etc/systemd/system", `gateway-${k}.service`));
    for (const u of units) {
      assert.match(await Deno.readTextFile(u), new RegExp(`^ExecStart=${bin} `, "m"));
    }
    const out = await new Deno.Command("systemd-analyze", { args: ["verify", ...units] }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(stderr.trim(), "", "no warnings");

    const produce = await Deno.readTextFile(units[0]);
    for (
      const line of [
        "EnvironmentFile=/etc/gateway/produce.env",
        "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN",
        "StateDirectory=gateway",
      ]
    ) assert.match(produce, new RegExp(`^${line}$`, "m"), line);
    assert.match(await Deno.readTextFile(units[1]), /^EnvironmentFile=\/etc\/gateway\/sink\.env$/m);
    for (const u of units) {
      const text = await Deno.readTextFile(u);
      const unitSection = text.slice(text.indexOf("[Unit]"), text.indexOf("[Service]"));
      for (const line of ["StartLimitIntervalSec=10min", "StartLimitBurst=5"]) {
        assert.match(unitSection, new RegExp(`^${line}$`, "m"), `${u}: ${line} in [Unit]`);
      }
      for (
        const line of [
          "Restart=always",
          "RestartPreventExitStatus=2",
          "DynamicUser=yes",
          "ProtectProc=invisible",
          "ProcSubset=pid",
        ]
      ) assert.match(text, new RegExp(`^${line}$`, "m"), `${u}: ${line}`);
      assert.doesNotMatch(text, /^Restart=on-failure$/m);
      assert.match(text, /^#LoadCredential=/m, "the credentials example is in the unit");
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("install-service --credential loads a root-only secrets file as a systemd credential the gateway is pointed at", async () => {
  const root = await Deno.makeTempDir({ prefix: "gateway-units-cred-" });
  try {
    const bin = join(root, "gateway");
    await Deno.writeTextFile(bin, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const secrets = join(root, "mongo-sink.properties");
    await Deno.writeTextFile(secrets, "connect.mongo.password=Cred-5521\n", { mode: 0o600 });
    const r = await runGateway([
      "install-service",
      "sink",
      "--root",
      root,
      "--bin",
      bin,
      "--credential",
      `GATEWAY_SINK_CONFIG=${secrets}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /Cred-5521/);
    const unit = join(root, "etc/systemd/system/gateway-sink.service");
    const text = await Deno.readTextFile(unit);
    assert.match(text, new RegExp(`^LoadCredential=mongo-sink\\.properties:${secrets}$`, "m"));
    assert.match(text, /^Environment=GATEWAY_SINK_CONFIG=%d\/mongo-sink\.properties$/m);
    const out = await new Deno.Command("systemd-analyze", { args: ["verify", unit] }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(stderr.trim(), "", "no warnings");

    for (
      const bad of [
        "GATEWAY_MONGO_PASSWORD=/etc/gateway/pw", // not a file option
        "GATEWAY_SINK_CONFIG=relative.properties",
        "GATEWAY_SINK_CONFIG",
      ]
    ) {
      const refused = await runGateway([
        "install-service",
        "sink",
        "--root",
        root,
        "--bin",
        bin,
        "--force",
        "--credential",
        bad,
      ]);
      assert.equal(refused.code, 2, bad);
      assert.match(refused.stderr, /--credential/);
    }
    // The sink's connector file is not a produce option.
    const produce = await runGateway([
      "install-service",
      "produce",
      "--root",
      root,
      "--bin",
      bin,
      "--credential",
      `GATEWAY_SINK_CONFIG=${secrets}`,
    ]);
    assert.equal(produce.code, 2);
    assert.match(produce.stderr, /GATEWAY_KAFKA_CONFIG/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name:
    "the gateway runs under ProcSubset=pid and ProtectProc=invisible (a /proc of processes only)",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    // What systemd mounts for these two settings: procfs with subset=pid,hidepid=invisible.
    const dir = await Deno.makeTempDir({ prefix: "gateway-procsubset-" });
    try {
      const port = 20_000 + (Deno.pid % 20_000);
      const script = `mount -t proc -o subset=pid,hidepid=invisible proc /proc || exit 97
test -e /proc/meminfo && exit 98
exec "$@"`;
      const child = new Deno.Command("unshare", {
        // A mount namespace of its own (no fork: the shell, then the gateway, is the child
        // signalled below) with a procfs of processes only mounted over /proc.
        args: [
          "--mount",
          "sh",
          "-c",
          script,
          "sh",
          Deno.execPath(),
          "run",
          "-A",
          "--quiet",
          "main.ts",
          "produce",
          "--simulate",
          "2",
          "--interval",
          "0.2",
          "--brokers",
          "127.0.0.1:1",
          "--spool",
          join(dir, "spool.sqlite"),
          "--stats-interval",
          "1",
          "--http",
          `127.0.0.1:${port}`,
        ],
        cwd: REPO,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const lines: string[] = [];
      const reading = (async () => {
        for await (
          const chunk of child.stderr.pipeThrough(new TextDecoderStream())
        ) lines.push(...chunk.split("\n"));
      })();
      child.stdout.cancel();
      let metrics = "";
      for (let i = 0; i < 300 && !/ stats .*taken=[1-9]/.test(lines.join("\n")); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      try {
        metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      } finally {
        child.kill("SIGTERM");
      }
      // A gateway that ignores SIGTERM fails the test instead of hanging it.
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const status = await child.status;
      clearTimeout(killer);
      await reading;
      assert.match(lines.join("\n"), / stats .*taken=[1-9]/, lines.slice(-10).join("\n"));
      assert.match(metrics, /^process_resident_memory_bytes \d+/m);
      assert.equal(status.code, 0, lines.slice(-10).join("\n"));
      assert.doesNotMatch(lines.join("\n"), / (WARN|ERROR) .*\/proc/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("every GATEWAY_* variable in the example env files and units is one the program reads", async () => {
  const known = await variablesTheProgramReads();
  assert.ok(known.has("GATEWAY_BROKERS") && known.has("GATEWAY_HTTP") && known.size > 30);
  const dir = join(REPO, "deploy/systemd");
  let named = 0;
  for await (const e of Deno.readDir(dir)) {
    const text = await Deno.readTextFile(join(dir, e.name));
    for (const [i, line] of text.split("\n").entries()) {
      for (const m of line.matchAll(/GATEWAY_[A-Z0-9_]+/g)) {
        named++;
        assert.ok(known.has(m[0]), `${e.name}:${i + 1}: ${m[0]} is not read by the program`);
      }
      if (e.name.endsWith(".env")) {
        const setting = /^\s*([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
        if (setting) assert.match(setting[1], /^GATEWAY_/, `${e.name}:${i + 1}`);
      }
    }
  }
  assert.ok(named > 20, `the env files name the settings (${named})`);
});
