/**
 * `./gateway`, the checkout's launcher: it runs from any directory, resolves relative paths
 * against the caller's directory, never echoes its arguments (they hold passwords), and becomes
 * the gateway process itself, so one SIGTERM reaches the gateway once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO, waitFor } from "../_support/gateway_process.ts";
import { freePort } from "../_support/sink_runtime.ts";
import { GATEWAY_RUNTIME_FLAGS } from "../../scripts/compile/runtime_flags.ts";

const LAUNCHER = join(REPO, "gateway");

async function launch(args: string[], cwd: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command(LAUNCHER, {
    args,
    cwd,
    env: { NO_COLOR: "1", GATEWAY_HTTP: "127.0.0.1:0", ...env },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("./gateway prints nothing of its own: --version is the version alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await launch(["--version"], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.equal(r.stderr, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("./gateway from another directory reads a relative --config there and names it absolutely", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.writeTextFile(
      join(dir, "mongo-sink.properties"),
      "connect.mongo.kcql=INSERT INTO c SELECT * FROM t WITH_BOGUS\n",
    );
    const bad = await launch(["sink", "--config", "mongo-sink.properties"], dir);
    assert.notEqual(bad.code, 0);
    assert.match(
      bad.stderr,
      new RegExp(`${dir}/mongo-sink\\.properties: `),
      `the file in the caller's directory was read, and named by its absolute path:\n${bad.stderr}`,
    );
    const absent = await launch(["sink", "--config", "absent.properties"], dir);
    assert.notEqual(absent.code, 0);
    assert.match(absent.stderr, new RegExp(`cannot read ${dir}/absent\\.properties`));
    const spool = await launch(["spool", "--spool", "absent.sqlite"], dir);
    assert.equal(spool.code, 2);
    assert.match(spool.stderr, new RegExp(`no spool at ${dir}/absent\\.sqlite`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("./gateway never echoes its arguments: no secret given on the command line is printed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await launch([
      "sink",
      "--config",
      "absent.properties",
      "--sasl-username",
      "alice",
      "--sasl-password",
      "FlagPw-7731",
      "--password",
      "MongoPw-4411",
      "--mongo",
      "mongodb://u:UriPw-9902@127.0.0.1:1/x",
      "--registry",
      "http://u:RegPw-5523@127.0.0.1:1",
    ], dir);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot read/, "the gateway ran and failed on the missing file");
    for (const secret of ["FlagPw-7731", "MongoPw-4411", "UriPw-9902", "RegPw-5523"]) {
      assert.ok(!r.stderr.includes(secret), `${secret} on stderr:\n${r.stderr}`);
      assert.ok(!r.stdout.includes(secret), `${secret} on stdout:\n${r.stdout}`);
    }
    assert.ok(!/^Task /m.test(r.stderr), "no task line");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "./gateway becomes the gateway: SIGTERM to its pid stops the gateway once, cleanly",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const state = await Deno.makeTempDir();
    const child = new Deno.Command(LAUNCHER, {
      args: [
        "produce",
        "--simulate",
        "1",
        "--interval",
        "1",
        "--brokers",
        `127.0.0.1:${freePort()}`,
      ],
      cwd: state,
      env: { NO_COLOR: "1", GATEWAY_HTTP: "127.0.0.1:0", XDG_STATE_HOME: state },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let text = "";
    const dec = new TextDecoder();
    const pump = (s: ReadableStream<Uint8Array>) =>
      s.pipeTo(new WritableStream({ write: (c) => void (text += dec.decode(c)) }));
    const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
    try {
      await waitFor("a reading spooled", () => /spooled|reading/i.test(text) ? true : undefined);
      // One process: the launcher's pid is the Deno running main.ts.
      const exe = await Deno.readLink(`/proc/${child.pid}/exe`);
      assert.match(exe, /\/deno$/, `pid ${child.pid} runs ${exe}`);
      const cmdline = (await Deno.readTextFile(`/proc/${child.pid}/cmdline`)).split("\0");
      const entry = cmdline.indexOf(join(REPO, "main.ts"));
      assert.ok(entry > 0, cmdline.join(" "));
      for (const flag of GATEWAY_RUNTIME_FLAGS) {
        const at = cmdline.indexOf(flag);
        assert.ok(at > 0 && at < entry, `${flag} before main.ts: ${cmdline.join(" ")}`);
      }
      child.kill("SIGTERM");
      const status = await child.status;
      await pumps;
      assert.equal(status.code, 0, text);
      assert.match(text, /SIGTERM received: stopping/);
      assert.doesNotMatch(text, /second SIGTERM/);
      assert.equal(text.match(/SIGTERM received/g)?.length, 1, text);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await Deno.remove(state, { recursive: true });
    }
  },
});

Deno.test("./gateway install-service writes the unit under --root (relative to the caller)", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const r = await launch(["install-service", "sink", "--root", "root"], dir);
    assert.equal(r.code, 0, r.stderr);
    const unit = await Deno.readTextFile(join(dir, "root/etc/systemd/system/gateway-sink.service"));
    assert.match(unit, /^ExecStart=\S+ sink/m);
    assert.match(
      r.stdout,
      new RegExp(`wrote ${dir}/root/etc/systemd/system/gateway-sink\\.service`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
