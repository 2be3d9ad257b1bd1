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
import { retry } from "../util/retry.ts";
import { type DecodeOptions, decodePart } from "../sensortag/decode.ts";
import { parseT5400Calibration, type T5400Calibration } from "../sensortag/decode/t5400.ts";
import { kxtj9RangeForFirmware } from "../sensortag/decode/kxtj9.ts";
import { type Fields, toFields } from "../sensortag/fields.ts";
import {
  type AccelRange,
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
  | "stopped";

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
  /** Resolves with the tag's peripheral once it is heard advertising. */
  findPeripheral: (address: string, timeoutMs: number, signal: AbortSignal) => Promise<Peripheral>;
}

/** A configuration problem (e.g. a sensor the model lacks): retrying cannot help. */
export class TagConfigError extends Error {
  override name = "TagConfigError";
}

class LinkLost extends Error {
  override name = "LinkLost";
}

interface PartLink {
  sensor: SensorName;
  gatt: SensorGatt;
  data: Characteristic;
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

  constructor(options: SessionOptions) {
    this.#o = options;
  }

  get address(): string {
    return this.#o.address;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    clearInterval(this.#timer);
    const p = this.#peripheral;
    if (p && (p.state === "connected" || p.state === "connecting")) {
      if (p.state === "connecting") p.cancelConnect();
      else await withTimeout(p.disconnectAsync(), 3000, "disconnect").catch(() => {});
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
        await retry(() => this.#connectAndStream(), {
          signal,
          minDelayMs: delays.startingDelayMs,
          maxDelayMs: delays.maxDelayMs,
          retryable: (error) =>
            !signal.aborted && !(error instanceof TagConfigError) && !(error instanceof LinkLost),
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
        // A link that was streaming dropped: reconnect at once, backoff starts afresh.
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
    this.#setState("connecting");
    try {
      await withTimeout(peripheral.connectAsync(), o.connectTimeoutMs, "connect");
    } catch (error) {
      if (peripheral.state === "connecting") peripheral.cancelConnect();
      throw error;
    }
    const lost = new Promise<never>((_, reject) => {
      peripheral.once(
        "disconnect",
        (reason: unknown) => reject(new LinkLost(`link lost (reason ${String(reason)})`)),
      );
    });
    lost.catch(() => {});
    try {
      this.#setState("connected");
      const { services, characteristics } = await Promise.race([
        withTimeout(
          peripheral.discoverAllServicesAndCharacteristicsAsync(),
          o.connectTimeoutMs,
          "service discovery",
        ),
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
          throw new TagConfigError(
            `${o.address} is a ${model} SensorTag, which has no ${s} sensor`,
          );
        }
      }
      this.#setState("enabling");
      // noble never settles a write the tag answers with an ATT error, nor a read it never
      // answers (and queues every later request behind it): a step that does not finish within
      // the connect timeout ends the attempt, which disconnects and retries with backoff.
      const links = await Promise.race([
        withTimeout(
          this.#enable(model, characteristics),
          o.connectTimeoutMs,
          "enabling the sensors",
        ),
        lost,
      ]);
      this.#setState("streaming");
      await Promise.race([this.#stream(model, links), lost]);
    } catch (error) {
      clearInterval(this.#timer);
      if (peripheral.state === "connected" && !(error instanceof LinkLost)) {
        await withTimeout(peripheral.disconnectAsync(), 3000, "disconnect").catch(() => {});
      }
      throw error;
    }
  }

  async #enable(model: Model, characteristics: Characteristic[]): Promise<PartLink[]> {
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
        if (config) {
          const enable = g.part === "mpu9250"
            ? movementConfig({ accelRange: o.accelRange })
            : g.enable;
          if (enable) await config.writeAsync(Buffer.from(enable), false);
        }
        const period = find(g.period);
        if (period) {
          await period.writeAsync(Buffer.from(periodBytes(g, o.periodMs ?? o.intervalMs)), false);
        }
        links.push({ sensor, gatt: g, data, opts });
      }
    }
    return links;
  }

  async #stream(model: Model, links: PartLink[]): Promise<void> {
    const o = this.#o;
    const latest = new Map<string, Fields>();
    const decode = (l: PartLink, bytes: Uint8Array) => {
      try {
        const decoded = decodePart(model, l.gatt.part, new Uint8Array(bytes), l.opts);
        latest.set(l.gatt.part, toFields(model, l.sensor, decoded as never));
      } catch (error) {
        o.log.warn("undecodable sensor data", {
          tag: o.address,
          part: l.gatt.part,
          error: (error as Error).message,
        });
      }
    };
    const event = links.filter((l) => l.gatt.part === "keys" || o.mode === "notify");
    const subscribe = async () => {
      for (const l of event) {
        l.data.on("data", (bytes: Uint8Array, isNotification: boolean) => {
          if (isNotification) decode(l, bytes);
        });
        await l.data.subscribeAsync();
        if (l.gatt.part === "keys") latest.set("keys", { keys: 0 });
        else if (l.data.properties.includes("read")) decode(l, await l.data.readAsync());
      }
    };
    await withTimeout(subscribe(), o.connectTimeoutMs, "subscribing");
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
        const values = await withTimeout(
          Promise.all(polled.map((l) => l.data.readAsync())),
          o.connectTimeoutMs,
          "sensor read",
        );
        polled.forEach((l, i) => decode(l, values[i]));
        emit();
      } catch (error) {
        o.log.warn("sensor read failed", { tag: o.address, error: (error as Error).message });
        // A read never answered blocks noble's request queue for this link: start afresh.
        if (error instanceof StepTimeout) unanswered(error);
      } finally {
        busy = false;
      }
    };
    await new Promise<void>((resolve, reject) => {
      unanswered = reject;
      this.#timer = setInterval(() => void tick(), o.intervalMs);
      this.#stop.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }
}

/** A step of the BLE conversation that did not finish in time. */
class StepTimeout extends Error {
  override name = "StepTimeout";
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new StepTimeout(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}
