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
import { buildProgram } from "../src/cli/program.ts";
import { REPO, runGateway } from "./_support/gateway_process.ts";

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
        "Restart=on-failure",
        "EnvironmentFile=/etc/gateway/produce.env",
        "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN",
        "StateDirectory=gateway",
        "DynamicUser=yes",
      ]
    ) assert.match(produce, new RegExp(`^${line}$`, "m"), line);
    assert.match(await Deno.readTextFile(units[1]), /^EnvironmentFile=\/etc\/gateway\/sink\.env$/m);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
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
