/**
 * One SensorTag, for as long as the gateway runs: find it, connect, enable
 * the selected sensors (period, accelerometer range, CC2541 barometer
 * calibration), then every interval emit one merged reading — reading each
 * sensor (poll) or keeping the latest notified values (notify). After a drop
 * it reconnects with the cancellable backoff of src/util/retry.ts (stop ends a
 * backoff at once, however long) and enables the sensors again (the
 * CC2541 switches them off on disconnect). A failing tag never disturbs the others.
 */
import { Buffer } from "node:buffer";
import { deadline, DeadlineError, delay, retry } from "../util/retry.ts";
import { type DecodeOptions, decodePart } from "../sensortag/decode.ts";
import { parseT5400Calibration, type T5400Calibration } from "../sensortag/decode/t5400.ts";
import { kxtj9RangeForFirmware } from "../sensortag/decode/kxtj9.ts";
import { type Fields, toFields } from "../sensortag/fields.ts";
import {
  type AccelRange,
  clampPeriodMs,
  DEVICE_INFO,
  gattOf,
  movementConfig,
  periodBytes,
  type SensorGatt,
  shortUuid,
} from "../sensortag/gatt.ts";
import { hasSensor, type Model, type SensorName } from "../sensortag/model.ts";
import type { Logger } from "../util/log.ts";
import type { Characteristic, Peripheral } from "./noble.ts";
import { modelFromName, modelFromServices } from "./model_detect.ts";
import type { Reading as TagReading } from "../sensortag/reading.ts";

/** A tag's reading: the one reading type, under the name the BLE side has always used. */
export type { TagReading };

export type TagState =
  | "scanning"
  | "connecting"
  | "connected"
  | "enabling"
  | "streaming"
  | "disconnected"
  | "backoff"
  | "failed"
  | "stopped"
  // Served in turns (more tags than the controller's connection budget):
  | "queued"
  | "reading";

export interface SessionOptions {
  address: string;
  model?: Model;
  sensors: readonly SensorName[];
  mode: "poll" | "notify";
  intervalMs: number;
  periodMs?: number;
  accelRange: AccelRange;
  connectTimeoutMs: number;
  backoff?: { startingDelayMs: number; maxDelayMs: number };
  log: Logger;
  onReading: (reading: TagReading) => void;
  onState?: (state: TagState, detail?: string) => void;
  /**
   * Runs one connect attempt (resolves or rejects as the attempt does); the tag manager uses it to
   * know when no connection is being initiated (scanning resumes then).
   */
  aroundConnect?: <T>(attempt: () => Promise<T>) => Promise<T>;
  /** The controller's connection budget; absent: the tag holds its link for good. */
  slots?: SlotGate;
  /** Resolves with the tag's peripheral once it is heard advertising. */
  findPeripheral: (address: string, timeoutMs: number, signal: AbortSignal) => Promise<Peripheral>;
}

/** A session's share of the controller's connection budget (see src/ble/connection_budget.ts). */
export interface SlotGate {
  /** Resolves once this tag has a slot, not before `dueAt` (epoch ms); rejects when stopped. */
  acquire(address: string, dueAt: number, signal: AbortSignal): Promise<void>;
  /** The tag's link is down: its slot is free. */
  release(address: string): void;
  /** Whether every tag holds its link (false: tags are read in turns). */
  holdLinks(): boolean;
  /** A connect failed with `error`: whether it was the controller refusing one link more. */
  refused(address: string, error: unknown): boolean;
}

/** A configuration problem (e.g. a sensor the model lacks): retrying cannot help. */
export class TagConfigError extends Error {
  override name = "TagConfigError";
}

class LinkLost extends Error {
  override name = "LinkLost";
}

/** The controller refused the link and tags are now read in turns: no backoff, switch at once. */
class ToTurns extends Error {
  override name = "ToTurns";
}

/** A sensor part as enabled on one link. */
export interface PartLink {
  sensor: SensorName;
  gatt: SensorGatt;
  data: Characteristic;
  config?: Characteristic;
  /** The sensor's period as set (or its default when it has no period to set), ms. */
  periodMs?: number;
  opts: DecodeOptions;
}

export class TagSession {
  state: TagState = "disconnected";
  readings = 0;
  #o: SessionOptions;
  #stop = new AbortController();
  #loop?: Promise<void>;
  #peripheral?: Peripheral;
  #timer?: ReturnType<typeof setInterval>;
  /** Ends the stream when tags are to be read in turns (set while streaming). */
  #yieldLink?: () => void;
  /** Ends the watch for a link that comes up after its connect timed out. */
  #lateLinkWatch?: () => void;

  constructor(options: SessionOptions) {
    this.#o = options;
  }

  get address(): string {
    return this.#o.address;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /**
   * The connection budget changed: a streaming session whose link no longer fits gives it up now
   * (and reads in turns), rather than at its next tick, so the tags waiting get their slots.
   */
  budgetChanged(): void {
    this.#yieldLink?.();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    clearInterval(this.#timer);
    this.#lateLinkWatch?.();
    const p = this.#peripheral;
    if (p && (p.state === "connected" || p.state === "connecting")) {
      if (p.state === "connecting") p.cancelConnect();
      else await deadline(p.disconnectAsync(), 3000, { what: "disconnect" }).catch(() => {});
    }
    await this.#loop;
    this.#setState("stopped");
  }

  #setState(state: TagState, detail?: string): void {
    if (this.state === state && detail === undefined) return;
    this.state = state;
    this.#o.log.info("tag state", { tag: this.#o.address, state, ...(detail ? { detail } : {}) });
    this.#o.onState?.(state, detail);
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    const delays = this.#o.backoff ?? { startingDelayMs: 1000, maxDelayMs: 60_000 };
    while (!signal.aborted) {
      try {
        if (this.#o.slots && !this.#o.slots.holdLinks()) {
          await this.#turns();
          continue;
        }
        await retry(() => this.#connectAndStream(), {
          signal,
          minDelayMs: delays.startingDelayMs,
          maxDelayMs: delays.maxDelayMs,
          retryable: (error) =>
            !signal.aborted && !(error instanceof TagConfigError) &&
            !(error instanceof LinkLost) && !(error instanceof ToTurns),
          onRetry: (error, info) =>
            this.#setState(
              "backoff",
              `attempt ${info.attempt} failed: ${(error as Error).message}; ` +
                `next in ${Math.round(info.delayMs)} ms`,
            ),
        });
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof TagConfigError) {
          this.#setState("failed", error.message);
          this.#o.log.error("tag cannot be read as configured", {
            tag: this.#o.address,
            error: error.message,
          });
          return;
        }
        // A link that was streaming dropped: reconnect at once, backoff starts afresh. (Or the
        // controller refused the link: read in turns from now on.)
        this.#setState("disconnected", (error as Error).message);
      }
    }
  }

  async #connectAndStream(): Promise<void> {
    const o = this.#o;
    const signal = this.#stop.signal;
    if (signal.aborted) return;
    this.#setState("scanning");
    const peripheral = await o.findPeripheral(o.address, o.connectTimeoutMs, signal);
    this.#peripheral = peripheral;
    if (signal.aborted) return;
    if (!o.slots) return await this.#holdLink(peripheral);
    await o.slots.acquire(o.address, Date.now(), signal);
    try {
      await this.#holdLink(peripheral);
    } finally {
      o.slots.release(o.address);
    }
  }

  /** Connects and streams until the link drops, the session stops, or tags go to turns. */
  async #holdLink(peripheral: Peripheral): Promise<void> {
    const o = this.#o;
    const signal = this.#stop.signal;
    await this.#connect(peripheral);
    if (signal.aborted) return;
    const lost = this.#lost(peripheral);
    let streaming = false;
    try {
      this.#setState("connected");
      const { model, characteristics } = await this.#discover(peripheral, lost);
      this.#setState("enabling");
      // noble never settles a write the tag answers with an ATT error, nor a read it never
      // answers (and queues every later request behind it): a step that does not finish within
      // the connect timeout ends the attempt, which disconnects and retries with backoff.
      const links = await Promise.race([
        deadline(this.#enable(model, characteristics), o.connectTimeoutMs, {
          what: "enabling the sensors",
        }),
        lost,
      ]);
      this.#setState("streaming");
      streaming = true;
      await Promise.race([this.#stream(model, links), lost]);
      // The stream ended without a stop: the budget now serves tags in turns.
      if (!signal.aborted && peripheral.state === "connected") {
        await deadline(peripheral.disconnectAsync(), 3000, { what: "disconnect" }).catch(() => {});
      }
    } catch (error) {
      clearInterval(this.#timer);
      this.#yieldLink = undefined;
      if (peripheral.state === "connected" && !(error instanceof LinkLost)) {
        await deadline(peripheral.disconnectAsync(), 3000, { what: "disconnect" }).catch(() => {});
      }
      // Only a link that streamed reconnects at once; one lost while being set up waits its
      // backoff like any failure, or a tag that drops every new link would be hammered.
      if (error instanceof LinkLost && !streaming) throw new Error(error.message);
      throw error;
    }
  }

  /**
   * Connects (after taking down a link left from an earlier attempt); a timed-out attempt is
   * cancelled, and a refusal for want of controller resources is told to the budget.
   */
  async #connect(peripheral: Peripheral): Promise<void> {
    const o = this.#o;
    const signal = this.#stop.signal;
    this.#lateLinkWatch?.();
    if (peripheral.state === "connected" || peripheral.state === "disconnecting") {
      // A link this session does not hold (one that came up after its connect timed out, or a
      // disconnect that never completed): connecting again would only fail with "Peripheral
      // already connected", every attempt. Take it down first.
      this.#setState("disconnected", "dropping a link left from an earlier attempt");
      await deadline(peripheral.disconnectAsync(), 3000, { what: "disconnect" }).catch(() => {});
      if (signal.aborted) return;
    }
    this.#setState("connecting");
    const attempt = async () => {
      try {
        await deadline(peripheral.connectAsync(), o.connectTimeoutMs, { what: "connect" });
      } catch (error) {
        if (peripheral.state === "connecting") {
          peripheral.cancelConnect();
          this.#disconnectIfLate(peripheral);
        }
        if (o.slots?.refused(o.address, error) && !o.slots.holdLinks()) {
          throw new ToTurns(
            `${(error as Error).message}: more tags than the controller holds links, ` +
              "reading them in turns",
          );
        }
        throw error;
      }
    };
    await (o.aroundConnect ? o.aroundConnect(attempt) : attempt());
  }

  /** Rejects with LinkLost when the link drops. */
  #lost(peripheral: Peripheral): Promise<never> {
    const lost = new Promise<never>((_, reject) => {
      peripheral.once(
        "disconnect",
        (reason: unknown) => reject(new LinkLost(`link lost (reason ${String(reason)})`)),
      );
    });
    lost.catch(() => {});
    return lost;
  }

  /** Discovers the tag's characteristics and model; checks the sensors asked for. */
  async #discover(
    peripheral: Peripheral,
    lost: Promise<never>,
  ): Promise<{ model: Model; characteristics: Characteristic[] }> {
    const o = this.#o;
    const { services, characteristics } = await Promise.race([
      deadline(peripheral.discoverAllServicesAndCharacteristicsAsync(), o.connectTimeoutMs, {
        what: "service discovery",
      }),
      lost,
    ]);
    const model = o.model ?? modelFromName(peripheral.advertisement.localName) ??
      modelFromServices(services.map((s) => s.uuid));
    if (!model) {
      throw new TagConfigError(
        `${o.address} does not look like a SensorTag (no movement/accelerometer service)`,
      );
    }
    for (const s of o.sensors) {
      if (!hasSensor(model, s)) {
        throw new TagConfigError(`${o.address} is a ${model} SensorTag, which has no ${s} sensor`);
      }
    }
    return { model, characteristics };
  }

  /**
   * Read in turns, one reading per interval: wait for a slot when the reading is due, then
   * connect, enable, wait for the sensors' first conversion, read, disable, disconnect. A failed
   * turn waits its backoff (the next turn is not before it). Returns when stopped.
   */
  async #turns(): Promise<void> {
    const o = this.#o;
    const slots = o.slots!;
    const signal = this.#stop.signal;
    const delays = o.backoff ?? { startingDelayMs: 1000, maxDelayMs: 60_000 };
    let due = Date.now();
    let failures = 0;
    while (!signal.aborted) {
      const wait = due - Date.now();
      this.#setState("queued", wait > 0 ? `next reading due in ${wait} ms` : "reading due");
      try {
        await slots.acquire(o.address, due, signal);
      } catch {
        return; // stopped
      }
      // The next reading is due one interval after this one was (a turn that came late does not
      // make the next come early); after a failure, not before its backoff either.
      let next: number;
      try {
        await this.#turn();
        failures = 0;
        next = Math.max(due + o.intervalMs, Date.now());
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof TagConfigError) throw error;
        failures++;
        const backoff = Math.min(delays.maxDelayMs, delays.startingDelayMs * 2 ** (failures - 1));
        next = Math.max(due + o.intervalMs, Date.now() + backoff);
        this.#setState(
          "backoff",
          `turn failed: ${(error as Error).message}; next in ${next - Date.now()} ms`,
        );
      } finally {
        slots.release(o.address);
      }
      due = next;
    }
  }

  /** One turn: connect, enable, first conversion, read, disable, disconnect. */
  async #turn(): Promise<void> {
    const o = this.#o;
    const signal = this.#stop.signal;
    const peripheral = await o.findPeripheral(o.address, o.connectTimeoutMs, signal);
    this.#peripheral = peripheral;
    if (signal.aborted) return;
    await this.#connect(peripheral);
    if (signal.aborted) return;
    const lost = this.#lost(peripheral);
    try {
      const { model, characteristics } = await this.#discover(peripheral, lost);
      this.#setState("reading");
      // As when holding a link, no step may wait forever on an ATT request noble never settles.
      const step = <T>(p: Promise<T>, what: string) =>
        Promise.race([deadline(p, o.connectTimeoutMs, { what }), lost]);
      const links = await step(
        this.#enable(model, characteristics, "fastest"),
        "enabling the sensors",
      );
      await step(this.#readOnce(model, links), "reading the sensors");
      await step(this.#disable(links), "disabling the sensors");
    } finally {
      if (peripheral.state === "connected") {
        await deadline(peripheral.disconnectAsync(), 3000, { what: "disconnect" }).catch(() => {});
      }
    }
  }

  /**
   * Waits for the first conversion of every sensor after enabling (one period: data reads zero
   * until then), reads them all and emits one reading. A value still all zeros is read again
   * after another period, a few times, as the first conversion may take longer.
   */
  async #readOnce(model: Model, links: PartLink[]): Promise<void> {
    const o = this.#o;
    const signal = this.#stop.signal;
    const latest = new Map<string, Fields>();
    const polled = links.filter((l) => l.gatt.part !== "keys");
    if (links.some((l) => l.gatt.part === "keys")) latest.set("keys", { keys: 0 });
    const conversionMs = Math.max(0, ...polled.map((l) => l.periodMs ?? 0));
    let pending = polled;
    for (let round = 0; pending.length > 0; round++) {
      await delay(conversionMs, signal);
      const values = await Promise.all(pending.map((l) => l.data.readAsync()));
      const zero = (b: Uint8Array) => b.length > 0 && b.every((x) => x === 0);
      const again: PartLink[] = [];
      pending.forEach((l, i) => {
        if (zero(values[i]) && round < 3 && l.gatt.part !== "battery") again.push(l);
        else this.#decode(model, l, values[i], latest);
      });
      pending = again;
    }
    if (links.some((l) => !latest.has(l.gatt.part))) {
      throw new Error("a sensor value could not be decoded");
    }
    const fields: Fields = {};
    for (const f of latest.values()) Object.assign(fields, f);
    this.readings++;
    o.onReading({ address: o.address, model, time: Date.now(), fields });
  }

  /** Switches the sensors off again (a tag read in turns should not drain its battery). */
  async #disable(links: PartLink[]): Promise<void> {
    for (const l of links) {
      if (l.config && l.gatt.disable) await l.config.writeAsync(Buffer.from(l.gatt.disable), false);
    }
  }

  #decode(model: Model, l: PartLink, bytes: Uint8Array, latest: Map<string, Fields>): void {
    try {
      const decoded = decodePart(model, l.gatt.part, new Uint8Array(bytes), l.opts);
      latest.set(l.gatt.part, toFields(model, l.sensor, decoded as never));
    } catch (error) {
      this.#o.log.warn("undecodable sensor data", {
        tag: this.#o.address,
        part: l.gatt.part,
        error: (error as Error).message,
      });
    }
  }

  /**
   * After a connect timed out and was cancelled, the controller may still complete the link (the
   * cancel crossed the connection): disconnect it as soon as it comes up, until the next attempt.
   */
  #disconnectIfLate(peripheral: Peripheral): void {
    const onConnect = (error?: unknown) => {
      if (error || peripheral.state !== "connected") return;
      stop();
      this.#o.log.info("tag connected after its connect timed out: disconnecting", {
        tag: this.#o.address,
      });
      deadline(peripheral.disconnectAsync(), 3000, { what: "disconnect" }).catch(() => {});
    };
    const stop = () => {
      peripheral.removeListener("connect", onConnect);
      if (this.#lateLinkWatch === stop) this.#lateLinkWatch = undefined;
    };
    peripheral.on("connect", onConnect);
    this.#lateLinkWatch = stop;
  }

  /**
   * Enables the selected sensors. `fastest` (a turn): the shortest period each sensor allows,
   * set before enabling it, so the first conversion comes as soon as it can.
   */
  async #enable(
    model: Model,
    characteristics: Characteristic[],
    speed: "interval" | "fastest" = "interval",
  ): Promise<PartLink[]> {
    const o = this.#o;
    const byUuid = new Map(characteristics.map((c) => [c.uuid, c]));
    const find = (uuid: string | undefined) => (uuid ? byUuid.get(shortUuid(uuid)) : undefined);
    let firmware = "";
    const fw = find(DEVICE_INFO.firmwareRevision);
    if (fw) firmware = new TextDecoder().decode(await fw.readAsync()).replace(/\0+$/, "");
    const links: PartLink[] = [];
    for (const sensor of o.sensors) {
      for (const g of gattOf(model, sensor)) {
        const data = find(g.data);
        if (!data) {
          throw new TagConfigError(`${o.address}: ${g.part} data characteristic not found`);
        }
        const opts: DecodeOptions = { part: g.part };
        const config = find(g.config);
        if (g.calibration && g.calibrate && config) {
          await config.writeAsync(Buffer.from(g.calibrate), false);
          const cal = find(g.calibration);
          if (!cal) {
            throw new TagConfigError(
              `${o.address}: ${g.part} calibration characteristic not found`,
            );
          }
          opts.calibration = parseT5400Calibration(await cal.readAsync()) as T5400Calibration;
        }
        if (g.part === "mpu9250") opts.accelRange = o.accelRange;
        if (g.part === "kxtj9") opts.accelRange = kxtj9RangeForFirmware(firmware);
        const period = find(g.period);
        const wantMs = speed === "fastest" ? (g.minPeriodMs ?? 100) : o.periodMs ?? o.intervalMs;
        const writePeriod = async () => {
          if (period) await period.writeAsync(Buffer.from(periodBytes(g, wantMs)), false);
        };
        if (speed === "fastest") await writePeriod();
        if (config) {
          const enable = g.part === "mpu9250"
            ? movementConfig({ accelRange: o.accelRange })
            : g.enable;
          if (enable) await config.writeAsync(Buffer.from(enable), false);
        }
        if (speed === "interval") await writePeriod();
        const periodMs = period ? clampPeriodMs(g, wantMs) : config ? g.defaultPeriodMs : undefined;
        links.push({ sensor, gatt: g, data, config, periodMs, opts });
      }
    }
    return links;
  }

  async #stream(model: Model, links: PartLink[]): Promise<void> {
    const o = this.#o;
    const latest = new Map<string, Fields>();
    const decode = (l: PartLink, bytes: Uint8Array) => this.#decode(model, l, bytes, latest);
    // A sensor's data reads all zeros from enabling until its first conversion (one period and
    // the conversion itself): such a read is no measurement, so it is not taken until then.
    const enabledAt = Date.now();
    const decodeRead = (l: PartLink, bytes: Uint8Array) => {
      if (beforeFirstConversion(l, bytes, Date.now() - enabledAt)) return;
      decode(l, bytes);
    };
    const event = links.filter((l) => l.gatt.part === "keys" || o.mode === "notify");
    const subscribe = async () => {
      for (const l of event) {
        l.data.on("data", (bytes: Uint8Array, isNotification: boolean) => {
          if (isNotification) decode(l, bytes);
        });
        await l.data.subscribeAsync();
        if (l.gatt.part === "keys") latest.set("keys", { keys: 0 });
        else if (l.data.properties.includes("read")) decodeRead(l, await l.data.readAsync());
      }
    };
    await deadline(subscribe(), o.connectTimeoutMs, { what: "subscribing" });
    const polled = links.filter((l) => !event.includes(l));
    const emit = () => {
      if (links.some((l) => !latest.has(l.gatt.part))) return;
      const fields: Fields = {};
      for (const f of latest.values()) Object.assign(fields, f);
      this.readings++;
      o.onReading({ address: o.address, model, time: Date.now(), fields });
    };
    let busy = false;
    let unanswered: (error: Error) => void = () => {};
    const tick = async () => {
      if (busy) return; // a slow radio never stacks reads
      busy = true;
      try {
        const values = await deadline(
          Promise.all(polled.map((l) => l.data.readAsync())),
          o.connectTimeoutMs,
          { what: "sensor read" },
        );
        polled.forEach((l, i) => decodeRead(l, values[i]));
        emit();
      } catch (error) {
        o.log.warn("sensor read failed", { tag: o.address, error: (error as Error).message });
        // A read never answered blocks noble's request queue for this link: start afresh.
        if (error instanceof DeadlineError) unanswered(error);
      } finally {
        busy = false;
      }
    };
    await new Promise<void>((resolve, reject) => {
      unanswered = reject;
      // The budget now serves tags in turns: give the link up (at once when told, see
      // budgetChanged; else at the next tick).
      this.#yieldLink = () => {
        if (!o.slots || o.slots.holdLinks()) return;
        clearInterval(this.#timer);
        this.#yieldLink = undefined;
        resolve();
      };
      this.#timer = setInterval(() => {
        this.#yieldLink?.();
        if (this.#yieldLink) void tick();
      }, o.intervalMs);
      this.#yieldLink(); // the budget may have changed while the link was being set up
      this.#stop.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }
}

/** How long after its period a sensor's first conversion may still be under way, ms. */
export const FIRST_CONVERSION_GRACE_MS = 1000;

/**
 * True for a read that cannot be a measurement yet: all zeros, `sinceEnabledMs` after enabling,
 * before the sensor's first conversion is due (its period and {@linkcode FIRST_CONVERSION_GRACE_MS}).
 * The battery level has no conversion and keys are events: neither is held back.
 */
export function beforeFirstConversion(
  l: Pick<PartLink, "gatt" | "periodMs">,
  bytes: Uint8Array,
  sinceEnabledMs: number,
): boolean {
  if (l.gatt.part === "battery" || l.gatt.part === "keys") return false;
  if (bytes.length === 0 || !bytes.every((x) => x === 0)) return false;
  return sinceEnabledMs < (l.periodMs ?? 0) + FIRST_CONVERSION_GRACE_MS;
}
