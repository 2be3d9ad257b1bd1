/**
 * `gateway install-service produce|sink`: puts the systemd unit and its
 * example settings in place (deploy/systemd/, embedded in the binary), with
 * ExecStart pointing at this binary. It never overwrites existing settings,
 * and prints the systemctl lines to run (the binary starts no subprocesses).
 */
import { Argument, Command, Option } from "commander";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./usage_error.ts";
import type { OptionSpec } from "../config/option_spec.ts";
import { KAFKA_SECURITY_OPTIONS } from "../config/kafka_security.ts";
import { REGISTRY_AUTH_OPTIONS } from "../config/registry_auth.ts";
import { SINK_OPTIONS } from "../config/sink_options.ts";

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

/** A file the service reads through a systemd credential, and the variable naming it. */
export interface Credential {
  variable: string;
  /** Absolute path of the root-only file systemd loads. */
  file: string;
  /** The credential's name: the file's base name. */
  name: string;
}

/** The GATEWAY_* variables of `kind` whose value is a file the gateway reads (`<file>` options). */
export function fileVariables(kind: ServiceKind): string[] {
  const specs: OptionSpec<unknown>[] = [
    ...(kind === "sink" ? [SINK_OPTIONS.config as OptionSpec<unknown>] : []),
    ...Object.values(KAFKA_SECURITY_OPTIONS) as OptionSpec<unknown>[],
    ...Object.values(REGISTRY_AUTH_OPTIONS) as OptionSpec<unknown>[],
  ];
  return specs.filter((s) => /file>$/.test(s.flag)).map((s) => s.env);
}

/** Parses `--credential VARIABLE=/etc/gateway/file` for `kind`; a bad one is a usage error. */
export function parseCredential(kind: ServiceKind, text: string): Credential {
  const m = /^(GATEWAY_[A-Z0-9_]+)=(.+)$/.exec(text.trim());
  const allowed = fileVariables(kind);
  if (!m || !allowed.includes(m[1])) {
    throw new UsageError(
      `--credential must be VARIABLE=/absolute/file with VARIABLE one of ${allowed.join(", ")} ` +
        `(the options of gateway ${kind} that name a file), got "${text}"`,
    );
  }
  const file = m[2];
  const name = basename(file);
  if (!file.startsWith("/") || !/^[A-Za-z0-9._-]+$/.test(name) || /\s/.test(file)) {
    throw new UsageError(
      `--credential ${m[1]}: the file must be an absolute path without spaces, its name made of ` +
        `letters, digits, '.', '_' or '-', got "${file}"`,
    );
  }
  return { variable: m[1], file, name };
}

/**
 * The unit with `ExecStart=` running `bin` (an absolute path) instead of /usr/local/bin/gateway,
 * and each credential loaded (`LoadCredential=`) and named to the gateway by its variable
 * (`Environment=VAR=%d/<name>`: %d is the service's $CREDENTIALS_DIRECTORY).
 */
export function unitFor(
  text: string,
  bin: string,
  credentials: readonly Credential[] = [],
): string {
  if (!bin.startsWith("/")) throw new UsageError(`--bin must be an absolute path, got "${bin}"`);
  if (/\s/.test(bin)) throw new UsageError(`--bin must not contain spaces, got "${bin}"`);
  const names = new Set<string>();
  for (const c of credentials) {
    if (names.has(c.name)) {
      throw new UsageError(`--credential: two files named ${c.name}; rename one`);
    }
    names.add(c.name);
  }
  let unit = text.replace(/^ExecStart=\S+/m, `ExecStart=${bin}`);
  if (credentials.length > 0) {
    const lines = credentials.flatMap((c) => [
      `LoadCredential=${c.name}:${c.file}`,
      `Environment=${c.variable}=%d/${c.name}`,
    ]);
    unit = unit.replace(/^NoNewPrivileges=yes$/m, (line) => `${line}\n${lines.join("\n")}`);
  }
  return unit;
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
  credential: string[];
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
    .addOption(
      new Option(
        "--credential <VARIABLE=file>",
        "a root-only file with secrets the service reads (e.g. GATEWAY_SINK_CONFIG and the " +
          "sink's connector file): loaded as a systemd credential, the variable pointing at " +
          "it; repeatable",
      ).argParser((v: string, all: string[] = []) => [...all, v]).default([]),
    )
    .action(async (kind: ServiceKind, o: InstallOptions) => {
      const bin = o.bin ?? defaultBin();
      const files = serviceFiles(kind);
      const credentials = o.credential.map((c) => parseCredential(kind, c));
      const unit = unitFor(await Deno.readTextFile(files.unit), bin, credentials);
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
      for (const c of credentials) {
        console.log(
          `  ${c.variable} = the credential ${c.name}, loaded from ${c.file} (keep it root-only, ` +
            `and ${c.variable} out of ${envPath})`,
        );
      }
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
