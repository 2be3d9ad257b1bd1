/**
 * `services down` stops FerretDB and the PostgreSQL cluster behind it, not FerretDB alone: run in
 * a network namespace of its own (the ports are fixed) with its own state folder, `up mongo` then
 * `down mongo` leaves no PostgreSQL running from that state. Needs root (netns, initdb as
 * `postgres`), as CI runs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO } from "../_support/gateway_process.ts";

const isRoot = Deno.uid() === 0;

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Pids of processes whose command line names `path`. */
async function processesNaming(path: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (cmdline.replaceAll("\0", " ").includes(path)) pids.push(Number(e.name));
  }
  return pids;
}

Deno.test({
  name: "services down stops the PostgreSQL behind FerretDB",
  ignore: !isRoot,
  fn: async () => {
    const ns = `gw-svc-down-${Deno.pid}`;
    const state = await Deno.makeTempDir({ prefix: "gateway-services-down-" });
    await Deno.chmod(state, 0o755); // initdb runs as postgres and must reach the data folder
    const data = join(state, ".services", "mongo", "pg");
    const env = { GATEWAY_SERVICES_STATE_ROOT: state };
    const services = (command: string) =>
      run("ip", [
        "netns",
        "exec",
        ns,
        Deno.execPath(),
        "run",
        "-A",
        join(REPO, "scripts/services/main.ts"),
        command,
        "mongo",
      ], env);
    assert.equal((await run("ip", ["netns", "add", ns])).code, 0);
    try {
      await run("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
      const up = await services("up");
      assert.equal(up.code, 0, up.text);
      assert.ok(await exists(join(data, "postmaster.pid")), "PostgreSQL runs from this state");
      assert.ok((await processesNaming(data)).length > 0);

      const down = await services("down");
      assert.equal(down.code, 0, down.text);
      assert.match(down.text, /mongo: stopped pid \d+/);
      assert.match(down.text, new RegExp(`mongo: stopped PostgreSQL \\(${data}\\)`));
      assert.ok(!(await exists(join(data, "postmaster.pid"))), "no postmaster.pid left");
      assert.deepEqual(await processesNaming(data), [], "no process of this state left");

      const again = await services("down");
      assert.equal(again.code, 0, again.text);
      assert.match(again.text, /mongo: not running/);
    } finally {
      // Whatever a failure left running from this state goes, then the namespace.
      for (const pid of await processesNaming(state)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
      await run("ip", ["netns", "del", ns]);
      await Deno.remove(state, { recursive: true }).catch(() => {});
    }
  },
});
