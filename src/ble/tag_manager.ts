/**
 * Several SensorTags in one process, sharing one noble: scanning runs while
 * any session is looking for its tag; each tag has its own session, so one
 * failing tag never stops the others.
 */
import type { Logger } from "../util/log.ts";
import type { Noble, Peripheral } from "./noble.ts";
import { waitForAdapter } from "./noble.ts";
import { guardHciNoble, rssiReadable, rssiUnreadableWhy } from "./hci_guards.ts";
import { deadline, DeadlineError, delay } from "../util/retry.ts";
import { type SessionOptions, type SlotGate, type TagReading, TagSession } from "./tag_session.ts";
import { ConnectionBudget, isConnectionRefusal } from "./connection_budget.ts";

export type ManagerSessionOptions =
  & Omit<SessionOptions, "address" | "onReading" | "findPeripheral" | "log" | "slots">
  & {
    /** `--max-connections`: links the controller holds at once (default: learned). */
    maxConnections?: number;
    /** Every session's state changes (metrics, status page). */
    onTagState?: (address: string, state: string, detail?: string) => void;
    /** A tag's signal strength, each time it is heard advertising. */
    onRssi?: (address: string, dbm: number) => void;
  };

/** How long a scan start/stop is waited for (noble may never answer an overlapped one). */
const SCAN_COMMAND_MS = 2000;

export class TagManager {
  readonly sessions: TagSession[] = [];
  #seen = new Map<string, Peripheral>();
  #waiting = new Map<string, Set<(p: Peripheral) => void>>();
  #scanning = false;
  #rssiUnreadableLogged = false;
  readonly budget: ConnectionBudget;
  /** Sessions waiting for a slot, by address. */
  #grants = new Map<string, () => void>();
  #dueTimer?: ReturnType<typeof setTimeout>;
  readonly #slots: SlotGate = {
    acquire: (address, dueAt, signal) => this.#acquire(address, dueAt, signal),
    release: (address) => {
      if (!this.budget.held.has(address)) return;
      this.budget.release(address);
      this.#pump();
    },
    holdLinks: () => this.budget.fitsAll(this.addresses.length),
    refused: (address, error) => {
      if (!isConnectionRefusal(error)) return false;
      const before = this.budget.limit;
      const linksUp = [...this.#seen.values()].filter((p) => p.state === "connected").length;
      const limit = this.budget.refused(address, linksUp);
      if (limit !== before) {
        this.log.warn("the controller refused one link more", {
          tag: address,
          error: (error as Error).message,
          max_connections: limit,
          ...(this.budget.fitsAll(this.addresses.length)
            ? {}
            : { tags: this.addresses.length, reading: "in turns" }),
        });
        for (const s of this.sessions) s.budgetChanged();
      }
      this.#pump();
      return true;
    },
  };
  /** Connect attempts in progress (noble's HCI bindings stop scanning for each). */
  #connecting = 0;
  #stopped = false;
  // noble's HCI bindings stop scanning before initiating a connection and never start it again:
  // follow what noble says instead of what was last asked, and resume once no connect is underway.
  #onScanStart = () => {
    this.#scanning = true;
  };
  #onScanStop = () => {
    this.#scanning = false;
    this.#resumeScanning();
  };
  #onDiscover = (p: Peripheral) => {
    const address = p.address.toUpperCase();
    this.#seen.set(address, p);
    this.options.onRssi?.(address, p.rssi);
    for (const resolve of this.#waiting.get(address) ?? []) resolve(p);
  };

  /**
   * The adapter left poweredOn (an unplugged dongle, a closed `--hci tcp:` stream): noble has
   * dropped every peripheral and stopped scanning, so the ones heard before are forgotten here
   * too (connecting a stale one never completes). Back on, scanning resumes for those waiting.
   */
  #onStateChange = (state: string) => {
    if (state !== "poweredOn") {
      this.#seen.clear();
      this.#scanning = false;
    } else if (this.#waiting.size > 0) {
      this.#scanning = false; // a start asked while the adapter was off has failed
      void this.#setScanning(true);
    }
  };

  constructor(
    private readonly noble: Noble,
    private readonly addresses: readonly string[],
    private readonly options: ManagerSessionOptions,
    private readonly log: Logger,
  ) {
    this.budget = new ConnectionBudget(options.maxConnections);
  }

  async start(onReading: (r: TagReading) => void): Promise<void> {
    guardHciNoble(this.noble);
    await waitForAdapter(this.noble);
    this.noble.on("discover", this.#onDiscover);
    this.noble.on("scanStart", this.#onScanStart);
    this.noble.on("scanStop", this.#onScanStop);
    this.noble.on("stateChange", this.#onStateChange);
    for (const address of this.addresses) {
      const session = new TagSession({
        ...this.options,
        address,
        log: this.log,
        onReading,
        onState: (state, detail) => this.options.onTagState?.(address, state, detail),
        findPeripheral: (a, timeoutMs, signal) => this.#find(a, timeoutMs, signal),
        aroundConnect: (attempt) => this.#connect(attempt),
        slots: this.#slots,
      });
      this.sessions.push(session);
      session.start();
    }
  }

  /** Asks each connected tag for its signal strength (reported through onRssi); bounded, never throws. */
  async refreshRssi(): Promise<void> {
    for (const [address, p] of this.#seen) {
      if (!rssiReadable(this.noble)) break;
      if (p.state !== "connected") continue;
      try {
        const dbm = await deadline(p.updateRssiAsync(), 2000, { what: "RSSI" });
        this.options.onRssi?.(address, dbm);
      } catch {
        // The next advertisement or refresh will tell.
      }
    }
    if (!rssiReadable(this.noble) && !this.#rssiUnreadableLogged) {
      this.#rssiUnreadableLogged = true;
      this.log.info("connected tags' RSSI is unknown: the controller cannot read it", {
        why: rssiUnreadableWhy(this.noble),
      });
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#dueTimer);
    await Promise.all(this.sessions.map((s) => s.stop()));
    this.noble.removeListener("discover", this.#onDiscover);
    this.noble.removeListener("scanStart", this.#onScanStart);
    this.noble.removeListener("scanStop", this.#onScanStop);
    this.noble.removeListener("stateChange", this.#onStateChange);
    await this.#setScanning(false);
    this.noble.stop();
  }

  /** The peripheral of `address`: at once if heard before, else once it advertises. */
  async #find(address: string, timeoutMs: number, signal: AbortSignal): Promise<Peripheral> {
    const known = this.#seen.get(address);
    if (known && known.state !== "error") return known;
    let resolveFound!: (p: Peripheral) => void;
    const found = new Promise<Peripheral>((r) => (resolveFound = r));
    const set = this.#waiting.get(address) ?? new Set();
    set.add(resolveFound);
    this.#waiting.set(address, set);
    // Not while a connection is being initiated (noble stopped scanning for it): #connect
    // resumes. Not awaited: the wait below is the one that ends on stop.
    if (this.#connecting === 0) void this.#setScanning(true);
    // The wait ends when the tag is heard, after the timeout, or at once when stopped. Not
    // deadline(): its errors are the session's words ("not heard advertising", "stopped").
    const waited = new AbortController();
    try {
      return await Promise.race([
        found,
        delay(timeoutMs, AbortSignal.any([signal, waited.signal])).then(() => {
          throw new Error(`not heard advertising within ${timeoutMs} ms`);
        }, () => {
          throw new Error("stopped");
        }),
      ]);
    } finally {
      waited.abort();
      set.delete(resolveFound);
      if (set.size === 0) this.#waiting.delete(address);
      if (this.#waiting.size === 0) await this.#setScanning(false);
    }
  }

  /** One connect attempt; scanning resumes for the tags still looking once none is underway. */
  async #connect<T>(attempt: () => Promise<T>): Promise<T> {
    this.#connecting++;
    try {
      return await attempt();
    } finally {
      this.#connecting--;
      this.#resumeScanning();
    }
  }

  #resumeScanning(): void {
    if (this.#stopped || this.#connecting > 0 || this.#waiting.size === 0) return;
    void this.#setScanning(true);
  }

  /** Resolves once `address` holds a slot of the budget, not before `dueAt`. */
  #acquire(address: string, dueAt: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.#grants.delete(address);
        this.budget.withdraw(address);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#grants.set(address, () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
      this.budget.request(address, dueAt);
      this.#pump();
    });
  }

  /** Hands free slots to the tags due, and wakes up when the next one falls due. */
  #pump(): void {
    clearTimeout(this.#dueTimer);
    this.#dueTimer = undefined;
    if (this.#stopped) return;
    const now = Date.now();
    for (const address of this.budget.grant(now)) {
      const grant = this.#grants.get(address);
      this.#grants.delete(address);
      if (grant) grant();
      else this.budget.release(address); // asked, then stopped: nobody to hand it to
    }
    const next = this.budget.nextDueIn(now);
    // Due now but no slot free: a release pumps again.
    if (next !== undefined && next > 0) this.#dueTimer = setTimeout(() => this.#pump(), next);
  }

  /**
   * Starts or stops scanning. The wait is bounded: noble settles only the latest of overlapping
   * start (or stop) requests (`onceExclusive` drops the earlier callback), so an earlier promise
   * may never settle; what noble actually does arrives as scanStart/scanStop anyway.
   */
  async #setScanning(on: boolean): Promise<void> {
    if (on === this.#scanning) return;
    this.#scanning = on;
    const asked = on ? this.noble.startScanningAsync([], true) : this.noble.stopScanningAsync();
    try {
      // An answer that does not come in time is no error: noble may never settle it (above).
      await deadline(asked, SCAN_COMMAND_MS, { what: "scan command" }).catch((error) => {
        if (!(error instanceof DeadlineError)) throw error;
      });
    } catch (error) {
      this.log.warn(on ? "cannot start scanning" : "cannot stop scanning", {
        error: (error as Error).message,
      });
    } finally {
      asked.catch(() => {});
    }
  }
}
