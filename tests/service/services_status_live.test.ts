/**
 * Integration: after `services up`, `services status` reports all three real services up, each
 * with a live pid started by this tool and its log file under <repo>/.services/logs.
 * Installs and starts them if needed (first run on a fresh machine takes minutes).
 */
import { deepEqual, match } from "node:assert/strict";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../../scripts/services/main.ts", import.meta.url));
const repo = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

async function services(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
}

Deno.test({
  name: "services status: after up, all three real services answer and are reported up",
  async fn() {
    const up = await services("up");
    deepEqual(up.code, 0, `services up failed:\n${up.out}\n${up.err}`);
    const status = await services("status");
    deepEqual(status.code, 0, `services status failed:\n${status.out}\n${status.err}`);
    const lines = status.out.trim().split("\n");
    deepEqual(lines.length, 3, status.out);
    const expected = [
      ["kafka", "127.0.0.1:9092", /cluster \S+, 1 broker\(s\)/],
      ["registry", "127.0.0.1:8081", /subjects: \[/],
      ["mongo", "127.0.0.1:27017", /ping ok/],
    ] as const;
    for (const [i, [name, address, detail]] of expected.entries()) {
      const line = lines[i];
      match(
        line,
        new RegExp(`^${name}\\s+up\\s+${address.replaceAll(".", "\\.")}\\s+pid \\d+`),
      );
      match(line, detail);
      deepEqual(line.includes(`log ${repo}/.services/logs/${name}.log`), true, line);
      const pid = Number(line.match(/pid (\d+)/)![1]);
      const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
      deepEqual(
        cmdline.includes(`${repo}/.services/${name}`),
        true,
        `pid ${pid} is not ${name}`,
      );
    }
  },
});

Deno.test("services status: asking about one service prints one line", async () => {
  const status = await services("status", "mongo");
  deepEqual(status.code, 0, status.err);
  match(status.out.trim(), /^mongo\s+up\s+127\.0\.0\.1:27017/);
  deepEqual(status.out.trim().split("\n").length, 1);
});

Deno.test("services CLI: a bad argument exits 2 with the usage", async () => {
  const bad = await services("up", "zookeeper");
  deepEqual(bad.code, 2);
  match(bad.err, /unknown service "zookeeper"/);
  match(bad.err, /usage: services <command>/);
});
