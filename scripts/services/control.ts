/** `up`, `down` and `status` over the managed services. */
import { ensureInstalled, type Installed } from "./install.ts";
import { selectServices, type ServiceName } from "./names.ts";
import { repoRootOf, servicesHome, statePaths } from "./paths.ts";
import { portInUse } from "./probes.ts";
import {
  isOurProcess,
  readPid,
  residentBytes,
  startDetached,
  stopProcess,
  tailFile,
  withLockFile,
} from "./process.ts";
import { SERVICES, type ServiceSpec } from "./services.ts";
import type { ServiceStatus } from "./status_line.ts";

/** Options shared by the commands. */
export interface ControlOptions {
  /** Progress lines (default: console.log with a `[services]` prefix). */
  log?: (line: string) => void;
  /** Checkout whose `.services/` holds the state (default: the one containing this script). */
  repoRoot?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function context(opts: ControlOptions) {
  // GATEWAY_SERVICES_STATE_ROOT lets several checkouts (git worktrees) share one running set of
  // services: the ports are fixed, so only one checkout's `.services/` can own them.
  const shared = Deno.env.get("GATEWAY_SERVICES_STATE_ROOT")?.trim();
  const state = statePaths(opts.repoRoot ?? (shared || repoRootOf(import.meta.url)));
  const log = opts.log ?? ((line: string) => console.log(`[services] ${line}`));
  return { state, log };
}

type Context = ReturnType<typeof context>;

async function ourPid(ctx: Context, name: ServiceName): Promise<number | null> {
  const pid = await readPid(ctx.state.pidFile(name));
  if (pid === null) return null;
  return (await isOurProcess(pid, ctx.state.serviceDir(name))) ? pid : null;
}

/** Installs (first time only) without starting. */
export async function install(names?: readonly string[], opts: ControlOptions = {}): Promise<void> {
  const ctx = context(opts);
  const home = servicesHome(Deno.env.toObject());
  for (const name of selectServices(names)) {
    await ensureInstalled(home, name, (line) => ctx.log(`${name}: ${line}`));
  }
}

/**
 * Installs what is missing, then starts every requested service not already answering, and
 * waits until each answers its probe. Services already up are left alone. Throws one error
 * listing every service that did not come up, each with its log file and last log lines.
 */
export async function up(
  names?: readonly string[],
  opts: ControlOptions = {},
): Promise<ServiceStatus[]> {
  const ctx = context(opts);
  const selected = selectServices(names);
  const home = servicesHome(Deno.env.toObject());
  await Deno.mkdir(ctx.state.logsDir, { recursive: true });
  await Deno.mkdir(ctx.state.pidsDir, { recursive: true });
  const pending: ServiceSpec[] = [];
  for (const name of selected) {
    const spec = SERVICES[name];
    if ((await spec.probe()).ok) {
      ctx.log(`${name}: already up on ${spec.host}:${spec.port}`);
      continue;
    }
    await ensureInstalled(home, name, (line) => ctx.log(`${name}: ${line}`));
    pending.push(spec);
  }
  const results = await Promise.allSettled(
    pending.map((spec) =>
      withLockFile(ctx.state.lockFile(spec.name), 2 * spec.startTimeoutMs, async () => {
        // whoever held the lock before us may have started it already
        if ((await spec.probe()).ok) return ctx.log(`${spec.name}: up (started concurrently)`);
        await startAndWait(ctx, home, spec);
      })
    ),
  );
  const failures = results.flatMap((r) =>
    r.status === "rejected" ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []
  );
  if (failures.length > 0) throw new Error(failures.join("\n\n"));
  return await status(selected, opts);
}

async function startAndWait(ctx: Context, home: string, spec: ServiceSpec): Promise<void> {
  const { name } = spec;
  const logFile = ctx.state.logFile(name);
  const started = performance.now();
  let pid = await ourPid(ctx, name);
  let installed: Installed | undefined;
  if (pid !== null) {
    ctx.log(`${name}: pid ${pid} is already starting; waiting for it`);
  } else {
    if (await portInUse(spec.host, spec.port)) {
      throw new Error(
        `${name}: ${spec.host}:${spec.port} is taken by a process that does not answer as ` +
          `${spec.title} and was not started by this tool; stop it first`,
      );
    }
    installed = await ensureInstalled(home, name, (line) => ctx.log(`${name}: ${line}`));
    const dir = ctx.state.serviceDir(name);
    await Deno.mkdir(dir, { recursive: true });
    const launch = await spec.prepare(installed, dir, (line) => ctx.log(`${name}: ${line}`));
    await Deno.writeTextFile(
      logFile,
      `\n===== ${new Date().toISOString()} services up: ${launch.cmd} ${launch.args.join(" ")}\n`,
      { append: true },
    );
    pid = await startDetached({
      ...launch,
      cwd: dir,
      logFile,
      pidFile: ctx.state.pidFile(name),
    });
    ctx.log(`${name}: started pid ${pid}, waiting for it to answer on ${spec.host}:${spec.port}`);
  }
  const deadline = Date.now() + spec.startTimeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const probe = await spec.probe();
    if (probe.ok) {
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      ctx.log(`${name}: up on ${spec.host}:${spec.port} after ${secs} s (${probe.detail})`);
      if (installed && spec.afterStart) {
        await spec.afterStart(
          installed,
          ctx.state.serviceDir(name),
          (line) => ctx.log(`${name}: ${line}`),
        );
      }
      return;
    }
    last = probe.reason;
    if (!(await isOurProcess(pid, ctx.state.serviceDir(name)))) {
      throw new Error(
        `${name}: the process (pid ${pid}) exited before answering; see ${logFile}\n` +
          (await tailFile(logFile, 25)),
      );
    }
    await sleep(500);
  }
  throw new Error(
    `${name}: did not answer on ${spec.host}:${spec.port} within ${spec.startTimeoutMs / 1000} s ` +
      `(last probe: ${last}); it is still running as pid ${pid}; see ${logFile}\n` +
      (await tailFile(logFile, 25)),
  );
}

/**
 * Stops the requested services that this tool started (SIGTERM, SIGKILL after the grace period)
 * and removes their pid files, then what each left running in its state (FerretDB's
 * PostgreSQL). A service answering without our pid file is left alone, with its backend.
 */
export async function down(names?: readonly string[], opts: ControlOptions = {}): Promise<void> {
  const ctx = context(opts);
  await Promise.all(
    selectServices(names).map(async (name) => {
      const spec = SERVICES[name];
      const pidFile = ctx.state.pidFile(name);
      const pid = await ourPid(ctx, name);
      const after = () =>
        spec.afterStop?.(ctx.state.serviceDir(name), (line) => ctx.log(`${name}: ${line}`));
      if (pid === null) {
        await Deno.remove(pidFile).catch(() => {});
        const answering = (await spec.probe()).ok;
        ctx.log(
          answering
            ? `${name}: answers on ${spec.host}:${spec.port} but was not started here; left alone`
            : `${name}: not running`,
        );
        // What it left behind in this state (a backend still up after a crash) goes too; not
        // while another process answers in its place, which may be using it.
        if (!answering) await after();
        return;
      }
      const started = performance.now();
      const how = await stopProcess(pid, spec.stopGraceMs);
      await Deno.remove(pidFile).catch(() => {});
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      ctx.log(`${name}: stopped pid ${pid} (${how} after ${secs} s)`);
      await after();
    }),
  );
}

/** The status of each requested service (probed now). */
export async function status(
  names?: readonly string[],
  opts: ControlOptions = {},
): Promise<ServiceStatus[]> {
  const ctx = context(opts);
  return await Promise.all(
    selectServices(names).map(async (name) => {
      const spec = SERVICES[name];
      const [probe, pid] = await Promise.all([spec.probe(), ourPid(ctx, name)]);
      return {
        name,
        up: probe.ok,
        host: spec.host,
        port: spec.port,
        pid,
        rssBytes: pid === null ? null : await residentBytes(pid),
        logFile: ctx.state.logFile(name),
        detail: probe.ok ? probe.detail : probe.reason,
      };
    }),
  );
}
