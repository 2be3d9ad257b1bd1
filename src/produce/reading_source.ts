/** Where `gateway produce` gets readings: real tags over the host's radio, or `--simulate N` virtual ones. */
import type { Reading } from "../avro/reading_record.ts";
import { hostNoble, type Noble } from "../ble/noble.ts";
import { describeHciTransport, type HciTransport } from "../ble/hci/transport.ts";
import { TagManager } from "../ble/tag_manager.ts";
import { createSimulatedNoble, simulatedAddresses } from "../ble/virtual/simulated_noble.ts";
import type { AccelRange } from "../sensortag/gatt.ts";
import { hasSensor, type SensorName } from "../sensortag/model.ts";
import type { Logger } from "../util/log.ts";
import type { ReadingSource } from "./run_produce.ts";
import type { ProduceObserver } from "../metrics/produce_observer.ts";

export interface SourceSettings {
  addresses: string[];
  simulate?: number;
  /** The controller (`--hci`); none: the first adapter. */
  hci?: HciTransport;
  /** `--max-connections`: links the controller holds at once (none: learned). */
  maxConnections?: number;
  sensors: SensorName[];
  mode: "poll" | "notify";
  intervalMs: number;
  periodMs?: number;
  accelRange: AccelRange;
  connectTimeoutMs: number;
}

export function createReadingSource(
  s: SourceSettings,
  log: Logger,
  observer?: ProduceObserver,
): ReadingSource {
  let manager: TagManager | undefined;
  let rssiTimer: ReturnType<typeof setInterval> | undefined;
  return {
    async start(onReading: (r: Reading) => void) {
      let noble: Noble;
      let addresses = s.addresses;
      if (s.simulate !== undefined) {
        addresses = [...addresses, ...simulatedAddresses(s.simulate)];
        // CC2541s lack some sensors: simulate only CC2650s when those are asked for.
        const model = s.sensors.every((x) => hasSensor("cc2541", x)) ? undefined : "cc2650";
        noble = createSimulatedNoble(addresses, { model }).noble;
        log.info("simulating SensorTags at noble's bindings", { tags: addresses.length });
      } else {
        noble = hostNoble(s.hci, (up, detail) => {
          const transport = s.hci ? describeHciTransport(s.hci) : "";
          if (up) log.info("HCI transport up", { transport });
          else log.warn("HCI transport down, reopening", { transport, error: detail });
        });
      }
      observer?.tagsExpected(addresses, s.intervalMs);
      manager = new TagManager(noble, addresses, {
        sensors: s.sensors,
        mode: s.mode,
        intervalMs: s.intervalMs,
        periodMs: s.periodMs,
        accelRange: s.accelRange,
        connectTimeoutMs: s.connectTimeoutMs,
        maxConnections: s.maxConnections,
        onTagState: (address, state, detail) => observer?.tagState(address, state, detail),
        onRssi: (address, dbm) => observer?.tagRssi(address, dbm),
      }, log.child({ component: "ble" }));
      await manager.start(onReading);
      // Connected tags stop advertising: ask them for their signal strength now and then.
      if (observer) rssiTimer = setInterval(() => void manager?.refreshRssi(), 15_000);
    },
    async stop() {
      clearInterval(rssiTimer);
      await manager?.stop();
    },
  };
}
