/**
 * `gateway spool`: what a spool holds, per destination, and what to do with it — list, send
 * readings to where they were meant to go, re-target them to other brokers, export them as JSON
 * lines, delete them on request.
 */
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { Buffer } from "node:buffer";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { type WriterSchema, writerSchemaFromText } from "../avro/writer_schema.ts";
import { COMPRESSIONS, parseBrokers } from "../kafka/client.ts";
import { createDelivery } from "../produce/delivery.ts";
import {
  describeDestination,
  type Destination,
  normaliseBrokers,
  retargeted,
} from "../spool/destination.ts";
import { readOwnerPid } from "../spool/owner.ts";
import { setAsideSpool, spoolFileProblem } from "../spool/spool_file.ts";
import {
  type DestinationSummary,
  type QuarantinedEntry,
  Spool,
  type SpoolEntry,
} from "../spool/spool.ts";
import { createLogger, type LogFormat, type LogLevel } from "../util/log.ts";
import { delay } from "../util/retry.ts";
import { formatByteSize } from "../util/byte_size.ts";
import { onStopSignal } from "../util/signals.ts";
import {
  commandKafkaSecurity,
  commandRegistryAuth,
  DEFAULTS,
  kafkaSecurityOptions,
  logOptions,
  registryAuthOptions,
  registryOption,
} from "./common_options.ts";
import { duration, oneOf, positiveInt, switchOption } from "./option_values.ts";
import { type DurationBounds, durationHelp } from "../util/duration.ts";
import { defaultSpoolPath, SPOOL_DEFAULT_HELP } from "../spool/spool_paths.ts";
import { UsageError } from "./usage_error.ts";

interface SpoolOptions {
  spool?: string;
  topic: string;
}

function spoolOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--spool <file>", `spool database (default: ${SPOOL_DEFAULT_HELP})`)
        .env("GATEWAY_SPOOL"),
    )
    .addOption(
      new Option("--topic <name>", "picks the default spool of this topic").env("GATEWAY_TOPIC")
        .default(DEFAULTS.topic),
    );
}

/** `spool send --timeout`: at most a day per destination. */
export const SEND_TIMEOUT: DurationBounds = { unit: "s", maxMs: 86_400_000 };

function destinationOption(): Option {
  return new Option("--destination <id>", "only this destination (its id, from gateway spool)")
    .env("GATEWAY_SPOOL_DESTINATION").argParser(positiveInt("--destination"));
}

/** Opens an existing spool (owning it while the command runs). */
function openSpool(o: SpoolOptions): Spool {
  const path = o.spool !== undefined ? resolve(o.spool) : defaultSpoolPath(o.topic);
  if (!existsSync(path)) throw new UsageError(`no spool at ${path}`);
  return new Spool({ path, maxBytes: Number.MAX_SAFE_INTEGER, policy: "drop-newest" });
}

function pick(spool: Spool, id: number | undefined): DestinationSummary[] {
  const all = spool.destinations();
  if (id === undefined) return all;
  const one = all.filter((d) => d.id === id);
  if (one.length === 0) {
    throw new UsageError(
      `spool ${spool.path} has no destination ${id} (it has ${
        all.map((d) => d.id).join(", ") || "none"
      })`,
    );
  }
  return one;
}

const iso = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString());

function listCommand(): Command {
  return spoolOptions(new Command("list"))
    .description("list the readings waiting and quarantined, per destination (the default)")
    .addOption(switchOption("--json", "one JSON document instead of text", "GATEWAY_SPOOL_JSON"))
    .action((o: SpoolOptions & { json?: boolean }) => {
      const spool = openSpool(o);
      try {
        const destinations = spool.destinations();
        const reasons = spool.quarantineReasons();
        if (o.json) {
          console.log(JSON.stringify({
            spool: spool.path,
            spoolId: spool.id,
            destinations: destinations.map((d) => ({
              ...d,
              quarantineReasons: reasons.filter((r) => r.dest === d.id).map((r) => ({
                reason: r.reason,
                count: r.count,
              })),
            })),
            counters: spool.stats(),
          }));
          return;
        }
        const s = spool.stats();
        console.log(
          `spool ${spool.path} (id ${spool.id}): ${s.entries} readings waiting, ${s.quarantined} quarantined ` +
            `(lifetime: ${s.appended} spooled, ${s.acknowledged} acknowledged, ` +
            `${s.dropped} dropped, ${s.quarantinedTotal} quarantined)`,
        );
        for (const d of destinations) {
          console.log(`\ndestination ${d.id}: ${describeDestination(d.destination)}`);
          console.log(
            `  waiting: ${d.entries} readings (${formatByteSize(d.bytes)}), taken ` +
              `${iso(d.oldestMs)} .. ${iso(d.newestMs)}`,
          );
          if (d.devices.length > 0) {
            console.log(
              `  devices (last seq): ${
                d.devices.map((v) => `${v.device} ${v.lastSeq}`).join(", ")
              }`,
            );
          }
          console.log(`  quarantined: ${d.quarantined}`);
          for (const r of reasons.filter((r) => r.dest === d.id)) {
            console.log(`    ${r.count} × ${r.reason}`);
          }
        }
      } finally {
        spool.close();
      }
    });
}

function exportCommand(): Command {
  return spoolOptions(new Command("export"))
    .description("write readings as JSON lines to stdout (decoded with their spooled schema)")
    .addOption(destinationOption())
    .option("--quarantine", "export the quarantined readings instead of the waiting ones")
    .action((o: SpoolOptions & { destination?: number; quarantine?: boolean }) => {
      const spool = openSpool(o);
      try {
        const byId = new Map(pick(spool, o.destination).map((d) => [d.id, d.destination]));
        const writers = new Map<string, WriterSchema | undefined>();
        const decode = (e: SpoolEntry) => {
          if (!writers.has(e.schemaFp)) {
            const text = spool.schema(e.schemaFp);
            writers.set(e.schemaFp, text === undefined ? undefined : writerSchemaFromText(text));
          }
          const w = writers.get(e.schemaFp);
          return w ? w.type.fromBuffer(Buffer.from(e.body)) : null;
        };
        const encoder = new TextEncoder();
        const out = (line: unknown) =>
          Deno.stdout.writeSync(encoder.encode(JSON.stringify(line, jsonSafe) + "\n"));
        const rows = o.quarantine
          ? spool.quarantined(o.destination)
          : spool.readings(o.destination);
        for (const e of rows) {
          if (!byId.has(e.dest)) continue;
          out({
            destinationId: e.dest,
            destination: byId.get(e.dest) ?? null,
            device: e.device,
            seq: e.seq,
            readingId: e.readingId,
            spoolId: spool.id,
            takenMs: e.takenMs,
            schemaFingerprint: e.schemaFp,
            record: decode(e),
            ...("reason" in e
              ? { reason: e.reason, quarantinedAt: iso((e as QuarantinedEntry).atMs) }
              : {}),
          });
        }
      } finally {
        spool.close();
      }
    });
}

function setAsideCommand(): Command {
  return spoolOptions(new Command("set-aside"))
    .description(
      "rename a spool that cannot be used (empty, truncated, damaged, not a spool) to " +
        "<spool>.broken-<time>, kept for inspection; the next produce starts a new spool",
    )
    .option("--force", "also a spool that opens (its readings go with it, unsent)")
    .action((o: SpoolOptions & { force?: boolean }) => {
      const path = o.spool ?? defaultSpoolPath(o.topic);
      if (!existsSync(path)) throw new UsageError(`no spool at ${path}`);
      const problem = spoolFileProblem(path);
      if (problem === undefined && !o.force) {
        // A file that looks whole may still be damaged inside: opening it tells.
        let opened = false;
        try {
          new Spool({ path, maxBytes: Number.MAX_SAFE_INTEGER, policy: "drop-newest" }).close();
          opened = true;
        } catch {
          // damaged, or owned by a running gateway (checked next)
        }
        if (opened) {
          throw new UsageError(
            `spool ${path} opens as a spool: not set aside (gateway spool lists its readings; ` +
              `--force sets it aside anyway)`,
          );
        }
      }
      const owner = readOwnerPid(path);
      if (owner !== undefined && owner !== Deno.pid && processAlive(owner)) {
        throw new UsageError(
          `spool ${path} names a running gateway as its owner (pid ${owner}): stop it first`,
        );
      }
      const to = setAsideSpool(path);
      console.log(
        `spool ${path}${problem ? ` (${problem})` : ""} set aside as ${to}; ` +
          `the next gateway produce starts a new spool at ${path}`,
      );
    });
}

/** Whether a process `pid` runs (Linux: it has a /proc entry). */
function processAlive(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

function deleteCommand(): Command {
  return spoolOptions(new Command("delete"))
    .description(
      "delete waiting (or, with --quarantine, quarantined) readings: --destination or --all, and --yes",
    )
    .addOption(destinationOption())
    .option("--all", "every destination")
    .option("--quarantine", "delete quarantined readings instead of waiting ones")
    .option("--yes", "really delete (without it, only says what would go)")
    .action((
      o: SpoolOptions & {
        destination?: number;
        all?: boolean;
        quarantine?: boolean;
        yes?: boolean;
      },
    ) => {
      if ((o.destination === undefined) === !o.all) {
        throw new UsageError("gateway spool delete needs --destination <id> or --all");
      }
      const spool = openSpool(o);
      try {
        const chosen = pick(spool, o.destination);
        const n = chosen.reduce((a, d) => a + (o.quarantine ? d.quarantined : d.entries), 0);
        const what = o.quarantine ? "quarantined readings" : "waiting readings";
        if (!o.yes) {
          console.log(`would delete ${n} ${what} of ${spool.path}; run again with --yes to delete`);
          Deno.exitCode = 2;
          return;
        }
        const deleted = o.quarantine
          ? spool.deleteQuarantined(o.destination)
          : spool.deleteReadings(o.destination);
        console.log(`deleted ${deleted} ${what} of ${spool.path}`);
      } finally {
        spool.close();
      }
    });
}

/** Options of the commands that send (`send`, `retarget`). */
interface SendOptions extends SpoolOptions {
  destination?: number;
  registry: string;
  compression: (typeof COMPRESSIONS)[number];
  timeout: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

function sendingOptions(cmd: Command): Command {
  cmd
    .addOption(destinationOption())
    .addOption(registryOption())
    .addOption(
      new Option("--compression <codec>", "Kafka compression: none, gzip, snappy, lz4 or zstd")
        .env("GATEWAY_COMPRESSION").default("none").argParser(oneOf("--compression", COMPRESSIONS)),
    )
    .addOption(
      new Option(
        "--timeout <seconds>",
        `give up on a destination after this long (${durationHelp(SEND_TIMEOUT)})`,
      ).env("GATEWAY_SPOOL_SEND_TIMEOUT").default(60).argParser(
        duration("--timeout", SEND_TIMEOUT),
      ),
    );
  // The readings' destination names the brokers and topic; how to reach them securely is this
  // run's to say, with the same options and variables as `gateway produce`.
  for (const o of [...kafkaSecurityOptions(), ...registryAuthOptions()]) cmd.addOption(o);
  for (const o of logOptions()) cmd.addOption(o);
  return cmd;
}

function sendCommand(): Command {
  return sendingOptions(spoolOptions(new Command("send")))
    .description(
      "send waiting readings to the destination each was spooled for (gateway spool retarget " +
        "moves them to other brokers)",
    )
    .action(async (o: SendOptions) => {
      const log = createLogger({ level: o.logLevel, format: o.logFormat });
      const values = o as unknown as Record<string, unknown>;
      const { security, brokers } = await commandKafkaSecurity(values, log);
      const registryAuth = commandRegistryAuth(values);
      const spool = openSpool(o);
      let left = 0;
      try {
        const chosen = pick(spool, o.destination);
        warnOtherBrokers(chosen, brokers, log);
        left = await sendTo(spool, chosen, o, { security, registryAuth, log });
      } finally {
        spool.close();
      }
      if (left > 0) {
        log.error("readings are still waiting in the spool", { left, spool: spool.path });
        Deno.exitCode = 1;
      }
    });
}

/**
 * `spool send` sends where readings were spooled for; brokers named elsewhere (GATEWAY_BROKERS,
 * `--kafka-config`'s bootstrap.servers) are not used, and the operator is told how to move them.
 */
function warnOtherBrokers(
  chosen: DestinationSummary[],
  fileBrokers: string | undefined,
  log: ReturnType<typeof createLogger>,
): void {
  const named = [
    ["--kafka-config bootstrap.servers", fileBrokers],
    ["GATEWAY_BROKERS", Deno.env.get("GATEWAY_BROKERS")],
  ] as const;
  for (const [where, list] of named) {
    if (!list?.trim()) continue;
    const brokers = normaliseBrokers(list.split(","));
    for (const d of chosen) {
      if (!d.destination || d.entries === 0 || d.destination.brokers === brokers) continue;
      log.warn(
        `${where} names other brokers than these readings were spooled for; they are sent where ` +
          "they were spooled for",
        {
          destinationId: d.id,
          spooledFor: d.destination.brokers,
          named: brokers,
          hint: `gateway spool retarget --destination ${d.id} --brokers ${brokers} moves them`,
        },
      );
    }
  }
}

/** Sends the waiting readings of `chosen`; returns how many are still waiting. */
async function sendTo(
  spool: Spool,
  chosen: DestinationSummary[],
  o: SendOptions,
  how: {
    security: Awaited<ReturnType<typeof commandKafkaSecurity>>["security"];
    registryAuth: ReturnType<typeof commandRegistryAuth>;
    log: ReturnType<typeof createLogger>;
  },
): Promise<number> {
  const { log } = how;
  const signal = onStopSignal(log);
  let left = 0;
  for (const d of chosen) {
    if (d.entries === 0) continue;
    if (!d.destination) {
      log.warn("readings without a recorded destination are not sent: export or delete them", {
        destinationId: d.id,
        readings: d.entries,
      });
      left += d.entries;
      continue;
    }
    const { forwarder, producer } = createDelivery({
      spool,
      dest: d.id,
      destination: d.destination,
      registryUrl: o.registry,
      registryAuth: how.registryAuth,
      security: how.security,
      compression: o.compression,
      batchSize: 500,
      clientId: `sensortag-gateway-${hostname()}`,
      log: log.child({ destinationId: d.id }),
    });
    log.info("sending", {
      destinationId: d.id,
      destination: describeDestination(d.destination),
      readings: d.entries,
    });
    forwarder.start();
    const until = Date.now() + o.timeout * 1000;
    while (spool.stats(d.id).entries > 0 && Date.now() < until && !signal.aborted) {
      await delay(100, signal).catch(() => {});
    }
    await forwarder.stop(0);
    await producer.disconnect().catch(() => {});
    const f = forwarder.stats;
    const rest = spool.stats(d.id).entries;
    left += rest;
    log.info("sent", {
      destinationId: d.id,
      sent: f.sent,
      quarantined: f.quarantined,
      left: rest,
      ...(f.lastError && rest > 0 ? { lastError: f.lastError } : {}),
    });
    if (signal.aborted) break;
  }
  return left;
}

/**
 * Devices whose `seq` values the moved readings share with another destination of the same
 * topic on the new brokers: both sequences start at 1, so a consumer keyed by (bid, seq) would
 * see two readings under one key.
 */
function sharedSequences(
  all: DestinationSummary[],
  moved: DestinationSummary,
  to: Destination,
): string[] {
  const out: string[] = [];
  for (const other of all) {
    const od = other.destination;
    if (other.id === moved.id || !od || od.brokers !== to.brokers || od.topic !== to.topic) {
      continue;
    }
    for (const v of moved.devices) {
      const w = other.devices.find((x) => x.device === v.device);
      if (w) {
        out.push(
          `${v.device} (seq 1..${v.lastSeq} here, 1..${w.lastSeq} in destination ${other.id})`,
        );
      }
    }
  }
  return out;
}

function retargetCommand(): Command {
  return sendingOptions(spoolOptions(new Command("retarget")))
    .description(
      "move waiting readings to other brokers (a typo in GATEWAY_BROKERS, a renamed host, a " +
        "broker added), keeping topic, format, subject and each reading as spooled (seq " +
        "included), then send them there with this run's security settings; needs --yes or a " +
        "yes at the prompt",
    )
    .addOption(
      new Option(
        "--from <brokers>",
        "the readings spooled for these brokers (host:port[,...], any order)",
      ).argParser(brokerList("--from")),
    )
    .addOption(
      new Option(
        "--brokers <list>",
        "where to send them instead (default: --kafka-config's bootstrap.servers)",
      ).argParser(brokerList("--brokers")),
    )
    .option("--yes", "really re-target (without it, says what would change and asks, or exits 2)")
    .option("--no-send", "only re-target; gateway spool send delivers them later")
    .action(async (
      o: SendOptions & { from?: string[]; brokers?: string[]; yes?: boolean; send: boolean },
    ) => {
      if (o.from === undefined && o.destination === undefined) {
        throw new UsageError("gateway spool retarget needs --from <brokers> or --destination <id>");
      }
      const log = createLogger({ level: o.logLevel, format: o.logFormat });
      const values = o as unknown as Record<string, unknown>;
      const { security, brokers: fileBrokers } = await commandKafkaSecurity(values, log);
      const registryAuth = commandRegistryAuth(values);
      const to = o.brokers ?? (fileBrokers ? brokerList("--kafka-config")(fileBrokers) : undefined);
      if (!to) {
        throw new UsageError(
          "gateway spool retarget needs --brokers <list> (or a --kafka-config with bootstrap.servers)",
        );
      }
      const spool = openSpool(o);
      let left = 0;
      try {
        const all = spool.destinations();
        const from = o.from && normaliseBrokers(o.from);
        const chosen = pick(spool, o.destination).filter((d) =>
          from === undefined || d.destination?.brokers === from
        );
        if (chosen.length === 0) {
          throw new UsageError(
            `spool ${spool.path} has no destination spooled for ${from}${
              o.destination === undefined ? "" : ` with id ${o.destination}`
            } (it has: ${
              all.map((d) => `${d.id} ${describeDestination(d.destination)}`).join("; ") || "none"
            })`,
          );
        }
        const moves: { d: DestinationSummary; next: Destination }[] = [];
        for (const d of chosen) {
          if (!d.destination) {
            throw new UsageError(
              `destination ${d.id} of ${spool.path} has no recorded topic or format ` +
                "(spooled by an older gateway): export its readings instead",
            );
          }
          const next = retargeted(d.destination, d.id, to);
          if (next.brokers === d.destination.brokers) {
            throw new UsageError(
              `destination ${d.id} is already on ${next.brokers}: nothing to re-target`,
            );
          }
          moves.push({ d, next });
        }
        for (const { d, next } of moves) {
          console.log(
            `destination ${d.id}: ${d.entries} waiting and ${d.quarantined} quarantined ` +
              `readings of ${describeDestination(d.destination)} -> brokers ${next.brokers}`,
          );
          const shared = sharedSequences(all, d, next);
          if (shared.length > 0) {
            console.log(
              `  note: topic ${next.topic} on ${next.brokers} also gets readings of another ` +
                `destination with the same devices, each sequence from 1: ${shared.join(", ")}; ` +
                "a consumer keyed by (bid, seq) would see both under one key",
            );
          }
        }
        if (!o.yes && !(Deno.stdin.isTerminal() && confirm("re-target these readings?"))) {
          console.log(
            `nothing changed in ${spool.path}; run again with --yes to re-target`,
          );
          Deno.exitCode = 2;
          return;
        }
        for (const { d, next } of moves) {
          spool.retarget(d.id, next);
          log.info("re-targeted", {
            destinationId: d.id,
            readings: d.entries,
            from: d.destination!.brokers,
            to: next.brokers,
          });
        }
        if (!o.send) return;
        left = await sendTo(
          spool,
          pick(spool, o.destination).filter((d) => moves.some((m) => m.d.id === d.id)),
          o,
          { security, registryAuth, log },
        );
      } finally {
        spool.close();
      }
      if (left > 0) {
        log.error("re-targeted readings are still waiting in the spool", {
          left,
          spool: spool.path,
          hint: "gateway spool send sends them to their new brokers",
        });
        Deno.exitCode = 1;
      }
    });
}

/** A broker list option: parsed like `--brokers`, a bad list is a usage error. */
function brokerList(what: string) {
  return (value: string): string[] => {
    try {
      return parseBrokers(value);
    } catch (error) {
      throw new InvalidArgumentError(
        (error as Error).message.replaceAll("--brokers", what),
      );
    }
  };
}

/** `gateway spool [list|send|retarget|export|delete]` */
export function spoolCommand(): Command {
  const cmd = new Command("spool")
    .description(
      "Inspect and act on a produce spool: every reading records its destination and is only " +
        "ever sent there.",
    )
    .addCommand(listCommand(), { isDefault: true })
    .addCommand(sendCommand())
    .addCommand(retargetCommand())
    .addCommand(exportCommand())
    .addCommand(deleteCommand())
    .addCommand(setAsideCommand());
  for (const c of cmd.commands) {
    c.exitOverride().showHelpAfterError("(run with --help for the options)");
  }
  return cmd;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Array.from(value);
  return value;
}
