/**
 * Under systemd (JOURNAL_STREAM names stderr's device:inode), every log
 * line starts with its syslog priority, so journald's levels follow the
 * log levels: `<6>` info, `<4>` warn, `<3>` error, in text and JSON format.
 * Elsewhere lines carry no prefix.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO, waitFor } from "../_support/gateway_process.ts";

async function runWithStderrFile(
  extraEnv: (file: string) => Promise<Record<string, string>>,
  format: string,
) {
  const dir = await Deno.makeTempDir({ prefix: "gateway-journal-" });
  const log = join(dir, "stderr.log");
  await Deno.writeTextFile(log, "");
  const env = await extraEnv(log);
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      `exec "$0" run -A --quiet main.ts produce --simulate 1 --interval 0.2 --brokers 127.0.0.1:1 ` +
      `--registry http://127.0.0.1:1 --http off --log-format ${format} --spool ${dir}/spool.sqlite ` +
      `2>>${log}`,
      Deno.execPath(),
    ],
    cwd: REPO,
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
  }).spawn();
  try {
    // The broker at port 1 refuses: the forwarder's warning follows the info lines.
    return await waitFor(
      "a warning in the log",
      async () => {
        const text = await Deno.readTextFile(log);
        return /cannot deliver readings yet/.test(text) ? text : undefined;
      },
      60_000,
      200,
    );
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

const journalOf = async (file: string) => {
  const st = await Deno.stat(file);
  return { JOURNAL_STREAM: `${st.dev}:${st.ino}` };
};

Deno.test({
  name: "with JOURNAL_STREAM naming stderr, each line carries its syslog priority (text and JSON)",
  sanitizeResources: false,
  fn: async () => {
    for (const format of ["text", "json"]) {
      const text = await runWithStderrFile(journalOf, format);
      const lines = text.split("\n").filter((l) => l !== "");
      for (const line of lines) assert.match(line, /^<[3467]>/, line);
      const info = lines.find((l) => /producing/.test(l))!;
      assert.match(info, /^<6>/, info);
      const warn = lines.find((l) => /cannot deliver readings yet/.test(l))!;
      assert.match(warn, /^<4>/, warn);
      if (format === "json") {
        for (const line of lines) JSON.parse(line.replace(/^<\d>/, ""));
      }
    }
  },
});

Deno.test({
  name: "without the journal (no JOURNAL_STREAM, or one naming another file) lines have no prefix",
  sanitizeResources: false,
  fn: async () => {
    const none = await runWithStderrFile(() => Promise.resolve({}), "text");
    assert.doesNotMatch(none, /^<\d>/m);
    const other = await Deno.makeTempFile();
    try {
      const elsewhere = await runWithStderrFile(() => journalOf(other), "text");
      assert.doesNotMatch(elsewhere, /^<\d>/m);
    } finally {
      await Deno.remove(other);
    }
  },
});
