/**
 * noble's seam: a bindings object (the role hci-socket plays on Linux) whose
 * radio is a set of virtual SensorTags. noble's own `Noble` class runs on top
 * unchanged, so everything above the radio — noble, the gateway's sessions,
 * decoding, Avro, Kafka — runs for real. Events carry the same arguments, in
 * the same order, as noble's hci-socket bindings emit them.
 */
import { EventEmitter } from "node:events";
import { Buffer } from "node:buffer";
import { ADVERTISED_NAME } from "./gatt_table.ts";
import { VirtualTag, type VirtualTagSpec } from "./virtual_tag.ts";

export interface VirtualBindingsOptions {
  /** Simulated radio latency per operation, ms. */
  latencyMs?: number;
  /** How often a scanning central hears each tag's advertisement, ms. */
  advertiseEveryMs?: number;
  /**
   * LE links the controller holds at once; one more is refused as HCI status 0x09 (Connection
   * Limit Exceeded), in the words noble's HCI bindings use. Default: no limit.
   */
  maxConnections?: number;
}

const idOf = (address: string) => address.toLowerCase().replace(/:/g, "");

export class VirtualBindings extends EventEmitter {
  readonly tags = new Map<string, VirtualTag>();
  #latency: number;
  #advertiseEvery: number;
  #scanTimer?: ReturnType<typeof setInterval>;
  #notifyTimers = new Map<string, ReturnType<typeof setInterval>>();
  /** Subscriptions, "id/service/characteristic". */
  #subscribed = new Set<string>();
  #pending = new Set<ReturnType<typeof setTimeout>>();
  #stopped = false;
  #connectDelay = new Map<string, number>();
  #maxConnections: number;
  /** The most links held at once so far (tests check the budget is kept). */
  peakConnections = 0;

  constructor(specs: VirtualTagSpec[], options: VirtualBindingsOptions = {}) {
    super();
    this.#latency = options.latencyMs ?? 2;
    this.#advertiseEvery = options.advertiseEveryMs ?? 100;
    this.#maxConnections = options.maxConnections ?? Infinity;
    specs.forEach((s, i) => {
      const tag = new VirtualTag({ index: i, ...s });
      this.tags.set(idOf(tag.address), tag);
    });
  }

  // ---- controls for tests and simulation ----

  tag(address: string): VirtualTag {
    const t = this.tags.get(idOf(address));
    if (!t) throw new Error(`no virtual SensorTag ${address}`);
    return t;
  }

  /** Link loss: the tag disconnects as on a supervision timeout (HCI reason 0x08). */
  dropConnection(address: string): void {
    const tag = this.tag(address);
    if (!tag.connected) return;
    this.#disconnected(tag, 0x08);
  }

  /** An unreachable tag does not advertise and its connections fail. */
  setReachable(address: string, reachable: boolean): void {
    const tag = this.tag(address);
    tag.reachable = reachable;
    if (!reachable && tag.connected) this.#disconnected(tag, 0x08);
  }

  /**
   * The tag's next connection completes only after `ms` (a tag that connects late, after the
   * central gave up waiting): the link comes up even if the attempt was cancelled meanwhile, as
   * when the controller's LE Connection Complete crosses the host's Create Connection Cancel.
   */
  delayNextConnect(address: string, ms: number): void {
    this.#connectDelay.set(idOf(address), ms);
  }

  /** The next `count` data reads of the tag fail with an ATT error. */
  injectFailure(address: string, count = 1): void {
    this.tag(address).failNextReads(count);
  }

  /** Presses keys on a tag; subscribers get the notification. */
  pressKeys(address: string, bits: number): void {
    const tag = this.tag(address);
    tag.setKeys(bits);
    const key = `${idOf(tag.address)}/ffe0/ffe1`;
    if (this.#subscribed.has(key) && tag.connected) {
      this.#later(() =>
        this.emit("read", idOf(tag.address), "ffe0", "ffe1", Buffer.from(tag.sample("keys")), true)
      );
    }
  }

  // ---- the bindings interface noble calls ----

  start(): void {
    this.#stopped = false;
    this.#later(() => {
      this.emit("addressChange", "00:1a:7d:da:71:13");
      this.emit("stateChange", "poweredOn");
    });
  }

  stop(): void {
    this.#stopped = true;
    this.stopScanning();
    for (const t of this.#notifyTimers.values()) clearInterval(t);
    this.#notifyTimers.clear();
    this.#subscribed.clear();
    for (const t of this.#pending) clearTimeout(t);
    this.#pending.clear();
    for (const tag of this.tags.values()) tag.onDisconnect();
  }

  reset(): void {}

  setScanParameters(): void {
    this.#later(() => this.emit("scanParametersSet"));
  }

  addressToId(address: string): string | null {
    const id = idOf(address);
    return this.tags.has(id) ? id : null;
  }

  startScanning(_serviceUuids?: string[], allowDuplicates?: boolean): void {
    this.#later(() => this.emit("scanStart", !allowDuplicates));
    clearInterval(this.#scanTimer);
    const advertise = () => {
      for (const [id, tag] of this.tags) {
        if (!tag.reachable || tag.connected) continue;
        const rssi = tag.rssi + Math.round(Math.sin(Date.now() / 1000 + tag.index) * 3);
        this.emit(
          "discover",
          id,
          tag.address.toLowerCase(),
          "public",
          true,
          advertisement(tag),
          rssi,
          true,
        );
      }
    };
    this.#later(advertise);
    this.#scanTimer = setInterval(advertise, this.#advertiseEvery);
  }

  stopScanning(): void {
    if (this.#scanTimer === undefined) return;
    clearInterval(this.#scanTimer);
    this.#scanTimer = undefined;
    this.#later(() => this.emit("scanStop"));
  }

  connect(id: string): void {
    // As noble's HCI bindings do (processConnectionQueue): scanning stops before a connection
    // is initiated, and nothing starts it again.
    this.stopScanning();
    const tag = this.tags.get(id);
    this.#later(() => {
      if (!tag) return this.emit("connect", id, new Error(`unknown peripheral ${id}`));
      if (!tag.reachable) {
        return this.emit(
          "connect",
          id,
          new Error("connection failed: no answer from the tag (out of range)"),
        );
      }
      const held = [...this.tags.values()].filter((t) => t.connected).length;
      if (held >= this.#maxConnections) {
        return this.emit("connect", id, new Error("Connection Limit Exceeded (0x9)"));
      }
      tag.connected = true;
      this.peakConnections = Math.max(this.peakConnections, held + 1);
      this.emit("connect", id, null);
    }, this.#connectDelay.get(id) ?? 20);
    this.#connectDelay.delete(id);
  }

  cancelConnect(id: string): void {
    this.#later(() => this.emit("connect", id, new Error("connection canceled")));
  }

  disconnect(id: string): void {
    const tag = this.tags.get(id);
    if (!tag) return;
    this.#later(() => this.#disconnected(tag, 0x16));
  }

  updateRssi(id: string): void {
    const tag = this.tags.get(id);
    this.#later(() => this.emit("rssiUpdate", id, tag?.rssi ?? -127));
  }

  discoverServices(id: string, uuids: string[] = []): void {
    this.#withTag(id, (tag) => {
      const all = tag.services.map((s) => s.uuid);
      this.emit("servicesDiscover", id, uuids.length ? all.filter((u) => uuids.includes(u)) : all);
    });
  }

  discoverIncludedServices(id: string, serviceUuid: string): void {
    this.#withTag(id, () => this.emit("includedServicesDiscover", id, serviceUuid, []));
  }

  discoverCharacteristics(id: string, serviceUuid: string, uuids: string[] = []): void {
    this.#withTag(id, (tag) => {
      const service = tag.services.find((s) => s.uuid === serviceUuid);
      const chars = (service?.characteristics ?? [])
        .filter((c) => uuids.length === 0 || uuids.includes(c.uuid))
        .map((c) => ({ uuid: c.uuid, properties: c.properties }));
      this.emit("characteristicsDiscover", id, serviceUuid, chars);
    });
  }

  read(id: string, serviceUuid: string, uuid: string): void {
    this.#withTag(id, (tag) => {
      const c = tag.characteristic(serviceUuid, uuid);
      try {
        if (!c) throw new Error(`ATT error: no characteristic ${uuid} in service ${serviceUuid}`);
        this.emit("read", id, serviceUuid, uuid, Buffer.from(tag.read(c)), false);
      } catch (error) {
        this.emit("read", id, serviceUuid, uuid, Buffer.alloc(0), false, error);
      }
    });
  }

  write(
    id: string,
    serviceUuid: string,
    uuid: string,
    data: Uint8Array,
    withoutResponse: boolean,
  ): void {
    // noble's HCI bindings build the ATT request at once, on the caller's stack: a
    // non-Buffer throws there (see attPayload), so it throws here too.
    const bytes = this.tags.get(id)?.connected ? attPayload(data) : new Uint8Array(data);
    this.#withTag(id, (tag) => {
      const c = tag.characteristic(serviceUuid, uuid);
      let error: Error | undefined;
      try {
        if (!c) throw new Error(`ATT error: no characteristic ${uuid} in service ${serviceUuid}`);
        tag.write(c, bytes);
        // A new period reschedules running notifications.
        if (c.role === "period" || c.role === "config") this.#reschedule(id, tag, c.part!);
      } catch (e) {
        error = e as Error;
      }
      if (!withoutResponse || error) this.emit("write", id, serviceUuid, uuid, error);
    });
  }

  broadcast(id: string, serviceUuid: string, uuid: string, state: boolean): void {
    this.#withTag(id, () => this.emit("broadcast", id, serviceUuid, uuid, state));
  }

  notify(id: string, serviceUuid: string, uuid: string, state: boolean): void {
    this.#withTag(id, (tag) => {
      const c = tag.characteristic(serviceUuid, uuid);
      if (!c || !(c.properties.includes("notify") || c.properties.includes("indicate"))) {
        return this.emit(
          "notify",
          id,
          serviceUuid,
          uuid,
          false,
          new Error(`ATT error: ${uuid} cannot notify`),
        );
      }
      const key = `${id}/${serviceUuid}/${uuid}`;
      clearInterval(this.#notifyTimers.get(key));
      this.#notifyTimers.delete(key);
      this.#subscribed.delete(key);
      if (state) {
        this.#subscribed.add(key);
        this.#schedule(key, id, tag, serviceUuid, uuid, c.part);
      }
      this.emit("notify", id, serviceUuid, uuid, state);
    });
  }

  discoverDescriptors(id: string, serviceUuid: string, uuid: string): void {
    this.#withTag(id, (tag) => {
      const c = tag.characteristic(serviceUuid, uuid);
      const descriptors = c?.properties.includes("notify") ? ["2902", "2901"] : ["2901"];
      this.emit("descriptorsDiscover", id, serviceUuid, uuid, descriptors);
    });
  }

  readValue(id: string, serviceUuid: string, uuid: string, descriptorUuid: string): void {
    this.#withTag(
      id,
      () => this.emit("valueRead", id, serviceUuid, uuid, descriptorUuid, Buffer.from([0, 0])),
    );
  }

  writeValue(
    id: string,
    serviceUuid: string,
    uuid: string,
    descriptorUuid: string,
    data: Uint8Array,
  ): void {
    if (this.tags.get(id)?.connected) attPayload(data);
    this.#withTag(id, () => this.emit("valueWrite", id, serviceUuid, uuid, descriptorUuid));
  }

  readHandle(id: string, handle: number): void {
    this.#withTag(
      id,
      () =>
        this.emit(
          "handleRead",
          id,
          handle,
          Buffer.alloc(0),
          new Error("handle access is not simulated"),
        ),
    );
  }

  writeHandle(id: string, handle: number, data: Uint8Array): void {
    if (this.tags.get(id)?.connected) attPayload(data);
    this.#withTag(
      id,
      () => this.emit("handleWrite", id, handle, new Error("handle access is not simulated")),
    );
  }

  // ---- internals ----

  #schedule(
    key: string,
    id: string,
    tag: VirtualTag,
    serviceUuid: string,
    uuid: string,
    part?: string,
  ): void {
    if (!part || part === "keys") return; // event-driven (pressKeys), no period
    const timer = setInterval(() => {
      if (!tag.connected || !tag.enabled(part)) return;
      this.emit("read", id, serviceUuid, uuid, Buffer.from(tag.sample(part)), true);
    }, part === "battery" ? 60_000 : tag.periodMs(part));
    this.#notifyTimers.set(key, timer);
  }

  #reschedule(id: string, tag: VirtualTag, part: string): void {
    for (const s of tag.services) {
      const c = s.characteristics.find((c) => c.part === part && c.role === "data");
      const key = `${id}/${s.uuid}/${c?.uuid}`;
      if (c && this.#subscribed.has(key)) {
        clearInterval(this.#notifyTimers.get(key));
        this.#schedule(key, id, tag, s.uuid, c.uuid, part);
      }
    }
  }

  #disconnected(tag: VirtualTag, reason: number): void {
    const id = idOf(tag.address);
    for (const [key, timer] of this.#notifyTimers) {
      if (key.startsWith(`${id}/`)) {
        clearInterval(timer);
        this.#notifyTimers.delete(key);
      }
    }
    for (const key of this.#subscribed) if (key.startsWith(`${id}/`)) this.#subscribed.delete(key);
    tag.onDisconnect();
    this.emit("disconnect", id, reason);
  }

  #withTag(id: string, fn: (tag: VirtualTag) => void): void {
    const tag = this.tags.get(id);
    this.#later(() => {
      if (!tag || !tag.connected) return; // noble's disconnect handling rejects the pending operation
      fn(tag);
    });
  }

  #later(fn: () => void, ms = this.#latency): void {
    if (this.#stopped) return;
    const t = setTimeout(() => {
      this.#pending.delete(t);
      fn();
    }, ms);
    this.#pending.add(t);
  }
}

/**
 * The value bytes of an ATT write, copied the way noble's HCI `gatt.js` (`writeRequest`)
 * copies them: with `Buffer#readUInt8`. Anything but a `Buffer` throws the same
 * `TypeError: data.readUInt8 is not a function` the real stack throws.
 */
export function attPayload(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data as Buffer).readUInt8(i);
  return out;
}

function advertisement(tag: VirtualTag) {
  return {
    localName: ADVERTISED_NAME[tag.model],
    txPowerLevel: 0,
    manufacturerData: tag.model === "cc2650"
      ? Buffer.from([0x0d, 0x00, 0x03, 0x00, 0x00])
      : undefined,
    serviceData: [],
    serviceUuids: tag.model === "cc2650" ? ["aa80"] : [],
    solicitationServiceUuids: [],
    serviceSolicitationUuids: [],
  };
}
