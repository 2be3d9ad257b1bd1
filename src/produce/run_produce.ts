/**
 * `gateway produce`: readings → Avro → durable spool → Kafka.
 * Start-up never waits for Kafka or the registry: readings are taken and
 * spooled from the first interval; delivery catches up when they answer.
 */
import { dirname } from "node:path";
import type { Reading } from "../avro/reading_record.ts";
import { loadWriterSchema, type WriterSchema } from "../avro/writer_schema.ts";
import type { Compression } from "../kafka/client.ts";
import { describeDestination, destinationOf } from "../spool/destination.ts";
import { type OverflowPolicy, Spool } from "../spool/spool.ts";
import { classifySpoolError, SpoolWriteError } from "../spool/spool_failure.ts";
import type { Logger } from "../util/log.ts";
import { delay, GiveUpClock } from "../util/retry.ts";
import { LogEpisodes } from "../util/log_episodes.ts";
import type { RecordFormat, SchemaStrategy } from "./framer.ts";
import { createDelivery } from "./delivery.ts";
import type { KafkaSecurity } from "../config/kafka_security.ts";
import type { RegistryAuth } from "../config/registry_auth.ts";
import type { ProduceObserver } from "../metrics/produce_observer.ts";
import { Spooler } from "./spooler.ts";
import { addIdentityToSpooledValues } from "./identity_upgrade.ts";

/** Where readings come from: radios, or virtual tags with --simulate. */
export interface ReadingSource {
  start(onReading: (reading: Reading) => void): Promise<void>;
  stop(): Promise<void>;
}

export interface ProduceSettings {
  brokers: string[];
  /** Kafka TLS/SASL (default PLAINTEXT). */
  security?: KafkaSecurity;
  /** Schema Registry credentials and CA. */
  registryAuth?: RegistryAuth;
  topic: string;
  subject: string;
  registryUrl: string;
  format: RecordFormat;
  schemaStrategy: SchemaStrategy;
  schemaPath?: string;
  compression: Compression;
  spoolPath: string;
  spoolMaxBytes: number;
  spoolFull: OverflowPolicy;
  /**
   * A spool that cannot be opened or written (read-only, I/O errors; a full disk is waited out)
   * for this long ends the run with exit 1; 0: never.
   */
  giveUpAfterMs?: number;
  batchSize: number;
  clientId: string;
  flushTimeoutMs: number;
  statsIntervalMs: number;
}

/** This run's counters, and the lifetime ones of its destination (`...Total`). */
export interface ProduceSummary {
  taken: number;
  spooled: number;
  sent: number;
  dropped: number;
  rejected: number;
  quarantined: number;
  leftInSpool: number;
  /** Readings waiting in the spool for other destinations (left alone by this run). */
  waitingOther: number;
  /** Readings ever spooled for this destination (the sum of its devices' last seq). */
  takenTotal: number;
  /** Readings of this destination Kafka ever acknowledged. */
  sentTotal: number;
  /** Readings the spool ever dropped when full (any destination: eviction is spool-wide). */
  droppedTotal: number;
  /** Readings of this destination ever quarantined. */
  quarantinedTotal: number;
  /** Readings taken but held in memory, not written yet (the spool cannot take them now). */
  held: number;
}

/** How often the spool's path is checked against the file opened. */
const IDENTITY_CHECK_MS = 2000;
/** How often opening a spool that cannot be opened is tried again at start. */
const OPEN_RETRY_MS = 2000;

export interface ProduceDeps {
  source: ReadingSource;
  log: Logger;
  /** Aborting it stops the run (SIGINT/SIGTERM in the CLI). */
  signal: AbortSignal;
  /** Checks the schema against what the source delivers; throws a clear error. */
  checkSchema?: (schema: WriterSchema) => void;
  /** Metrics, health and the status page (src/status). */
  observer?: ProduceObserver;
}

export async function runProduce(
  settings: ProduceSettings,
  deps: ProduceDeps,
): Promise<ProduceSummary> {
  const { log, source, signal } = deps;
  const schema = await loadWriterSchema(settings.schemaPath);
  deps.checkSchema?.(schema);

  const giveUpAfterMs = settings.giveUpAfterMs ?? 300_000;
  const spool = await openSpool(settings, log, signal, giveUpAfterMs);
  for (const f of spool.setAsideSideFiles) {
    log.warn("a side file of a removed spool was set aside before creating a new one", {
      spool: spool.path,
      setAside: f,
    });
  }
  const destination = destinationOf(settings);
  const dest = spool.destinationId(destination);
  if (spool.migrated > 0) {
    log.warn(
      "spool of the earlier layout migrated: its readings recorded no destination, so they are " +
        "kept apart and never sent by a run on its own",
      {
        readings: spool.migrated,
        spool: spool.path,
        hint: `gateway spool --spool ${spool.path} lists, exports or deletes them`,
      },
    );
  }
  try {
    const upgraded = addIdentityToSpooledValues(spool, schema);
    if (upgraded > 0) {
      log.info("readings spooled before reading_id: their values now carry the ids", {
        readings: upgraded,
        spool: spool.path,
        spoolId: spool.id,
      });
    }
  } catch (error) {
    // Their headers carry the ids all the same; nothing is lost by leaving the values as they are.
    log.warn("cannot add reading_id to the values of readings spooled before it", {
      spool: spool.path,
      error: (error as Error).message,
      hint: "their reading_id header carries it: PK _header.reading_id keys them",
    });
  }
  const atStart = spool.stats(dest);
  if (atStart.entries > 0) {
    log.info("readings from an earlier run wait in the spool", {
      spooled: atStart.entries,
      spool: spool.path,
    });
  }
  if (atStart.otherEntries > 0) {
    log.info("readings for other destinations wait in the spool; this run leaves them", {
      waiting: atStart.otherEntries,
      spool: spool.path,
      hint:
        `gateway spool --spool ${spool.path} lists them and can send them where they were meant to go`,
    });
  }
  if (atStart.quarantined > 0) {
    log.warn("quarantined readings in the spool", {
      quarantined: atStart.quarantined,
      hint: `gateway spool --spool ${spool.path} lists them`,
    });
  }

  const { forwarder, producer } = createDelivery({
    spool,
    dest,
    destination,
    registryUrl: settings.registryUrl,
    registryAuth: settings.registryAuth,
    security: settings.security,
    onDelivered: (devices) => deps.observer?.readingsDelivered(devices),
    compression: settings.compression,
    batchSize: settings.batchSize,
    clientId: settings.clientId,
    log,
    known: [schema],
  });
  // A cause that ends the run (the spool removed, unwritable past --give-up-after): said once,
  // the run stops as on SIGTERM, and the error is thrown at the end (exit 1, cause last).
  let fatal: Error | undefined;
  const failed = new AbortController();
  const fail = (error: Error) => {
    if (fatal) return;
    fatal = error;
    log.error(error.message);
    failed.abort(error);
  };
  const spooler = new Spooler(spool, dest, schema, log, () => forwarder.notify(), {
    policy: settings.spoolFull,
    giveUpAfterMs,
    onFatal: fail,
  });
  const oldestTaken = () => {
    try {
      return spool.peek(dest, 1)[0]?.takenMs;
    } catch {
      return undefined; // unreadable now: the metric shows 0
    }
  };
  deps.observer?.spoolSource(() => {
    const st = spool.stats(dest);
    return {
      readings: st.entries,
      bytes: st.bytes,
      maxBytes: st.maxBytes,
      oldestTakenMs: st.entries > 0 ? oldestTaken() : undefined,
      droppedFull: st.dropped,
      rejected: spooler.stats.rejected,
      quarantined: st.quarantined,
      held: spooler.stats.held,
      problem: spool.identityLost() ?? spool.problem(),
      writeFailures: Object.fromEntries(spool.writeFailures()),
    };
  });
  const counters = (): ProduceSummary => {
    const s = spool.stats(dest);
    const f = forwarder.stats;
    return {
      taken: spooler.stats.taken,
      spooled: spooler.stats.spooled,
      sent: f.sent,
      dropped: s.dropped - atStart.dropped,
      rejected: spooler.stats.rejected,
      quarantined: f.quarantined,
      leftInSpool: s.entries,
      waitingOther: s.otherEntries,
      takenTotal: spool.takenFor(dest),
      sentTotal: spool.counterFor("acknowledged", dest),
      droppedTotal: s.dropped,
      quarantinedTotal: spool.counterFor("quarantined", dest),
      held: spooler.stats.held,
    };
  };

  forwarder.start();
  const statsTimer = setInterval(() => {
    let c: ProduceSummary;
    try {
      c = counters();
    } catch (error) {
      log.warn("stats: the spool cannot be read", { error: (error as Error).message });
      return;
    }
    const f = forwarder.stats;
    log.info("stats", {
      taken: c.taken,
      sent: c.sent,
      quarantined: c.quarantined,
      dropped: c.dropped,
      held: c.held,
      spooled: c.leftInSpool,
      spoolBytes: spool.stats(dest).bytes,
      waitingOther: c.waitingOther,
      takenTotal: c.takenTotal,
      sentTotal: c.sentTotal,
      quarantinedTotal: c.quarantinedTotal,
      droppedTotal: c.droppedTotal,
      kafka: f.connected ? "connected" : "down",
      failing: f.failing ?? "none",
      spool: spool.identityLost() ? "lost" : spool.problem() ?? "ok",
    });
    checkIdentity();
  }, settings.statsIntervalMs);
  const checkIdentity = () => {
    const lost = spool.identityLost();
    if (lost) {
      fail(
        new Error(
          `${lost}: no longer taking readings into a file nobody will find; what it holds is ` +
            `sent, then the gateway exits so that its supervisor starts it on a new spool`,
        ),
      );
    }
  };
  const identityTimer = setInterval(checkIdentity, IDENTITY_CHECK_MS);

  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted || failed.signal.aborted) resolve();
    else {
      signal.addEventListener("abort", () => resolve(), { once: true });
      failed.signal.addEventListener("abort", () => resolve(), { once: true });
    }
  });
  try {
    await source.start((reading) => {
      deps.observer?.readingTaken(reading.address, reading.model, reading.time, reading.fields);
      spooler.accept(reading);
    });
    log.info("producing", {
      destination: describeDestination(destination),
      topic: settings.topic,
      format: settings.format,
      brokers: settings.brokers.join(","),
      spool: spool.path,
    });
    await stopped;
    log.info("stopping: no new readings; flushing the spool", {
      spooled: spool.stats(dest).entries,
    });
  } finally {
    clearInterval(statsTimer);
    clearInterval(identityTimer);
    await source.stop().catch((e) =>
      log.warn("stopping the tags failed", { error: (e as Error).message })
    );
    deps.observer?.sourceStopped(fatal ? fatal.message : "the gateway is stopping");
    spooler.close();
    await forwarder.stop(settings.flushTimeoutMs);
    await producer.disconnect().catch(() => {});
  }
  const summary = counters();
  const lost = spool.identityLost();
  spool.close();
  log.info("stopped", { ...summary });
  if (lost && summary.leftInSpool > 0) {
    log.error("readings left undelivered in a spool that no longer exists are lost", {
      lost: summary.leftInSpool,
      spool: spool.path,
    });
  }
  if (fatal) throw fatal;
  return summary;
}

/**
 * Opens (or creates) the spool. A damaged, foreign or owned spool is refused at once; one that
 * cannot be opened for now (a read-only folder or file, I/O errors) is tried again every 2 s,
 * said once per cause, until `giveUpAfterMs`.
 */
async function openSpool(
  settings: ProduceSettings,
  log: Logger,
  signal: AbortSignal,
  giveUpAfterMs: number,
): Promise<Spool> {
  // Every failure to open counts; opening ends the wait. Each cause is said once.
  const clock = new GiveUpClock(giveUpAfterMs);
  const said = new LogEpisodes(Infinity);
  for (;;) {
    try {
      try {
        await Deno.mkdir(dirname(settings.spoolPath), { recursive: true });
      } catch (error) {
        const failure = classifySpoolError(settings.spoolPath, error);
        throw new SpoolWriteError(
          settings.spoolPath,
          failure.kind,
          `cannot create its folder: ${failure.reason}`,
          { cause: error },
        );
      }
      return new Spool({
        path: settings.spoolPath,
        maxBytes: settings.spoolMaxBytes,
        policy: settings.spoolFull,
        onDrop: (n, policy, total, diskFull) => {
          // A full disk is said once per episode by the spooler; the size limit here.
          if (diskFull) return;
          log.warn("spool full: readings dropped", {
            dropped: n,
            policy,
            droppedTotal: total,
            limitBytes: settings.spoolMaxBytes,
          });
        },
      });
    } catch (error) {
      if (!(error instanceof SpoolWriteError)) throw error;
      const up = clock.failed(error);
      if (up) throw up;
      if (said.failed(error.message)) {
        log.error(error.message, {
          hint: `tried again every ${OPEN_RETRY_MS / 1000} s` +
            (giveUpAfterMs > 0
              ? `, for --give-up-after ${Math.round(giveUpAfterMs / 1000)} s`
              : ""),
        });
      }
      if (signal.aborted) throw error;
      await delay(OPEN_RETRY_MS, signal).catch(() => {});
      if (signal.aborted) throw error;
    }
  }
}
