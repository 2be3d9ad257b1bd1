/**
 * `gateway install-service produce|sink`: puts the systemd unit and its
 * example settings in place (deploy/systemd/, embedded in the binary), with
 * ExecStart pointing at this binary. It never overwrites existing settings,
 * and prints the systemctl lines to run (the binary starts no subprocesses).
 */
import { Argument, Command, Option } from "commander";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./usage_error.ts";

export const SERVICE_KINDS = ["produce", "sink"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

const DEFAULT_BIN = "/usr/local/bin/gateway";

/** The files of one service, as shipped in deploy/systemd/. */
export function serviceFiles(kind: ServiceKind): { unit: URL; env: URL } {
  return {
    unit: new URL(`../../deploy/systemd/gateway-${kind}.service`, import.meta.url),
    env: new URL(`../../deploy/systemd/${kind}.env`, import.meta.url),
  };
}

/** The unit with `ExecStart=` running `bin` (an absolute path) instead of /usr/local/bin/gateway. */
export function unitFor(text: string, bin: string): string {
  if (!bin.startsWith("/")) throw new UsageError(`--bin must be an absolute path, got "${bin}"`);
  if (/\s/.test(bin)) throw new UsageError(`--bin must not contain spaces, got "${bin}"`);
  return text.replace(/^ExecStart=\S+/m, `ExecStart=${bin}`);
}

/** This binary when it is the compiled gateway, else the documented install path. */
function defaultBin(): string {
  const self = Deno.execPath();
  return /^deno(\.exe)?$/.test(basename(self)) ? DEFAULT_BIN : self;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

interface InstallOptions {
  bin?: string;
  root: string;
  force: boolean;
}

export function installServiceCommand(): Command {
  return new Command("install-service")
    .summary("Install the systemd unit of `gateway produce` or `gateway sink`.")
    .description(
      "Install the systemd unit of `gateway produce` or `gateway sink` and its example " +
        "settings: /etc/systemd/system/gateway-<kind>.service and /etc/gateway/<kind>.env " +
        "(kept if present).",
    )
    .addArgument(new Argument("<kind>", "which service").choices(SERVICE_KINDS))
    .addOption(
      new Option(
        "--bin <path>",
        `the gateway binary ExecStart runs (default: this binary, or ${DEFAULT_BIN} from a checkout)`,
      ).env("GATEWAY_INSTALL_BIN"),
    )
    .addOption(
      new Option("--root <dir>", "install below this directory instead of /")
        .env("GATEWAY_INSTALL_ROOT").default("/"),
    )
    .addOption(new Option("--force", "replace an existing unit file").default(false))
    .action(async (kind: ServiceKind, o: InstallOptions) => {
      const bin = o.bin ?? defaultBin();
      const files = serviceFiles(kind);
      const unit = unitFor(await Deno.readTextFile(files.unit), bin);
      // Absolute, so every line about a file names the file itself.
      const root = resolve(o.root);
      const unitPath = join(root, "etc/systemd/system", `gateway-${kind}.service`);
      const envPath = join(root, "etc/gateway", `${kind}.env`);
      if ((await exists(unitPath)) && !o.force) {
        throw new UsageError(`${unitPath} exists; --force replaces it`);
      }
      await Deno.mkdir(dirname(unitPath), { recursive: true });
      await Deno.writeTextFile(unitPath, unit, { mode: 0o644 });
      console.log(`wrote ${unitPath} (ExecStart=${bin} ${kind})`);
      if (await exists(envPath)) {
        console.log(`kept ${envPath} (your settings)`);
      } else {
        await Deno.mkdir(dirname(envPath), { recursive: true, mode: 0o755 });
        // Settings may hold passwords: readable by root only (systemd reads it as root).
        await Deno.writeTextFile(envPath, await Deno.readTextFile(files.env), { mode: 0o600 });
        console.log(`wrote ${envPath}: edit it, then start the service`);
      }
      console.log(
        `next: sudo systemctl daemon-reload && sudo systemctl enable --now gateway-${kind}\n` +
          `      journalctl -u gateway-${kind} -f      gateway status`,
      );
    });
}
