import { deepEqual, notEqual, rejects } from "node:assert/strict";
import {
  isOurProcess,
  parsePid,
  processState,
  readPid,
  startDetached,
  stopProcess,
  tailFile,
  withLockFile,
} from "../../scripts/services/process.ts";

Deno.test("services process: pid files hold one positive integer", () => {
  deepEqual(parsePid("1234\n"), 1234);
  deepEqual(parsePid("  77 "), 77);
  deepEqual(parsePid(""), null);
  deepEqual(parsePid("0"), null);
  deepEqual(parsePid("12ab"), null);
  deepEqual(parsePid("-5"), null);
});

Deno.test("services process: the state letter follows the (possibly odd) command name", () => {
  deepEqual(processState("42 (java) S 1 42 42 0 -1"), "S");
  deepEqual(processState("42 (we ird) name)) Z 1 42"), "Z");
  deepEqual(processState("garbage"), "?");
});

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "services-process-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Waits (bounded) until the log's last line is `line`; the assertion after it is what counts. */
async function waitForLine(logFile: string, line: string): Promise<void> {
  for (let i = 0; i < 250 && (await tailFile(logFile, 1)) !== line; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  deepEqual(await tailFile(logFile, 1), line);
}

Deno.test("services process: a detached service records its own pid, logs, and stops on SIGTERM", async () => {
  await withTempDir(async (dir) => {
    const marker = `${dir}/marker`;
    const pid = await startDetached({
      cmd: "sh",
      args: ["-c", 'echo "hello from $0"; exec sleep 600', marker],
      cwd: dir,
      logFile: `${dir}/svc.log`,
      pidFile: `${dir}/svc.pid`,
    });
    try {
      deepEqual(await readPid(`${dir}/svc.pid`), pid);
      notEqual(pid, Deno.pid);
      const sid = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(") ")[1].split(" ")[3];
      deepEqual(Number(sid), pid, "the service leads its own session");
      await waitForLine(`${dir}/svc.log`, `hello from ${marker}`);
    } finally {
      deepEqual(await stopProcess(pid, 5_000), "terminated");
    }
    deepEqual(await isOurProcess(pid, "sleep"), false);
  });
});

Deno.test("services process: the pid-reuse guard needs the marker in the command line", async () => {
  await withTempDir(async (dir) => {
    const pid = await startDetached({
      cmd: "sleep",
      args: ["600"],
      cwd: dir,
      logFile: `${dir}/svc.log`,
      pidFile: `${dir}/svc.pid`,
    });
    try {
      deepEqual(await isOurProcess(pid, "sleep 600"), true);
      deepEqual(await isOurProcess(pid, "/some/other/service/dir"), false);
    } finally {
      await stopProcess(pid, 5_000);
    }
  });
});

Deno.test("services process: a service ignoring SIGTERM is killed after the grace period", async () => {
  await withTempDir(async (dir) => {
    const pid = await startDetached({
      cmd: "sh",
      args: ["-c", 'trap "" TERM; echo ready; while :; do sleep 1; done'],
      cwd: dir,
      logFile: `${dir}/svc.log`,
      pidFile: `${dir}/svc.pid`,
    });
    await waitForLine(`${dir}/svc.log`, "ready");
    deepEqual(await stopProcess(pid, 300), "killed");
    deepEqual(await isOurProcess(pid, "trap"), false);
  });
});

Deno.test("services process: lock holders run one at a time, never overlapping", async () => {
  await withTempDir(async (dir) => {
    const events: string[] = [];
    const holder = (id: string) =>
      withLockFile(`${dir}/x.lock`, 10_000, async () => {
        events.push(`${id} in`);
        await new Promise((r) => setTimeout(r, 100));
        events.push(`${id} out`);
      });
    await Promise.all([holder("a"), holder("b"), holder("c")]);
    deepEqual(events.length, 6);
    for (let i = 0; i < 6; i += 2) {
      deepEqual(events[i].split(" ")[0], events[i + 1].split(" ")[0], events.join(", "));
    }
    await Deno.stat(`${dir}/x.lock`).then(
      () => deepEqual("lock file left behind", "lock file removed"),
      () => {},
    );
  });
});

Deno.test("services process: a lock left by a dead process is taken over", async () => {
  await withTempDir(async (dir) => {
    const child = new Deno.Command("true").spawn();
    await child.status;
    await Deno.writeTextFile(`${dir}/x.lock`, `${child.pid}\n`);
    deepEqual(await withLockFile(`${dir}/x.lock`, 2_000, () => Promise.resolve("ran")), "ran");
  });
});

Deno.test("services process: a lock held by a live process times out with a clear error", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/x.lock`, `${Deno.pid}\n`);
    await rejects(
      withLockFile(`${dir}/x.lock`, 300, () => Promise.resolve()),
      new RegExp(`x\\.lock is still held by pid ${Deno.pid}`),
    );
  });
});
